-- The current kansen (facilities and initiatives): per source the newest file, whatever period it names
-- (the social map as it is now; a facility is listed once, not once per delivered period). A kans that has only
-- coordinates is placed in the buurt whose boundary holds it (intermediate step kansen_op_de_kaart, written
-- by the build from the boundaries).
with source as (
    select * from raw.kansen
)

select
    md5(concat_ws('|', bron, naam, adres, buurtcode, lat::varchar, lon::varchar, bron_rij::varchar)) as kans_id,
    naam, soort, themas, adres, lat, lon, contact, buurtcode, wijkcode, gemeentecode, plaatsing,
    bron, periode, bron_bestand, bron_rij, load_id
from source
qualify load_id = max(load_id) over (partition by bron)

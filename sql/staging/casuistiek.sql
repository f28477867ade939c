-- The current wijkteam casuïstiek: per source the newest export of each period, one row per case × theme.
-- The same case (casus_key) in two exports of one source counts once, with its latest registration.
with source as (
    select * from raw.casuistiek
),

actuele_export as (
    select * from source
    qualify load_id = max(load_id) over (partition by bron, periode)
)

select distinct on (bron, casus_key, thema)
    casus_key, wijkteam, registratiedatum, thema, thema like 'onbekend:%' as thema_onbekend,
    buurtcode, wijkcode, gemeentecode, plaatsing, bron, periode, bron_bestand, bron_rij, load_id
from actuele_export
order by bron, casus_key, thema, load_id desc, registratiedatum desc

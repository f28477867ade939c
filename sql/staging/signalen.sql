-- The current partner signals and enquête results: per source the newest file of each period.
with source as (
    select * from raw.signalen
)

select
    partner, signaal_periode, try_cast(left(signaal_periode, 4) as integer) as jaar, thema, thema like 'onbekend:%' as thema_onbekend,
    aantal, percentage, n, vraag, toelichting, publiceerbaar,
    buurtcode, wijkcode, gemeentecode, plaatsing, bron, periode, bron_bestand, bron_rij, load_id
from source
qualify load_id = max(load_id) over (partition by bron, periode)

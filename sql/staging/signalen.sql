-- The current partner signals and enquête results: per kind of source (meta.loads.bron: signalen or enquete),
-- source label and period the newest file. (An enquête file is not a newer export of the partner signals that
-- happen to carry the same label.)
with source as (
    select s.*, l.bron as bronsoort from raw.signalen s join meta.loads l using (load_id)
)

select
    partner, signaal_periode, try_cast(left(signaal_periode, 4) as integer) as jaar, thema, thema like 'onbekend:%' as thema_onbekend,
    aantal, percentage, n, vraag, toelichting, publiceerbaar,
    buurtcode, wijkcode, gemeentecode, plaatsing, bron, periode, bron_bestand, bron_rij, load_id
from source
qualify load_id = max(load_id) over (partition by bronsoort, bron, periode)

-- Bespreektafel outcomes: from files (the newest file of a source and period) and from `bespreking add`.
select datum, thema, herkend, verklaring, actie, eigenaar, wanneer, aanwezig, wijkcode, gemeentecode, bron, periode, load_id
from raw.besprekingen
qualify load_id = max(load_id) over (partition by bron, periode)

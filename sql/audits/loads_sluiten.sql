-- Nothing is lost: every load's rows_in equals loaded + quarantined.
select load_id, bron, bestand, rows_in, loaded, quarantined
from meta.loads
where rows_in is distinct from loaded + quarantined

-- Freshness per source for the report header: the latest load of each source, table and year.
with loads as (
    select * from meta.loads where loaded > 0
),

ranked as (
    select *, row_number() over (partition by bron, coalesce(tabel_id, ''), gemeente, jaar order by load_id desc) as volgorde
    from loads
)

select
    bron,
    tabel_id,
    gemeente,
    jaar,
    regexp_extract(bestand, '[^/\\]+$') as bestand,
    via,
    coalesce(opgehaald_op, geladen_op) as peildatum_bron,
    geladen_op,
    via = 'snapshot' as uit_snapshot
from ranked
where volgorde = 1;

comment on view pub.bronnen is 'Per source, table and year: where the latest data came from and when (for the report header).';

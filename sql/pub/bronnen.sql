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
comment on column pub.bronnen.bron is 'Source kind as in meta.loads: cbs_kwb, grenzen, beschikkingen, casuistiek, signalen, enquete, kansen, besprekingen, ...';
comment on column pub.bronnen.tabel_id is 'CBS table id (e.g. 85984NED) or boundary layer of the load; NULL for municipal sources.';
comment on column pub.bronnen.gemeente is 'CBS gemeente code the load was for (GM0344).';
comment on column pub.bronnen.jaar is 'Reference year of the load (CBS and boundary sources); NULL for municipal exports.';
comment on column pub.bronnen.bestand is 'File name of the latest load, without its folder (no local paths are published).';
comment on column pub.bronnen.via is 'How the data arrived (as meta.loads.via): e.g. bestand (a local file), online (fetched) or snapshot (a stored earlier fetch).';
comment on column pub.bronnen.peildatum_bron is 'When the source data was fetched (opgehaald_op), else when it was loaded: the freshness shown in the report header.';
comment on column pub.bronnen.geladen_op is 'When the latest load of this source, table and year was written to the database.';
comment on column pub.bronnen.uit_snapshot is 'True when the latest load came from a stored snapshot instead of a fresh fetch.';

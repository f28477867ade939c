-- Freshness per source for the report header: the latest load of each source, table and year.
-- A source is `verouderd` (stale) when it came from a snapshot, or when it was fetched longer ago than the
-- threshold for its kind, counted at the moment the view is read:
--   cbs_kwb, grenzen, koppeltabel  400 days: CBS publishes once a year; over 13 months means a release was missed
--   beschikkingen                   42 days: refreshed weekly; six weeks means several refreshes failed
--   casuistiek, signalen            92 days: wijkteams and partners deliver per quarter
--   kansen                         365 days: a yearly check of the social map
--   enquete                        730 days: an enquête runs every two years at most
--   besprekingen                     never: meeting outcomes are a record, not a feed
--   any other source               365 days
with loads as (
    select * from meta.loads where loaded > 0
),

ranked as (
    select *, row_number() over (partition by bron, coalesce(tabel_id, ''), gemeente, jaar order by load_id desc) as volgorde
    from loads
),

drempels (bron, max_dagen) as (
    values ('cbs_kwb', 400), ('grenzen', 400), ('koppeltabel', 400), ('beschikkingen', 42), ('casuistiek', 92),
           ('signalen', 92), ('kansen', 365), ('enquete', 730), ('besprekingen', null)
),

laatste as (
    select
        r.bron,
        r.tabel_id,
        r.gemeente,
        r.jaar,
        regexp_extract(r.bestand, '[^/\\]+$') as bestand,
        r.via,
        coalesce(r.opgehaald_op, r.geladen_op) as peildatum_bron,
        r.geladen_op,
        r.via = 'snapshot' as uit_snapshot,
        case when d.bron is null then 365 else d.max_dagen end as max_dagen
    from ranked r
    left join drempels d on d.bron = r.bron
    where r.volgorde = 1
)

select
    bron, tabel_id, gemeente, jaar, bestand, via, peildatum_bron, geladen_op, uit_snapshot,
    uit_snapshot or coalesce(peildatum_bron < current_localtimestamp() - to_days(max_dagen), false) as verouderd
from laatste;

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
comment on column pub.bronnen.verouderd is 'True when the source came from a snapshot, or was fetched longer ago than the threshold for its kind (see sql/pub/bronnen.sql: CBS 400 days, beschikkingen 42, casuistiek and signalen 92, kansen 365, enquete 730, besprekingen never).';

-- The current beschikkingen: per source the newest export of each period, each beschikking in its latest
-- state, and without toewijzingen that were sent in error (reden wijziging 13, "verwijderd").
with source as not materialized (
    select * from raw.beschikkingen
),

actuele_export as not materialized (
    -- A newer export of the same bron and periode replaces the older one (docs/beschikkingen.md).
    select * from source
    semi join (select bron, periode, max(load_id) as load_id from source group by bron, periode) using (bron, periode, load_id)
),

verdrongen as (
    -- The same beschikking can come again (a later 301 message changes its einddatum): the latest counts, the
    -- earlier versions go. Only the keys pass through the window (load_id and bron_rij name one record: a load
    -- is one file): sorting every column of millions of rows cost about 1.8 KB of memory per row.
    select load_id, bron_rij
    from (
        select load_id, bron_rij,
            row_number() over (partition by bron, beschikking_id order by load_id desc, bron_rij desc) as versie
        from actuele_export
        where beschikking_id is not null
    )
    where versie > 1
),

laatste_versie as (
    select * from actuele_export anti join verdrongen using (load_id, bron_rij)
),

export_peildatum as (
    -- An export knows nothing after its latest date, so periods after it are not counted. Planned end dates
    -- in the future do not move it past the day the export was loaded.
    select
        a.bron,
        a.periode,
        least(max(greatest(a.ingangsdatum, coalesce(a.einddatum, a.ingangsdatum))), any_value(l.geladen_op)::date) as peildatum
    from actuele_export a
    join meta.loads l using (load_id)
    group by a.bron, a.periode
)

select
    l.beschikking_id,
    l.client_key,
    l.wet,
    l.voorziening_code,
    l.voorziening,
    l.leveringsvorm,
    l.ingangsdatum,
    l.einddatum,
    l.reden_einde,
    l.reden_wijziging,
    l.buurtcode,
    l.wijkcode,
    l.gemeentecode,
    l.plaatsing,
    l.leeftijdsklasse,
    l.geslacht,
    l.bron,
    l.periode,
    e.peildatum,
    l.bron_bestand,
    l.bron_rij,
    l.load_id
from laatste_versie l
join export_peildatum e using (bron, periode)
where coalesce(l.reden_wijziging, '') <> '13'

-- The current beschikkingen: per source the newest export of each period, each beschikking in its latest
-- state, and without toewijzingen that were sent in error (reden wijziging 13, "verwijderd").
with source as (
    select * from raw.beschikkingen
),

actuele_export as (
    -- A newer export of the same bron and periode replaces the older one (docs/beschikkingen.md).
    select * from source
    qualify load_id = max(load_id) over (partition by bron, periode)
),

laatste_versie as (
    -- The same beschikking can come again (a later 301 message changes its einddatum): the latest counts.
    select * from actuele_export
    qualify beschikking_id is null
        or row_number() over (partition by bron, beschikking_id order by load_id desc, bron_rij desc) = 1
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

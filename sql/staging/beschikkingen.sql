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
    -- An export knows nothing after its latest date, so periods after it are not counted.
    select bron, periode, max(greatest(ingangsdatum, coalesce(einddatum, ingangsdatum))) as peildatum
    from actuele_export
    group by bron, periode
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

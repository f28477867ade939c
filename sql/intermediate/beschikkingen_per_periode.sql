-- Beschikkingen per area (buurt, wijk, gemeente) × period × wet × voorziening: lopend at the end of the
-- period, instroom and uitstroom during it, and unique clients. voorziening_code '*' is the wet's total.
-- Rows that could not be placed in a buurt count in the gemeente only.
with beschikkingen as (
    select * from staging.beschikkingen
),

perioden as (
    select * from intermediate.beschikking_perioden
),

in_periode as (
    -- An export knows nothing after its peildatum: within its last period it counts up to that date.
    select p.*, b.*, least(p.eind, b.peildatum) as tot
    from beschikkingen b
    join perioden p
      on p.begin <= b.peildatum
     and b.ingangsdatum <= least(p.eind, b.peildatum)
     and (b.einddatum is null or b.einddatum >= p.begin)
),

actief as (
    select
        periode_soort, periode, jaar, begin, eind,
        client_key, wet, voorziening_code, buurtcode, wijkcode, gemeentecode,
        einddatum is null or einddatum >= tot as lopend,
        ingangsdatum between begin and tot as instroom,
        coalesce(einddatum between begin and tot, false) as uitstroom
    from in_periode
),

per_niveau as (
    select 'buurt' as gebied_niveau, buurtcode as gebied_code, * exclude (buurtcode, wijkcode) from actief where buurtcode is not null
    union all
    select 'wijk', wijkcode, * exclude (buurtcode, wijkcode) from actief where wijkcode is not null
    union all
    select 'gemeente', gemeentecode, * exclude (buurtcode, wijkcode) from actief where gemeentecode is not null
)

select
    gebied_niveau,
    gebied_code,
    gemeentecode as gemeente_code,
    periode_soort,
    periode,
    jaar,
    eind as peildatum,
    wet,
    coalesce(voorziening_code, '*') as voorziening_code,
    count(*) filter (where lopend) as lopend,
    count(*) filter (where instroom) as instroom,
    count(*) filter (where uitstroom) as uitstroom,
    count(distinct client_key) filter (where lopend) as clienten
from per_niveau
group by grouping sets (
    (gebied_niveau, gebied_code, gemeentecode, periode_soort, periode, jaar, eind, wet, voorziening_code),
    (gebied_niveau, gebied_code, gemeentecode, periode_soort, periode, jaar, eind, wet)
)

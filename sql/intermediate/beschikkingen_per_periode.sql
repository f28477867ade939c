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
);

comment on table intermediate.beschikkingen_per_periode is 'Beschikkingen per area (buurt, wijk, gemeente) × period (kwartaal and jaar) × wet × voorziening, for analysts inside the gemeente: TRUE (unrounded) counts, not for publication (reports read pub.indicator_waarden). voorziening_code * is the wet''s total; rows that could not be placed in a buurt count in the gemeente only.';
comment on column intermediate.beschikkingen_per_periode.gebied_niveau is 'buurt, wijk or gemeente.';
comment on column intermediate.beschikkingen_per_periode.gebied_code is 'CBS area code as text: GM0344, WK034401, BU03440111.';
comment on column intermediate.beschikkingen_per_periode.gemeente_code is 'The gemeente the area lies in.';
comment on column intermediate.beschikkingen_per_periode.periode_soort is 'kwartaal or jaar.';
comment on column intermediate.beschikkingen_per_periode.periode is 'The period: 2024-K3 for a kwartaal, 2024 for a jaar.';
comment on column intermediate.beschikkingen_per_periode.jaar is 'The year the period lies in.';
comment on column intermediate.beschikkingen_per_periode.peildatum is 'Last day of the period: lopend counts beschikkingen still running on it.';
comment on column intermediate.beschikkingen_per_periode.wet is 'wmo, jeugdwet, participatiewet, schuldhulp or wlz.';
comment on column intermediate.beschikkingen_per_periode.voorziening_code is 'Productcategorie of the voorziening (iStandaarden code list or the gemeente''s own); * for all voorzieningen of the wet.';
comment on column intermediate.beschikkingen_per_periode.lopend is 'Beschikkingen running at the end of the period (or at the export''s peildatum when that is earlier).';
comment on column intermediate.beschikkingen_per_periode.instroom is 'Beschikkingen that started during the period.';
comment on column intermediate.beschikkingen_per_periode.uitstroom is 'Beschikkingen that ended during the period.';
comment on column intermediate.beschikkingen_per_periode.clienten is 'Distinct clients (pseudonymised keys) with a running beschikking at the end of the period.';

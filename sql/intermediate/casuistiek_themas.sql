-- Cases per area (buurt, wijk, gemeente) × period (quarter, year) × theme, and every area's total number
-- of cases in the period (thema '*'), so a theme's share of the casuïstiek can be set beside the gemeente's.
with casussen as (
    select *, year(registratiedatum)::integer as jaar,
           strftime(registratiedatum, '%Y') || '-K' || quarter(registratiedatum) as kwartaal
    from staging.casuistiek
),

per_periode as (
    select 'jaar' as periode_soort, jaar::varchar as periode, jaar, * exclude (jaar, kwartaal) from casussen
    union all
    select 'kwartaal', kwartaal, jaar, * exclude (jaar, kwartaal) from casussen
),

per_niveau as (
    select 'buurt' as gebied_niveau, buurtcode as gebied_code, wijkcode as ouder_code, * exclude (buurtcode, wijkcode) from per_periode where buurtcode is not null
    union all
    select 'wijk', wijkcode, gemeentecode, * exclude (buurtcode, wijkcode) from per_periode where wijkcode is not null
    union all
    select 'gemeente', gemeentecode, null, * exclude (buurtcode, wijkcode) from per_periode where gemeentecode is not null
)

select
    gebied_niveau, gebied_code, ouder_code, gemeentecode as gemeente_code, periode_soort, periode, jaar,
    coalesce(thema, '*') as thema,
    count(distinct casus_key) as casussen
from per_niveau
group by grouping sets (
    (gebied_niveau, gebied_code, ouder_code, gemeentecode, periode_soort, periode, jaar, thema),
    (gebied_niveau, gebied_code, ouder_code, gemeentecode, periode_soort, periode, jaar)
)

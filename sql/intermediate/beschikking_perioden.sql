-- The quarters and years for which beschikkingen are counted: the last six calendar years up to the latest
-- peildatum of any export. The period that holds the peildatum ends on it.
with grens as (
    select max(peildatum) as peildatum from staging.beschikkingen
),

kwartalen as (
    select unnest(generate_series(
        date_trunc('year', peildatum) - interval 5 year, peildatum, interval 3 month
    ))::date as begin, peildatum
    from grens
    where peildatum is not null
),

jaren as (
    select distinct date_trunc('year', begin)::date as begin, peildatum from kwartalen
)

select
    'kwartaal' as periode_soort,
    strftime(begin, '%Y') || '-K' || quarter(begin) as periode,
    year(begin)::integer as jaar,
    begin,
    least((begin + interval 3 month - interval 1 day)::date, peildatum) as eind
from kwartalen
union all
select
    'jaar',
    strftime(begin, '%Y'),
    year(begin)::integer,
    begin,
    least((begin + interval 1 year - interval 1 day)::date, peildatum)
from jaren

-- Boundaries per year and level: the latest load of each area wins.
with source as (
    select * from raw.cbs_grenzen
),

ranked as (
    select *, row_number() over (partition by jaar, gebied_code order by load_id desc) as volgorde
    from source
)

select
    jaar,
    niveau as gebied_niveau,
    gebied_code,
    gebied_naam,
    wp_gemeente_van(gebied_code) as gemeente_code,
    geometrie,
    load_id
from ranked
where volgorde = 1

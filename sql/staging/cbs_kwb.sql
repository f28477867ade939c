-- CBS kerncijfers typed and cleaned: '.', empty and CBS's secret codes become NULL (never 0),
-- decimal commas are read, and each area gets its level and parent from its code prefix.
with source as (
    select * from raw.cbs_kwb
),

cleaned as (
    select
        load_id,
        tabel_id,
        jaar,
        trim(gebied_code) as gebied_code,
        nullif(trim(gebied_naam), '') as gebied_naam,
        try_cast(nullif(trim(ind_wbi), '.') as integer) as ind_wbi,
        indicator,
        case
            when waarde is null or trim(waarde) in ('', '.', '-', 'x', '?') then null
            else try_cast(replace(trim(waarde), ',', '.') as double)
        end as waarde_getal
    from source
),

secret_codes_removed as (
    select
        * exclude (waarde_getal),
        case when waarde_getal in (-99997, -99998, -99999997, -99999999) then null else waarde_getal end as waarde
    from cleaned
)

select
    load_id,
    tabel_id,
    jaar,
    gebied_code,
    wp_niveau_van(gebied_code) as gebied_niveau,
    wp_ouder_van(gebied_code) as ouder_code,
    wp_gemeente_van(gebied_code) as gemeente_code,
    gebied_naam,
    ind_wbi,
    indicator,
    waarde
from secret_codes_removed

-- Yearly counts from the beschikkingen as indicator rows (the catalogue names them beschikt_*), per area.
with per_jaar as (
    select * from intermediate.beschikkingen_per_periode
    where periode_soort = 'jaar' and voorziening_code = '*'
),

clienten as (
    select gebied_code, gebied_niveau, gemeente_code, jaar,
        case wet
            when 'wmo' then 'beschikt_wmo_clienten'
            when 'jeugdwet' then 'beschikt_jeugdhulp_jongeren'
            when 'participatiewet' then 'beschikt_participatiewet_clienten'
            when 'schuldhulp' then 'beschikt_schuldhulp_clienten'
            when 'wlz' then 'beschikt_wlz_clienten'
        end as indicator,
        clienten as waarde
    from per_jaar
),

instroom as (
    select gebied_code, gebied_niveau, gemeente_code, jaar, 'beschikt_instroom' as indicator, sum(instroom) as waarde
    from per_jaar
    group by all
)

select
    gebied_code,
    gebied_niveau,
    wp_ouder_van(gebied_code) as ouder_code,
    gemeente_code,
    jaar,
    indicator,
    waarde::double as waarde
from (select * from clienten union all select * from instroom)

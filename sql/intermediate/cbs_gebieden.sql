-- The areas per year with their name and boundary-change flag, taken from the latest release that has them
-- (a later release may lack the name column).
with staged as (
    select * from staging.cbs_kwb
),

per_release as (
    select distinct gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, gebied_naam, ind_wbi, load_id
    from staged
)

select
    gebied_code,
    any_value(gebied_niveau) as gebied_niveau,
    any_value(ouder_code) as ouder_code,
    any_value(gemeente_code) as gemeente_code,
    jaar,
    arg_max(gebied_naam, load_id) filter (where gebied_naam is not null) as gebied_naam,
    arg_max(ind_wbi, load_id) filter (where ind_wbi is not null) as ind_wbi
from per_release
group by gebied_code, jaar

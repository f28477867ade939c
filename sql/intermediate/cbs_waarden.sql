-- One value per area × year × indicator across CBS releases. CBS publishes a year's KWB in stages: a later
-- release fills in cells (care, income) that were empty. A known value beats an unknown one; among known
-- values the latest load wins. load_id says which release each value came from.
with staged as (
    select * from staging.cbs_kwb
),

ranked as (
    select
        *,
        row_number() over (
            partition by gebied_code, jaar, indicator
            order by (waarde is null), load_id desc
        ) as volgorde
    from staged
)

select
    gebied_code,
    gebied_niveau,
    ouder_code,
    gemeente_code,
    jaar,
    indicator,
    waarde,
    tabel_id,
    load_id as release_load_id
from ranked
where volgorde = 1

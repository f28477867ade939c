-- Every indicator for every area and year, in long format, before comparison: CBS cells as CBS published them,
-- shares computed from CBS counts, and the gemeente's own figures, with label, unit, source, disclosure class,
-- the counts behind a ratio (and the year of its noemer) and CBS's boundary-change flag. marts.indicator_waarden adds the comparisons
-- (gemeente index, z-score, previous period, uncertainty interval) on top of this table; it also sorts it.
with cbs as (
    select *, null::double as teller, null::double as noemer, null::integer as noemer_jaar from intermediate.cbs_waarden
),

verhoudingen as (
    select * from intermediate.verhoudingen
),

gemeente_aantallen as (
    select *, null::varchar as tabel_id, null::integer as release_load_id, null::double as teller, null::double as noemer,
        null::integer as noemer_jaar
    from intermediate.beschikking_aantallen
    union all by name
    select *, null::varchar as tabel_id, null::integer as release_load_id, null::double as teller, null::double as noemer,
        null::integer as noemer_jaar
    from intermediate.thema_aantallen
),

alle as (
    select * from cbs
    union all by name select * from verhoudingen
    union all by name select * from gemeente_aantallen
),

gebieden as (
    select * from intermediate.cbs_gebieden
),

namen as (
    -- CBS names a year's areas; a gemeente figure for a year CBS has not published takes the latest name.
    select gebied_code, arg_max(gebied_naam, jaar) as gebied_naam from intermediate.cbs_gebieden group by gebied_code
),

grensnamen as (
    select gebied_code, arg_max(gebied_naam, jaar) as gebied_naam
    from staging.cbs_grenzen
    group by gebied_code
),

catalogus as (
    -- The one indicator catalogue (data/indicatoren.csv), CBS cells included.
    select indicator, label, eenheid, bron, openbaarmaking from raw.indicator_catalogus
)

select
    alle.gebied_code,
    alle.gebied_niveau,
    coalesce(gebieden.gebied_naam, namen.gebied_naam, grensnamen.gebied_naam, alle.gebied_code) as gebied_naam,
    alle.ouder_code,
    alle.gemeente_code,
    alle.jaar,
    alle.indicator,
    catalogus.label,
    alle.waarde,
    catalogus.eenheid,
    coalesce(catalogus.bron, 'cbs') as bron,
    catalogus.openbaarmaking,
    alle.teller,
    alle.noemer,
    alle.noemer_jaar,
    alle.tabel_id,
    alle.release_load_id,
    gebieden.ind_wbi
from alle
left join gebieden using (gebied_code, jaar)
left join namen using (gebied_code)
left join grensnamen using (gebied_code)
left join catalogus using (indicator)

-- Every ratio in the indicator catalogue (raw.indicator_catalogus rows with a teller and a noemer), from
-- CBS counts and gemeente counts alike. The noemer may be a sum ("inwoners_0_14+inwoners_15_24"); it is
-- unknown when any part is. Gemeente figures of a year CBS has not published yet use the latest earlier
-- CBS year as noemer. release_load_id is the latest release among the ratio's own inputs.
with catalogus as (
    select * from raw.indicator_catalogus where teller is not null and noemer is not null
),

waarden as (
    select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, indicator, waarde, tabel_id, release_load_id
    from intermediate.cbs_waarden
    union all by name
    select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, indicator, waarde
    from intermediate.beschikking_aantallen
    union all by name
    select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, indicator, waarde
    from intermediate.thema_aantallen
),

tellers as (
    select
        c.indicator, c.factor, w.gebied_code, w.gebied_niveau, w.ouder_code, w.gemeente_code, w.jaar,
        w.waarde as teller, w.tabel_id, w.release_load_id
    from catalogus c
    join waarden w on w.indicator = c.teller
),

noemer_delen as (
    select indicator, deel, delen from raw.indicator_noemers where indicator in (select indicator from catalogus)
),

noemers as (
    select
        d.indicator, w.gebied_code, w.jaar,
        case when count(w.waarde) = any_value(d.delen) then sum(w.waarde) end as noemer,
        max(w.release_load_id) as release_load_id
    from noemer_delen d
    join waarden w on w.indicator = d.deel
    group by d.indicator, w.gebied_code, w.jaar
)

select
    t.gebied_code,
    t.gebied_niveau,
    t.ouder_code,
    t.gemeente_code,
    t.jaar,
    t.indicator,
    wp_verhouding(t.teller, n.noemer, t.factor) as waarde,
    t.teller,
    n.noemer,
    t.tabel_id,
    greatest(t.release_load_id, n.release_load_id) as release_load_id
from tellers t
asof left join noemers n
  on n.indicator = t.indicator and n.gebied_code = t.gebied_code and t.jaar >= n.jaar

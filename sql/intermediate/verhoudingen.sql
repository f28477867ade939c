-- Every ratio in the indicator catalogue (raw.indicator_catalogus rows with a teller and a noemer), from
-- CBS counts and gemeente counts alike. The noemer may be a sum ("inwoners_0_14+inwoners_15_24"); it is
-- unknown when any part is. release_load_id is the latest release among the ratio's own inputs.
--
-- Which year's noemer: the teller's own year when there is a noemer row for the area that year (a row whose value
-- CBS left unknown gives an unknown rate: CBS said so). Otherwise - beschikkingen of a year CBS has not published
-- yet, or of a year before the first loaded CBS year - the nearest year with a noemer row for the area, the earlier
-- of two equally near. noemer_jaar says which year was used, and pub.indicator_waarden publishes it, so a report
-- can mark a rate computed with another year's noemer instead of leaving that year silently empty.
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
),

noemer_keuze as (
    -- per teller row the year of its noemer: the same year, else the nearest (ties: the earlier) year with a row
    select
        t.indicator, t.gebied_code, t.jaar,
        arg_min(n.jaar, 2 * abs(n.jaar - t.jaar) + (n.jaar > t.jaar)::integer) as noemer_jaar
    from tellers t
    join noemers n on n.indicator = t.indicator and n.gebied_code = t.gebied_code
    group by t.indicator, t.gebied_code, t.jaar
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
    k.noemer_jaar,
    t.tabel_id,
    greatest(t.release_load_id, n.release_load_id) as release_load_id
from tellers t
left join noemer_keuze k using (indicator, gebied_code, jaar)
left join noemers n on n.indicator = t.indicator and n.gebied_code = t.gebied_code and n.jaar = k.noemer_jaar

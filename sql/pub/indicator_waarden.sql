-- column comments from: marts.indicator_waarden
-- What reports may publish: every indicator value after disclosure control (pub.openbaarmaking, written by
-- transform/disclosure.py during the build), with its comparisons computed ONLY from published values: the
-- published value of the area, of its gemeente, of the same area in the previous period and, for an interval,
-- the published (rounded) numerator. CBS's own figures pass through unchanged, so for them this gives the
-- comparisons of marts.indicator_waarden; for gemeente figures it gives what a reader could compute from the
-- report, so nothing hidden or unrounded leaks through a comparison. The arithmetic is the macros of
-- sql/macros/vergelijking.sql, shared with the mart. Counts behind ratios (teller, noemer) are not published;
-- nor are openbaarmaking (the rule class; the result is in onderdrukt and onderdrukt_reden) and release_load_id
-- (a meta.loads row, internal lineage: the CBS table is tabel_id).
--
-- * A hidden value (waarde NULL) gets no index, z-score, verschil, interval or significance; gemeente_waarde,
--   vorige_jaar and vorige_waarde are other published cells and stay.
-- * The interval uses the published numerator (the rounded count, NULL when hidden) and the denominator when
--   every part of it is a CBS figure (public); a denominator from gemeente data gives no interval.
-- * The z-score is computed over the published values of the gemeente's areas of the same level.
with gepubliceerd as (
    select
        w.gebied_code, w.gebied_niveau, w.gebied_naam, w.ouder_code, w.gemeente_code, w.jaar,
        w.indicator, w.label, o.waarde, w.eenheid, w.bron, w.tabel_id, w.ind_wbi, w.noemer_jaar,
        o.onderdrukt, o.reden as onderdrukt_reden,
        w.noemer, w.vorige_jaar, w.vorige_indeling_gewijzigd
    from marts.indicator_waarden w
    join pub.openbaarmaking o
      on o.gebied_code = w.gebied_code and o.jaar = w.jaar and o.indicator = w.indicator
),

noemer_delen as (
    select indicator, deel from raw.indicator_noemers
),

catalogus as (
    -- Per ratio: its numerator key, factor, and whether its denominator is public (every part a CBS figure).
    select
        c.indicator, c.teller, c.factor,
        coalesce((select bool_and(d.bron = 'cbs') from noemer_delen n join raw.indicator_catalogus d on d.indicator = n.deel
                  where n.indicator = c.indicator), false) as noemer_openbaar
    from raw.indicator_catalogus c
),

vergeleken as (
    -- the gemeente's published value and the z-score statistics of the published values (wp_vergelijkingsbasis)
    select
        p.*,
        v.waarde as vorige_waarde,
        case when p.waarde is not null and c.noemer_openbaar then t.waarde end as teller_openbaar,
        c.factor
    from wp_vergelijkingsbasis('gepubliceerd') p
    left join gepubliceerd v
      on v.gebied_code = p.gebied_code and v.indicator = p.indicator and v.jaar = p.vorige_jaar
    left join catalogus c on c.indicator = p.indicator
    left join gepubliceerd t
      on t.gebied_code = p.gebied_code and t.jaar = p.jaar and t.indicator = c.teller
),

grenzen as (
    select
        *,
        wp_interval_onder(eenheid, teller_openbaar, noemer, factor) as interval_onder,
        wp_interval_boven(eenheid, teller_openbaar, noemer, factor) as interval_boven
    from vergeleken
)

select
    gebied_code, gebied_niveau, gebied_naam, ouder_code, gemeente_code, jaar,
    indicator, label, waarde, eenheid, bron, tabel_id, ind_wbi, noemer_jaar,
    onderdrukt,
    onderdrukt_reden,
    gemeente_waarde,
    wp_index_gemeente(eenheid, waarde, gemeente_waarde) as index_gemeente,
    wp_z_score(gebied_niveau, waarde, niveau_gemiddelde, niveau_sd, niveau_bekend, niveau_spreiding) as z_score,
    vorige_jaar,
    vorige_waarde,
    round(waarde - vorige_waarde, 6) as verschil,
    vorige_indeling_gewijzigd,
    interval_onder,
    interval_boven,
    wp_significant(gemeente_waarde, interval_onder, interval_boven) as significant
from grenzen;

comment on view pub.indicator_waarden is 'Publishable indicator values with their comparisons, the only indicator source for reports and downloads. Every comparison is computed from published values only (the area''s, its gemeente''s, the previous period''s and the rounded numerator), so it reveals nothing disclosure control hid; for CBS figures this equals the comparisons in marts.indicator_waarden.';
comment on column pub.indicator_waarden.gebied_niveau is 'gemeente, wijk or buurt.';
comment on column pub.indicator_waarden.gebied_naam is 'Area name as CBS publishes it for that year (else the latest known name, or the code).';
comment on column pub.indicator_waarden.jaar is 'Reference year of the figure.';
comment on column pub.indicator_waarden.indicator is 'Stable indicator key; definitions in docs/indicatoren.md and raw.indicator_catalogus.';
comment on column pub.indicator_waarden.label is 'Dutch label of the indicator.';
comment on column pub.indicator_waarden.waarde is 'The published value: CBS figures as published; gemeente counts rounded to 5, rates from rounded counts; NULL when hidden.';
comment on column pub.indicator_waarden.eenheid is 'Unit: aantal, %, km, per 1 000 inwoners, code, ...';
comment on column pub.indicator_waarden.bron is 'cbs for figures CBS published (or computed from CBS counts); gemeente for figures from the gemeente''s own data, published after the CBS small-number rule.';
comment on column pub.indicator_waarden.ind_wbi is 'CBS IndelingswijzigingWijkenEnBuurten of this year''s area: 1 = unchanged since the previous year; NULL when CBS gives none.';
comment on column pub.indicator_waarden.noemer_jaar is 'For a rate or share computed from counts: the year of the denominator it was computed with. Equal to jaar normally; another year when that year has no CBS denominator for the area (e.g. beschikkingen of a year CBS has not published), then the nearest year''s (the earlier of two equally near) - reports mark such a value. NULL for figures that are not computed from counts.';
comment on column pub.indicator_waarden.onderdrukt is 'True when the value is hidden (unknown, secret, or suppressed for privacy); shown as ".".';
comment on column pub.indicator_waarden.onderdrukt_reden is 'Why a value is hidden (e.g. minder dan 8, secundair onderdrukt).';
comment on column pub.indicator_waarden.gemeente_waarde is 'The published value of the same indicator and year for the area''s gemeente; NULL when that is hidden or unknown.';
comment on column pub.indicator_waarden.index_gemeente is 'round(100 × waarde / gemeente_waarde) from the published values (gemeente = 100); NULL for counts, codes and areas in ha, and when either value is hidden or gemeente_waarde is 0.';
comment on column pub.indicator_waarden.z_score is 'Standard score of the published value among the published values of the gemeente''s areas of the same level, indicator and year, rounded to 2 decimals; NULL for the gemeente, a hidden value, fewer than 3 published values, or no spread.';
comment on column pub.indicator_waarden.vorige_jaar is 'The latest earlier year with a row for the same area and indicator; NULL when there is none.';
comment on column pub.indicator_waarden.vorige_waarde is 'The published value of the same area and indicator in vorige_jaar; NULL when hidden or unknown.';
comment on column pub.indicator_waarden.verschil is 'waarde − vorige_waarde, both published (rounded to 6 decimals); NULL when either is hidden. Check vorige_indeling_gewijzigd first.';
comment on column pub.indicator_waarden.vorige_indeling_gewijzigd is 'True when CBS did not confirm the area unchanged for every year after vorige_jaar up to jaar (see marts.indicator_waarden); NULL without vorige_jaar.';
comment on column pub.indicator_waarden.interval_onder is 'Lower limit of the 95% uncertainty interval from published values: Wilson for %, Poisson (Byar) for per ..., from the published (rounded) numerator and a denominator of CBS figures; NULL when the value or its numerator is hidden, for figures without a numerator, and for a denominator from gemeente data.';
comment on column pub.indicator_waarden.significant is 'True when the published gemeente_waarde lies outside [interval_onder, interval_boven] (the difference may be coloured), false inside; NULL without an interval or gemeente value.';

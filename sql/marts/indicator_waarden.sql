-- Every indicator for every area and year, in long format, with the comparisons of DESIGN §6: the gemeente's
-- value as an index (gemeente = 100), a z-score among the gemeente's wijken or buurten (for colour), the same
-- area's previous period, and for rates from counts a 95% uncertainty interval with whether the gemeente's
-- value lies outside it (a difference the interval cannot support is not coloured).
--
-- The columns of intermediate.indicator_basis come first, unchanged and in the same order, so existing
-- consumers (privacy, pub, the wide profiles) keep working. Design decisions:
--
-- * Cost: the gemeente value and the z-score statistics are hash joins on small tables (the gemeente rows;
--   one aggregate row per gemeente, level, year and indicator; the macro wp_vergelijkingsbasis, which
--   pub.indicator_waarden applies to the published values), cheaper than sorting windows over the whole
--   table; the previous period is one lag() window over (gebied_code, indicator) ordered by jaar, i.e. the
--   latest earlier year that has a row for the same area and indicator (its waarde may be NULL).
-- * The z-score uses the unweighted mean and the sample standard deviation of the known values of the
--   areas of the same level in the gemeente, the area itself included. "Standard deviation 0" is tested as
--   min = max of those values, so floating-point noise in stddev_samp cannot produce a z-score.
-- * Uncertainty intervals (95%, Wilson for '%' from teller and noemer, Poisson/Byar for 'per ...' from the
--   teller scaled by factor/noemer; factor from raw.indicator_catalogus), the index, the z-score and
--   `significant` are the macros of sql/macros/vergelijking.sql, which pub.indicator_waarden applies to the
--   published values. The interval describes random variation of the count only (CBS's rounding of its counts
--   to 5 is ignored); `significant` compares gemeente_waarde, the rounded figure readers see, with the
--   unrounded limits.
-- * vorige_indeling_gewijzigd reads CBS's IndelingswijzigingWijkenEnBuurten (ind_wbi), which describes a
--   CBS year's area against the year before: 1 = unchanged; any other code means changed. CBS publishes it
--   for wijken and buurten (for gemeenten StatLine leaves it empty). Assumptions:
--   - the comparison spans every CBS year after vorige_jaar up to jaar, so when years are missing the flag
--     of each year in between counts, not only this year's;
--   - a wijk or buurt counts as unchanged only when CBS confirms it with code 1 for every one of those years;
--     a missing flag, or a year without a CBS area row (a gemeente figure of a year CBS has not published),
--     counts as possibly changed (true: compare with care);
--   - a gemeente counts as changed only when CBS gives it a code other than 1 in one of those years (a
--     municipal merger normally brings a new gemeente code, hence no earlier row at all);
--   - gemeente figures (bron = 'gemeente') are placed in buurten with the postcode table current at ingest;
--     the CBS flag describes the CBS area and is for them a conservative hint.
--   NULL when there is no earlier year.
with basis as (
    select * from intermediate.indicator_basis
),

factoren as (
    select indicator, any_value(factor) as factor from raw.indicator_catalogus group by indicator
),

vergeleken as (
    -- the gemeente's value and the z-score statistics (wp_vergelijkingsbasis), then the previous period
    select
        b.*,
        lag(b.jaar) over in_de_tijd as vorige_jaar,
        lag(b.waarde) over in_de_tijd as vorige_waarde
    from wp_vergelijkingsbasis('basis') b
    window in_de_tijd as (partition by b.gebied_code, b.indicator order by b.jaar)
),

vergelijkingsparen as (
    select distinct gebied_code, gebied_niveau, jaar, vorige_jaar
    from vergeleken
    where vorige_jaar is not null
),

indeling as (
    -- Per area and pair of years: could the area's boundaries have changed between vorige_jaar and jaar?
    select
        p.gebied_code,
        p.jaar,
        p.vorige_jaar,
        case
            when p.gebied_niveau = 'gemeente' then coalesce(bool_or(g.ind_wbi <> 1), false)
            else count(g.jaar) filter (where g.ind_wbi = 1) < p.jaar - p.vorige_jaar
        end as vorige_indeling_gewijzigd
    from vergelijkingsparen p
    left join intermediate.cbs_gebieden g
      on g.gebied_code = p.gebied_code and g.jaar > p.vorige_jaar and g.jaar <= p.jaar
    group by p.gebied_code, p.gebied_niveau, p.jaar, p.vorige_jaar
),

grenzen as (
    select
        v.*,
        i.vorige_indeling_gewijzigd,
        wp_interval_onder(v.eenheid, v.teller, v.noemer, f.factor) as interval_onder,
        wp_interval_boven(v.eenheid, v.teller, v.noemer, f.factor) as interval_boven
    from vergeleken v
    left join indeling i using (gebied_code, jaar, vorige_jaar)
    left join factoren f using (indicator)
)

select
    gebied_code,
    gebied_niveau,
    gebied_naam,
    ouder_code,
    gemeente_code,
    jaar,
    indicator,
    label,
    waarde,
    eenheid,
    bron,
    openbaarmaking,
    teller,
    noemer,
    noemer_jaar,
    tabel_id,
    release_load_id,
    ind_wbi,
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
from grenzen
order by gemeente_code, jaar, gebied_code, indicator;

comment on table marts.indicator_waarden is 'Every indicator per area (gemeente, wijk, buurt) and year, long format, with its comparisons (DESIGN §6): gemeente index, z-score among the gemeente''s wijken or buurten, previous period, and a 95% uncertainty interval for rates from counts. CBS figures as CBS published them; NULL means unknown or secret, never 0. Holds the true (unrounded) gemeente figures: reports publish the pub layer only (after disclosure control).';
comment on column marts.indicator_waarden.gebied_code is 'CBS area code as text: GM0344, WK034401, BU03440111.';
comment on column marts.indicator_waarden.gebied_niveau is 'gemeente, wijk or buurt (from the code prefix).';
comment on column marts.indicator_waarden.gebied_naam is 'Area name as CBS publishes it for that year; else the latest CBS name, the boundary file''s name, or the code.';
comment on column marts.indicator_waarden.ouder_code is 'Enclosing area: the wijk of a buurt, the gemeente of a wijk; NULL for a gemeente.';
comment on column marts.indicator_waarden.gemeente_code is 'The gemeente the area lies in.';
comment on column marts.indicator_waarden.jaar is 'Reference year of the figure (for CBS figures: of the CBS table, with that year''s area boundaries).';
comment on column marts.indicator_waarden.indicator is 'Stable indicator key (see raw.indicator_catalogus and docs/indicatoren.md); independent of CBS column suffixes.';
comment on column marts.indicator_waarden.label is 'Dutch label of the indicator; NULL for an indicator in no catalogue.';
comment on column marts.indicator_waarden.waarde is 'The value; NULL when unknown, unreliable, secret or not yet published. Ratios are rounded to 1 decimal.';
comment on column marts.indicator_waarden.eenheid is 'Unit: aantal, %, km, per 1 000 inwoners, code, ...; NULL for an indicator in no catalogue.';
comment on column marts.indicator_waarden.bron is 'cbs for figures CBS published (or computed from CBS counts); gemeente for figures from the gemeente''s own data (beschikkingen, casuïstiek, signalen).';
comment on column marts.indicator_waarden.openbaarmaking is 'Disclosure class from the catalogue: aantal_personen (count of persons), verhouding (rate), gemiddelde (average) or niet_persoonsgebonden (not about persons). Rows with bron cbs pass disclosure control unchanged whatever their class. NULL for an indicator in no catalogue.';
comment on column marts.indicator_waarden.teller is 'For a ratio: the count it is computed from (disclosure control rounds and hides by it; the interval is computed from it). NULL for other figures.';
comment on column marts.indicator_waarden.noemer is 'For a ratio: the denominator, of the year noemer_jaar. NULL for other figures.';
comment on column marts.indicator_waarden.noemer_jaar is 'For a ratio: the year of its noemer. jaar itself when there is a noemer row for the area that year (an unknown CBS cell then gives an unknown ratio); otherwise the nearest year with one (the earlier of two equally near), e.g. CBS inwoners of 2023 for beschikkingen of 2021 or of a year CBS has not published yet. NULL for other figures and when no year has a noemer row for the area.';
comment on column marts.indicator_waarden.tabel_id is 'CBS table id the value came from, e.g. 85984NED; NULL for gemeente figures.';
comment on column marts.indicator_waarden.release_load_id is 'meta.loads.load_id of the CBS release the value came from (a later release fills cells an earlier one left empty); NULL for gemeente counts.';
comment on column marts.indicator_waarden.ind_wbi is 'CBS IndelingswijzigingWijkenEnBuurten of this year''s area: 1 = unchanged since the previous year, another code = changed; NULL when CBS gives none (always for a year CBS has not published).';
comment on column marts.indicator_waarden.gemeente_waarde is 'The same indicator and year for the area''s gemeente (for the gemeente row: its own value); NULL when the gemeente has no known value.';
comment on column marts.indicator_waarden.index_gemeente is 'Index against the gemeente: round(100 × waarde / gemeente_waarde), a whole number; 100 for the gemeente itself. NULL for counts and codes (eenheid aantal or code), for an unknown unit, and when either value is NULL or gemeente_waarde is 0.';
comment on column marts.indicator_waarden.z_score is 'Standard score among the gemeente''s areas of the same level, indicator and year (wijken among wijken, buurten among buurten): (waarde − mean) / sample standard deviation of their known values, rounded to 2 decimals; for colour. NULL for the gemeente row, for an unknown value, with fewer than 3 known values, or when they are all equal.';
comment on column marts.indicator_waarden.vorige_jaar is 'The latest earlier year with a row for the same area and indicator (not necessarily jaar − 1); NULL when there is none.';
comment on column marts.indicator_waarden.vorige_waarde is 'waarde of the same area and indicator in vorige_jaar; NULL when there is no earlier row or its value is unknown.';
comment on column marts.indicator_waarden.verschil is 'waarde − vorige_waarde (rounded to 6 decimals to drop floating-point noise); NULL when either is NULL. Check vorige_indeling_gewijzigd before reading it as a change.';
comment on column marts.indicator_waarden.vorige_indeling_gewijzigd is 'True when the area may have changed between vorige_jaar and jaar, so verschil may reflect a boundary change: for a wijk or buurt, CBS did not confirm it unchanged (ind_wbi = 1) for every year after vorige_jaar up to jaar (a missing flag or CBS year counts as not confirmed); for a gemeente, CBS gave a code other than 1 in one of those years. False when unchanged throughout; NULL when there is no vorige_jaar.';
comment on column marts.indicator_waarden.interval_onder is 'Lower limit of the 95% uncertainty interval, in the unit of waarde: for eenheid % with teller and noemer the Wilson score interval of teller/noemer (× 100); for eenheid per ... with teller and noemer a Poisson interval of the teller (Byar''s approximation, exact where closed-form for 0 and 1) × factor / noemer. NULL for other figures (e.g. CBS percentages without teller) and when noemer is 0 or unknown.';
comment on column marts.indicator_waarden.interval_boven is 'Upper limit of the 95% uncertainty interval; same method and conditions as interval_onder.';
comment on column marts.indicator_waarden.significant is 'For rows with an interval: true when gemeente_waarde lies outside [interval_onder, interval_boven], i.e. the difference from the gemeente is supported by the interval and may be coloured; false when it lies inside. NULL without an interval or without a gemeente value.';

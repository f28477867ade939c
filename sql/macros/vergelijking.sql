-- Comparison arithmetic shared by marts.indicator_waarden (true values) and pub.indicator_waarden (published
-- values), so both layers compute index, z-score and uncertainty interval in exactly one way. Created by the
-- build (wijkprofiel.build.maak_macros) before the models; they live in the database file.
--
-- Uncertainty intervals are 95% (z = 1.959963984540054, the 97.5% normal quantile) and describe random
-- variation of the count behind the figure only:
-- - eenheid '%' with 0 <= teller <= noemer and noemer > 0: the Wilson score interval for teller/noemer, × 100;
-- - eenheid 'per ...' with teller >= 0, noemer > 0 and a factor: a Poisson interval for the teller, scaled by
--   factor/noemer. DuckDB has no gamma/chi-square quantile, so the limits use Byar's approximation,
--   lower = O(1 - 1/(9O) - z/(3 sqrt O))^3 and upper = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3, except where
--   the exact limit has a closed form and Byar is poorest: lower = 0 for O = 0, lower = -ln(0.975) for O = 1,
--   upper = ln(40) for O = 0;
-- - anything else: NULL.

create or replace macro wp_z() as 1.959963984540054::double;

create or replace macro wp_interval_methode(eenheid, teller, noemer, factor) as case
    when eenheid = '%' and noemer > 0 and teller >= 0 and teller <= noemer then 'wilson'
    when starts_with(eenheid, 'per ') and noemer > 0 and teller >= 0 and factor is not null then 'poisson'
end;

create or replace macro wp_interval_onder(eenheid, teller, noemer, factor) as
    case wp_interval_methode(eenheid, teller, noemer, factor)
        when 'wilson' then greatest(0, 100 * (
            (teller / noemer + wp_z() * wp_z() / (2 * noemer))
            - wp_z() * sqrt(teller / noemer * (1 - teller / noemer) / noemer
                                       + wp_z() * wp_z() / (4 * noemer * noemer))
        ) / (1 + wp_z() * wp_z() / noemer))
        when 'poisson' then factor / noemer * case
            when teller = 0 then 0
            when teller = 1 then -ln(0.975)
            else greatest(0, teller * pow(1 - 1 / (9 * teller) - wp_z() / (3 * sqrt(teller)), 3))
        end
    end;

create or replace macro wp_interval_boven(eenheid, teller, noemer, factor) as
    case wp_interval_methode(eenheid, teller, noemer, factor)
        when 'wilson' then least(100, 100 * (
            (teller / noemer + wp_z() * wp_z() / (2 * noemer))
            + wp_z() * sqrt(teller / noemer * (1 - teller / noemer) / noemer
                                       + wp_z() * wp_z() / (4 * noemer * noemer))
        ) / (1 + wp_z() * wp_z() / noemer))
        when 'poisson' then factor / noemer * case
            when teller = 0 then ln(40)
            else (teller + 1) * pow(1 - 1 / (9 * (teller + 1)) + wp_z() / (3 * sqrt(teller + 1)), 3)
        end
    end;

-- Whether the gemeente value lies outside the interval (a difference the interval supports); NULL without one.
create or replace macro wp_significant(gemeente_waarde, onder, boven) as
    case when onder is not null and boven is not null then gemeente_waarde < onder or gemeente_waarde > boven end;

-- Index against the gemeente (gemeente = 100), a whole number; none for counts, codes and areas.
create or replace macro wp_index_gemeente(eenheid, waarde, gemeente_waarde) as
    case
        when eenheid is not null and eenheid not in ('aantal', 'code', 'ha') and gemeente_waarde <> 0
            then round(100 * waarde / gemeente_waarde)
    end;

-- Standard score among the gemeente's areas of one level; none for the gemeente itself, with fewer than 3
-- known values, or when they are all equal (spreiding = min < max, so floating-point noise gives none).
-- Adding 0.0 turns a -0.0 (a mean of equal values summed in another order, or a tiny negative rounded) into 0.0,
-- so a rerun gives the same value and a report never shows "-0,0".
create or replace macro wp_z_score(gebied_niveau, waarde, gemiddelde, sd, bekend, spreiding) as
    case
        when gebied_niveau <> 'gemeente' and bekend >= 3 and spreiding then round((waarde - gemiddelde) / sd, 2) + 0.0
    end;

-- The comparison step both marts.indicator_waarden (true values) and pub.indicator_waarden (published values) take:
-- every row of `rijen` (a table, view or CTE name with gebied_code, gebied_niveau, gemeente_code, jaar, indicator
-- and waarde) with the gemeente's value of the same indicator and year, and the statistics of the known values of
-- the gemeente's areas of the same level, which wp_z_score turns into a z-score. The statistics are hash joins on
-- small tables (one row per gemeente, level, year and indicator), cheaper than windows over the whole table.
create or replace macro wp_vergelijkingsbasis(rijen) as table
with r as (
    from query_table(rijen)
),
gemeentewaarden as (
    select gemeente_code, jaar, indicator, waarde as gemeente_waarde
    from r
    where gebied_niveau = 'gemeente'
),
niveaus as (
    select
        gemeente_code, gebied_niveau, jaar, indicator,
        avg(waarde) as niveau_gemiddelde,
        stddev_samp(waarde) as niveau_sd,
        count(waarde) as niveau_bekend,
        min(waarde) < max(waarde) as niveau_spreiding
    from r
    where gebied_niveau <> 'gemeente'
    group by gemeente_code, gebied_niveau, jaar, indicator
)
select r.*, g.gemeente_waarde, n.niveau_gemiddelde, n.niveau_sd, n.niveau_bekend, n.niveau_spreiding
from r
left join gemeentewaarden g using (gemeente_code, jaar, indicator)
left join niveaus n using (gemeente_code, gebied_niveau, jaar, indicator);

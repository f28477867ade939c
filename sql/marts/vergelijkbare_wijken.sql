-- For each wijk, the five wijken most like it on a standardised CBS profile (DESIGN §6), so that a report
-- can compare a wijk with wijken like it and not only with the city average.
--
-- Profile: eight features. Age: aandeel_65_plus, aandeel_0_14. Household: aandeel_eenpersoonshuishoudens,
-- gemiddelde_huishoudensgrootte. Income: huishoudens_laag_inkomen_pct, or else gemiddeld_inkomen_per_inwoner
-- with the sign reversed. Housing: koopwoningen_pct, corporatiewoningen_pct. Urbanity: ln(bevolkingsdichtheid).
-- Each value is the wijk's latest year that has it: CBS publishes income and housing later than age and
-- household, so the newest year may lack them while the year before has them.
-- Each feature becomes a z-score over all loaded wijken (all gemeenten together). The distance of two wijken
-- is the root of the mean squared z-score difference over the features both have; a pair with fewer than
-- five such features is not compared. Neighbours within the gemeente (scope 'gemeente') and, when several
-- gemeenten are loaded, among all loaded wijken (scope 'landelijk').
with cbs_wijkrijen as (
    select gebied_code, gebied_naam, gemeente_code, jaar, indicator, waarde
    from marts.indicator_waarden
    where gebied_niveau = 'wijk' and bron = 'cbs'
),

laatste_jaar as (
    -- The gemeente's latest CBS year: its wijken are the current ones (a wijk abolished since is not compared).
    select gemeente_code, max(jaar) as jaar
    from cbs_wijkrijen
    group by gemeente_code
),

wijken as (
    select r.gebied_code as wijkcode, any_value(r.gebied_naam) as wijk_naam, any_value(r.gemeente_code) as gemeente_code
    from cbs_wijkrijen r
    join laatste_jaar l using (gemeente_code, jaar)
    group by r.gebied_code
),

kenmerken (nummer, kenmerk, indicator, voorkeur, teken) as (
    -- The profile. Income has two candidates: the first the wijk has (any year) is used. A higher average
    -- income means fewer low-income households, so its z-score is reversed to point the same way.
    values
        (1, 'aandeel_65_plus', 'aandeel_65_plus', 1, 1),
        (2, 'aandeel_0_14', 'aandeel_0_14', 1, 1),
        (3, 'aandeel_eenpersoonshuishoudens', 'aandeel_eenpersoonshuishoudens', 1, 1),
        (4, 'gemiddelde_huishoudensgrootte', 'gemiddelde_huishoudensgrootte', 1, 1),
        (5, 'inkomen', 'huishoudens_laag_inkomen_pct', 1, 1),
        (5, 'inkomen', 'gemiddeld_inkomen_per_inwoner', 2, -1),
        (6, 'koopwoningen_pct', 'koopwoningen_pct', 1, 1),
        (7, 'corporatiewoningen_pct', 'corporatiewoningen_pct', 1, 1),
        (8, 'bevolkingsdichtheid', 'bevolkingsdichtheid', 1, 1)
),

laatste_waarden as (
    -- Per wijk and indicator: the value of the latest year in which the wijk has one, and that year.
    select
        r.gebied_code as wijkcode,
        r.indicator,
        max(r.jaar) as jaar,
        arg_max(r.waarde, r.jaar) as waarde
    from cbs_wijkrijen r
    join wijken w on w.wijkcode = r.gebied_code
    where r.waarde is not null and r.indicator in (select indicator from kenmerken)
    group by r.gebied_code, r.indicator
),

omgezet as (
    -- Density is skewed (a few very dense wijken): compare on a log scale, below 1 inwoner per km² as 1.
    select
        wijkcode,
        indicator,
        jaar,
        case when indicator = 'bevolkingsdichtheid' then ln(greatest(waarde, 1)) else waarde end as waarde
    from laatste_waarden
),

gestandaardiseerd as (
    -- z-score per indicator over all loaded wijken that have it (population standard deviation).
    -- An indicator that does not vary cannot tell wijken apart: its z-score is NULL.
    select
        wijkcode,
        indicator,
        jaar,
        (waarde - avg(waarde) over (partition by indicator))
            / nullif(stddev_pop(waarde) over (partition by indicator), 0) as z
    from omgezet
),

profielwaarden as (
    -- One z-score per wijk and feature, with the year it came from; for income the first candidate it has.
    select g.wijkcode, k.nummer, k.kenmerk, g.indicator, g.jaar, k.teken * g.z as z
    from gestandaardiseerd g
    join kenmerken k using (indicator)
    where g.z is not null
    qualify row_number() over (partition by g.wijkcode, k.nummer order by k.voorkeur) = 1
),

profielen as (
    -- The profile as a list of eight z-scores in feature order, NULL where the wijk lacks the feature.
    select
        w.wijkcode,
        any_value(w.wijk_naam) as wijk_naam,
        any_value(w.gemeente_code) as gemeente_code,
        list(p.z order by n.nummer) as profiel,
        max(p.jaar) as peiljaar
    from wijken w
    cross join (select distinct nummer from kenmerken) n
    left join profielwaarden p on p.wijkcode = w.wijkcode and p.nummer = n.nummer
    group by w.wijkcode
),

paren as (
    -- Every ordered pair of different wijken with the squared z-score difference per feature
    -- (NULL where either lacks it).
    select
        a.wijkcode,
        a.wijk_naam,
        a.gemeente_code,
        a.peiljaar,
        b.wijkcode as vergelijkbare_wijkcode,
        b.wijk_naam as vergelijkbare_wijk_naam,
        b.gemeente_code as vergelijkbare_gemeente_code,
        list_transform(range(1, len(a.profiel) + 1), i -> (a.profiel[i] - b.profiel[i]) ^ 2) as verschillen
    from profielen a
    join profielen b on b.wijkcode <> a.wijkcode
),

afstanden as (
    select
        * exclude (verschillen),
        sqrt(list_avg(verschillen)) as afstand,
        list_count(verschillen)::integer as gemeenschappelijke_kenmerken
    from paren
    where list_count(verschillen) >= 5
),

scopes as (
    select *, 'gemeente' as scope
    from afstanden
    where vergelijkbare_gemeente_code = gemeente_code
    union all
    select *, 'landelijk' as scope
    from afstanden
    where (select count(distinct gemeente_code) from wijken) > 1
),

gerangschikt as (
    -- Rank on the distance as shown (3 decimals), ties broken by wijkcode: the same result on every build.
    select
        *,
        row_number() over (
            partition by wijkcode, scope
            order by round(afstand, 3), vergelijkbare_wijkcode
        )::integer as rang
    from scopes
)

select
    wijkcode,
    wijk_naam,
    gemeente_code,
    scope,
    rang,
    vergelijkbare_wijkcode,
    vergelijkbare_wijk_naam,
    vergelijkbare_gemeente_code,
    round(afstand, 3) as afstand,
    gemeenschappelijke_kenmerken,
    peiljaar
from gerangschikt
where rang <= 5
order by wijkcode, scope, rang;

comment on table marts.vergelijkbare_wijken is 'For each wijk, the 5 most similar other wijken on a standardised CBS profile: within its gemeente (scope gemeente) and, when several gemeenten are loaded, among all loaded wijken (scope landelijk). Features: aandeel_65_plus, aandeel_0_14, aandeel_eenpersoonshuishoudens, gemiddelde_huishoudensgrootte, income (huishoudens_laag_inkomen_pct, or else gemiddeld_inkomen_per_inwoner with the sign reversed), koopwoningen_pct, corporatiewoningen_pct and ln(bevolkingsdichtheid); each from the latest year the wijk has it, as a z-score over all loaded wijken. Distance: root mean squared z-score difference over the features both wijken have; pairs with fewer than 5 common features are not compared. Only the wijken of each gemeente''s latest CBS year take part.';
comment on column marts.vergelijkbare_wijken.wijkcode is 'CBS code of the wijk the neighbours are for (WK034401).';
comment on column marts.vergelijkbare_wijken.wijk_naam is 'Name of that wijk in its gemeente''s latest CBS year.';
comment on column marts.vergelijkbare_wijken.gemeente_code is 'The gemeente of the wijk (GM0344).';
comment on column marts.vergelijkbare_wijken.scope is 'gemeente: neighbours from the same gemeente only; landelijk: neighbours from all loaded gemeenten (only present when more than one gemeente is loaded). The z-scores are the same in both: over all loaded wijken.';
comment on column marts.vergelijkbare_wijken.rang is '1 = most similar, up to 5; by afstand (as shown, 3 decimals), ties by vergelijkbare_wijkcode.';
comment on column marts.vergelijkbare_wijken.vergelijkbare_wijkcode is 'CBS code of the similar wijk.';
comment on column marts.vergelijkbare_wijken.vergelijkbare_wijk_naam is 'Name of the similar wijk in its gemeente''s latest CBS year.';
comment on column marts.vergelijkbare_wijken.vergelijkbare_gemeente_code is 'The gemeente of the similar wijk; always equal to gemeente_code in scope gemeente.';
comment on column marts.vergelijkbare_wijken.afstand is 'Profile distance, rounded to 3 decimals: sqrt of the mean over the common features of the squared difference of the two z-scores (z over all loaded wijken, population standard deviation). 0 = identical profiles; about 1.4 is the expected distance of two unrelated wijken.';
comment on column marts.vergelijkbare_wijken.gemeenschappelijke_kenmerken is 'Number of profile features (of 8) both wijken have and the distance is computed over; at least 5.';
comment on column marts.vergelijkbare_wijken.peiljaar is 'Latest CBS year any feature of the wijk''s own profile (wijkcode) came from; income and housing may come from an earlier year.';

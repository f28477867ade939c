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

kenmerken (kenmerk, indicator, voorkeur, teken) as (
    -- The profile. Income has two candidates: the first the wijk has (any year) is used. A higher average
    -- income means fewer low-income households, so its z-score is reversed to point the same way.
    values
        ('aandeel_65_plus', 'aandeel_65_plus', 1, 1),
        ('aandeel_0_14', 'aandeel_0_14', 1, 1),
        ('aandeel_eenpersoonshuishoudens', 'aandeel_eenpersoonshuishoudens', 1, 1),
        ('gemiddelde_huishoudensgrootte', 'gemiddelde_huishoudensgrootte', 1, 1),
        ('inkomen', 'huishoudens_laag_inkomen_pct', 1, 1),
        ('inkomen', 'gemiddeld_inkomen_per_inwoner', 2, -1),
        ('koopwoningen_pct', 'koopwoningen_pct', 1, 1),
        ('corporatiewoningen_pct', 'corporatiewoningen_pct', 1, 1),
        ('bevolkingsdichtheid', 'bevolkingsdichtheid', 1, 1)
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
    select g.wijkcode, k.kenmerk, g.indicator, g.jaar, k.teken * g.z as z
    from gestandaardiseerd g
    join kenmerken k using (indicator)
    where g.z is not null
    qualify row_number() over (partition by g.wijkcode, k.kenmerk order by k.voorkeur) = 1
),

profielen as (
    -- One row per wijk, one z-score column per feature (NULL where the wijk lacks it).
    select
        w.wijkcode,
        w.gemeente_code,
        max(p.z) filter (where p.kenmerk = 'aandeel_65_plus') as aandeel_65_plus,
        max(p.z) filter (where p.kenmerk = 'aandeel_0_14') as aandeel_0_14,
        max(p.z) filter (where p.kenmerk = 'aandeel_eenpersoonshuishoudens') as aandeel_eenpersoonshuishoudens,
        max(p.z) filter (where p.kenmerk = 'gemiddelde_huishoudensgrootte') as gemiddelde_huishoudensgrootte,
        max(p.z) filter (where p.kenmerk = 'inkomen') as inkomen,
        max(p.z) filter (where p.kenmerk = 'koopwoningen_pct') as koopwoningen_pct,
        max(p.z) filter (where p.kenmerk = 'corporatiewoningen_pct') as corporatiewoningen_pct,
        max(p.z) filter (where p.kenmerk = 'bevolkingsdichtheid') as bevolkingsdichtheid,
        max(p.jaar) as peiljaar
    from wijken w
    left join profielwaarden p using (wijkcode)
    group by w.wijkcode, w.gemeente_code
),

meer_gemeenten as (
    select count(distinct gemeente_code) > 1 as ja from wijken
),

paren as (
    -- Every ordered pair of different wijken (within the gemeente only, unless several gemeenten are loaded)
    -- with the squared z-score difference per feature, NULL where either wijk lacks the feature.
    select
        a.wijkcode,
        a.gemeente_code,
        b.wijkcode as vergelijkbare_wijkcode,
        b.gemeente_code as vergelijkbare_gemeente_code,
        list_value(
            (a.aandeel_65_plus - b.aandeel_65_plus) ^ 2,
            (a.aandeel_0_14 - b.aandeel_0_14) ^ 2,
            (a.aandeel_eenpersoonshuishoudens - b.aandeel_eenpersoonshuishoudens) ^ 2,
            (a.gemiddelde_huishoudensgrootte - b.gemiddelde_huishoudensgrootte) ^ 2,
            (a.inkomen - b.inkomen) ^ 2,
            (a.koopwoningen_pct - b.koopwoningen_pct) ^ 2,
            (a.corporatiewoningen_pct - b.corporatiewoningen_pct) ^ 2,
            (a.bevolkingsdichtheid - b.bevolkingsdichtheid) ^ 2
        ) as verschillen
    from profielen a
    join profielen b
      on b.wijkcode <> a.wijkcode
     and (b.gemeente_code = a.gemeente_code or (select ja from meer_gemeenten))
),

afstanden as (
    -- Root mean squared difference over the features both wijken have; at least 5 of them.
    select
        wijkcode,
        gemeente_code,
        vergelijkbare_wijkcode,
        vergelijkbare_gemeente_code,
        sqrt(list_avg(verschillen)) as afstand,
        list_count(verschillen)::integer as gemeenschappelijke_kenmerken
    from paren
    where list_count(verschillen) >= 5
),

scopes as (
    -- A pair within one gemeente counts in scope gemeente, and also in scope landelijk when several gemeenten
    -- are loaded; a pair across gemeenten (only there when several are loaded) only in scope landelijk.
    select
        *,
        unnest(case
            when vergelijkbare_gemeente_code <> gemeente_code then ['landelijk']
            when (select ja from meer_gemeenten) then ['gemeente', 'landelijk']
            else ['gemeente']
        end) as scope
    from afstanden
),

naaste as (
    -- Per wijk and scope the five nearest, nearest first: by the distance as shown (3 decimals), ties by
    -- wijkcode, so every build gives the same result. (arg_min with n keeps a top 5, no full sort.)
    select
        wijkcode,
        scope,
        arg_min(
            {'wijkcode': vergelijkbare_wijkcode, 'afstand': afstand, 'kenmerken': gemeenschappelijke_kenmerken},
            {'afstand': round(afstand, 3), 'wijkcode': vergelijkbare_wijkcode},
            5
        ) as buren
    from scopes
    group by wijkcode, scope
),

gerangschikt as (
    select wijkcode, scope, unnest(buren) as buur, generate_subscripts(buren, 1)::integer as rang
    from naaste
)

select
    g.wijkcode,
    w.wijk_naam,
    w.gemeente_code,
    g.scope,
    g.rang,
    g.buur.wijkcode as vergelijkbare_wijkcode,
    v.wijk_naam as vergelijkbare_wijk_naam,
    v.gemeente_code as vergelijkbare_gemeente_code,
    round(g.buur.afstand, 3) as afstand,
    g.buur.kenmerken as gemeenschappelijke_kenmerken,
    p.peiljaar
from gerangschikt g
join wijken w on w.wijkcode = g.wijkcode
join wijken v on v.wijkcode = g.buur.wijkcode
join profielen p on p.wijkcode = g.wijkcode
order by g.wijkcode, g.scope, g.rang;

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

-- The rode-draden sources as indicator counts per area × year, so that they go through the same catalogue,
-- comparison and disclosure control as every other gemeente figure (the rates come from
-- intermediate.verhoudingen, the catalogue rows from the per-theme families in data/indicatoren.csv):
--   casuistiek_casussen             cases of the wijkteam in the year (every case once);
--   casuistiek_<thema>              cases with the theme (a case with several themes counts for each);
--   signalen_<thema>                sum of the counts partners reported for the theme (a signal without a
--                                   count names the theme but adds nothing to the sum);
--   enquete_<thema>_ja / _n         respondents who name the theme (percentage × n) and respondents (n).
-- Only themes of the taxonomy (raw.themas) count: an unmapped 'onbekend:<tag>' is for the data team, not a
-- figure. Signals and enquête rows carry a wijk (or a buurt, which counts in its wijk); they are counted
-- per wijk and for the gemeente. An enquête without a period counts for the latest year of the gemeente's
-- signals or casuïstiek: it describes the current cycle.
with themas as (
    select thema from raw.themas
),

casuistiek as (
    select c.gebied_code, c.gebied_niveau, c.ouder_code, c.gemeente_code, c.jaar,
           case when c.thema = '*' then 'casuistiek_casussen' else 'casuistiek_' || c.thema end as indicator,
           c.casussen::double as waarde
    from intermediate.casuistiek_themas c
    where c.periode_soort = 'jaar' and (c.thema = '*' or c.thema in (select thema from themas))
),

huidig_jaar as (
    -- A signal or enquête without a period counts in the latest year of the gemeente's other sources, or else
    -- in its latest CBS year (an enquête may be the only gemeente source).
    select gemeentecode, coalesce(max(jaar) filter (where bron <> 'cbs'), max(jaar)) as jaar
    from (select gemeentecode, jaar, 'gemeente' as bron from staging.signalen union all
          select gemeentecode, year(registratiedatum), 'gemeente' from staging.casuistiek union all
          select gemeente_code, jaar, 'cbs' from intermediate.cbs_gebieden)
    group by gemeentecode
),

signalen as (
    select s.wijkcode, s.gemeentecode, coalesce(s.jaar, h.jaar)::integer as jaar, s.thema, s.partner, s.aantal,
           s.percentage * s.n / 100 as ja, s.n
    from staging.signalen s
    left join huidig_jaar h using (gemeentecode)
    where s.wijkcode is not null and s.thema in (select thema from themas)
      and coalesce(s.jaar, h.jaar) is not null
),

signaal_waarden as (
    select wijkcode, gemeentecode, jaar, 'signalen_' || thema as indicator, sum(aantal) as waarde
    from signalen where partner <> 'enquete' and aantal is not null group by all
    union all
    select wijkcode, gemeentecode, jaar, 'enquete_' || thema || '_ja', round(sum(ja))
    from signalen where partner = 'enquete' and ja is not null group by all
    union all
    select wijkcode, gemeentecode, jaar, 'enquete_' || thema || '_n', sum(n)
    from signalen where partner = 'enquete' and ja is not null group by all
),

signalen_per_niveau as (
    select wijkcode as gebied_code, 'wijk' as gebied_niveau, gemeentecode as ouder_code, gemeentecode as gemeente_code,
           jaar, indicator, waarde::double as waarde
    from signaal_waarden
    union all
    select gemeentecode, 'gemeente', null, gemeentecode, jaar, indicator, sum(waarde)::double
    from signaal_waarden
    group by all
)

select * from casuistiek
union all
select * from signalen_per_niveau

-- materialise: table
-- The evidence behind the rode draden (DESIGN §7, method in docs/rode-draden.md): per wijk × theme, one row
-- per piece of evidence with its facts (figure, gemeente figure, year, partners) and its strength. The report
-- says each as a sentence (publish/bewijs.py).
--
-- It lives in pub because everything here is computed from PUBLISHED values only (pub.openbaarmaking: CBS
-- figures as CBS published them, gemeente counts rounded to 5 and hidden below 8, rates from rounded counts),
-- so a report never cites, and a ranking never rests on, a figure the report may not show.
--
-- Kinds of evidence (bewijsbron), each an independent source:
--   casuistiek     the theme's share of the wijkteam's cases (casuistiek_<thema>_pct) against the gemeente;
--   voorzieningen  rates of granted provisions and benefits linked to the theme in raw.thema_koppelingen
--                  (gemeente beschikkingen, CBS Wmo/jeugdzorg/bijstand);
--   cbs_context    CBS rates and shares about the population linked to the theme (income, households, age);
--   signalen       the counts partners reported for the theme (signalen_<thema>) against the average wijk;
--   enquete        the share of respondents naming the theme (enquete_<thema>_pct) against the gemeente.
-- Only rates and shares are evidence (a plain count says nothing without its base).
--
-- Strength (sterkte), "shrunk towards zero for small numbers": with x the published count behind a figure
-- and E the count expected at the gemeente's rate, sterkte = ln((x + 10) / (E + 10)). For a rate w with
-- numerator x, E = x · g / w (g the gemeente's published rate), so no unpublished denominator is needed; for
-- signals E is the gemeente's total divided by its number of wijken. A CBS share without a published count
-- (CBS percentages of large populations) has sterkte = ln(w / g). A figure that is hidden or unknown has no
-- sterkte; a partner that names the theme without a publishable count gets the fixed sterkte ln(1.25).
-- Indicators where lower is the concern (richting 'lager_is_zorg') count with the sign reversed.
--
-- The year (peiljaar) is per gemeente the latest year of its casuïstiek or signals (the current cycle), or
-- without those the latest CBS year. Each figure is taken from the latest year up to the peiljaar in which
-- the wijk's value is published; when there is none, its latest row (hidden) says so.
with gepubliceerd as (
    select w.gebied_code, w.gebied_niveau, w.gebied_naam, w.ouder_code, w.gemeente_code, w.jaar,
           w.indicator, w.label, w.eenheid, o.waarde, o.reden, c.teller, c.noemer, c.richting
    from marts.indicator_waarden w
    join pub.openbaarmaking o using (gebied_code, jaar, indicator)
    left join raw.indicator_catalogus c using (indicator)
),

peiljaren as (
    select gemeente_code,
           coalesce(max(jaar) filter (where indicator = 'casuistiek_casussen' or indicator like 'signalen\_%' escape '\'),
                    max(jaar)) as peiljaar
    from gepubliceerd
    where gebied_niveau = 'gemeente'
    group by gemeente_code
),

wijken as (
    select distinct g.gebied_code as wijkcode, g.gemeente_code, p.peiljaar
    from gepubliceerd g join peiljaren p using (gemeente_code)
    where g.gebied_niveau = 'wijk'
),

themas as (
    select thema, lower(label) as thema_tekst from raw.themas
),

-- Which indicator is which kind of evidence for which theme.
items as (
    select t.thema, 'casuistiek' as bewijsbron, 'casuistiek_' || t.thema || '_pct' as indicator from themas t
    union all
    select t.thema, 'enquete', 'enquete_' || t.thema || '_pct' from themas t
    union all
    select t.thema, 'signalen', 'signalen_' || t.thema from themas t
    union all
    select k.thema, k.bewijsbron, k.indicator
    from raw.thema_koppelingen k
    join raw.indicator_catalogus c using (indicator)
    where c.eenheid = '%' or c.eenheid like 'per %'
    union all
    select k.thema, k.bewijsbron, k.indicator
    from raw.thema_koppelingen k
    join raw.cbs_variabelen v using (indicator)
    where v.eenheid = '%' or v.eenheid like 'per %'
),

-- The wijk's figure: the latest year up to the peiljaar with a published value, else its latest row.
wijkwaarden as (
    select w.wijkcode, w.gemeente_code, w.peiljaar, i.thema, i.bewijsbron, g.*  exclude (gebied_code, gemeente_code, gebied_niveau, ouder_code, reden)
    from wijken w
    join items i on true
    join gepubliceerd g on g.gebied_code = w.wijkcode and g.indicator = i.indicator and g.jaar <= w.peiljaar
    qualify row_number() over (partition by w.wijkcode, i.thema, i.indicator order by (g.waarde is not null) desc, g.jaar desc) = 1
),

-- A partner that names a theme without any count has no signalen_<thema> figure: it is evidence all the same.
alleen_genoemd as (
    select distinct w.wijkcode, w.gemeente_code, w.peiljaar, s.thema, 'signalen' as bewijsbron,
           w.peiljaar as jaar, 'signalen_' || s.thema as indicator
    from wijken w
    join intermediate.signalen_per_wijk s on s.wijkcode = w.wijkcode and (s.jaar = w.peiljaar or s.jaar is null)
    where s.partner <> 'enquete' and s.thema in (select thema from themas)
      and not exists (select 1 from wijkwaarden ww where ww.wijkcode = w.wijkcode and ww.indicator = 'signalen_' || s.thema)
),

alle_items as (
    select * from wijkwaarden
    union all by name
    select * from alleen_genoemd
),

met_vergelijking as (
    select
        ww.*,
        gem.waarde as gemeente_waarde,
        teller.waarde as aantal,
        noemer.waarde as noemer_aantal,
        vorig.waarde as vorige_waarde,
        vorig_gem.waarde as vorige_gemeente_waarde,
        -- a figure from before the peiljaar says why the peiljaar's is not used ("2024: minder dan 8, daarom 2023")
        case when ww.jaar < ww.peiljaar and ww.waarde is not null then ww.peiljaar end as overgeslagen_jaar,
        case when ww.jaar < ww.peiljaar and ww.waarde is not null then coalesce(nu.reden, 'geen cijfer') end as overgeslagen_reden,
        (select count(distinct gebied_code) from gepubliceerd x
          where x.gemeente_code = ww.gemeente_code and x.gebied_niveau = 'wijk' and x.jaar = ww.jaar) as wijken_in_gemeente,
        -- the partners' keys, sorted, so the evidence is the same in every build
        coalesce((select list_sort(list(distinct s.partner)) from intermediate.signalen_per_wijk s
          where s.wijkcode = ww.wijkcode and s.thema = ww.thema and s.partner <> 'enquete'
            and (s.jaar = ww.peiljaar or s.jaar is null)), []) as partners
    from alle_items ww
    left join gepubliceerd gem
      on gem.gebied_code = ww.gemeente_code and gem.indicator = ww.indicator and gem.jaar = ww.jaar
    left join gepubliceerd teller
      on teller.gebied_code = ww.wijkcode and teller.indicator = ww.teller and teller.jaar = ww.jaar
    left join gepubliceerd noemer
      on noemer.gebied_code = ww.wijkcode and noemer.indicator = ww.noemer and noemer.jaar = ww.jaar
    left join gepubliceerd vorig
      on vorig.gebied_code = ww.wijkcode and vorig.indicator = ww.indicator and vorig.jaar = ww.jaar - 1
    left join gepubliceerd vorig_gem
      on vorig_gem.gebied_code = ww.gemeente_code and vorig_gem.indicator = ww.indicator and vorig_gem.jaar = ww.jaar - 1
    left join gepubliceerd nu
      on nu.gebied_code = ww.wijkcode and nu.indicator = ww.indicator and nu.jaar = ww.peiljaar
),

verwacht as (
    select *,
        case
            when bewijsbron = 'signalen' then gemeente_waarde / nullif(wijken_in_gemeente, 0)
            when aantal is not null and waarde > 0 then aantal * gemeente_waarde / waarde
        end as verwacht_aantal,
        case when bewijsbron = 'signalen' then waarde else aantal end as waargenomen
    from met_vergelijking
),

sterkte as (
    select *,
        case when richting = 'lager_is_zorg' then -1 else 1 end * case
            when waarde is null and bewijsbron = 'signalen' and len(partners) > 0 then ln(1.25)
            when waarde is null or gemeente_waarde is null then null
            when waargenomen is not null and verwacht_aantal is not null
                then ln((waargenomen + 10) / (verwacht_aantal + 10))
            when waarde > 0 and gemeente_waarde > 0 and teller is null then ln(waarde / gemeente_waarde)
        end as sterkte
    from verwacht
)

select
    gemeente_code, wijkcode, peiljaar, thema, bewijsbron, indicator, label, eenheid, jaar, waarde, gemeente_waarde,
    aantal, noemer_aantal, vorige_waarde, partners, waargenomen, verwacht_aantal, round(sterkte, 3) as sterkte,
    overgeslagen_jaar, overgeslagen_reden
from sterkte
where not (bewijsbron in ('signalen', 'enquete') and waarde is null and len(partners) = 0);

comment on table pub.rode_draden_bewijs is 'The evidence behind the rode draden: per wijk, theme and indicator the published figure, the gemeente figure and the strength. Computed from published values only (docs/rode-draden.md); the report says each row as a sentence.';
comment on column pub.rode_draden_bewijs.gemeente_code is 'The gemeente.';
comment on column pub.rode_draden_bewijs.wijkcode is 'The wijk (CBS code).';
comment on column pub.rode_draden_bewijs.peiljaar is 'The current cycle: the latest year of the gemeente''s casuïstiek or signals (else the latest CBS year).';
comment on column pub.rode_draden_bewijs.thema is 'Theme key (raw.themas).';
comment on column pub.rode_draden_bewijs.bewijsbron is 'Kind of evidence, each an independent source: casuistiek, voorzieningen, cbs_context, signalen, enquete.';
comment on column pub.rode_draden_bewijs.indicator is 'The indicator cited (pub.indicator_waarden).';
comment on column pub.rode_draden_bewijs.jaar is 'The year of the figure: the latest up to the peiljaar in which the wijk''s value is published.';
comment on column pub.rode_draden_bewijs.waarde is 'The wijk''s published value (NULL when hidden or unknown).';
comment on column pub.rode_draden_bewijs.gemeente_waarde is 'The gemeente''s published value of the same indicator and year.';
comment on column pub.rode_draden_bewijs.waargenomen is 'The published count behind the figure (x in the method), when there is one.';
comment on column pub.rode_draden_bewijs.verwacht_aantal is 'The count expected at the gemeente''s rate (E in the method).';
comment on column pub.rode_draden_bewijs.sterkte is 'Strength: ln((x + 10) / (E + 10)), or ln(wijk / gemeente) for a CBS share without a count; positive = more than the gemeente. NULL when the figure is hidden.';
comment on column pub.rode_draden_bewijs.label is 'The indicator''s Dutch name.';
comment on column pub.rode_draden_bewijs.eenheid is 'The indicator''s unit: %, per 1000 inwoners, aantal, ...';
comment on column pub.rode_draden_bewijs.aantal is 'The wijk''s published count behind a rate or share (its teller), same year.';
comment on column pub.rode_draden_bewijs.noemer_aantal is 'The wijk''s published count of the rate''s base (its noemer), same year, when the noemer is one indicator.';
comment on column pub.rode_draden_bewijs.vorige_waarde is 'The wijk''s published value of the year before.';
comment on column pub.rode_draden_bewijs.overgeslagen_jaar is 'When the figure is from before the peiljaar: the peiljaar, whose wijk value is not published (else NULL).';
comment on column pub.rode_draden_bewijs.overgeslagen_reden is 'Why the peiljaar''s wijk value is not used: the reason of pub.openbaarmaking (''minder dan 8'', ''onbekend of geheim (CBS)'', ...), or ''geen cijfer'' when there is no value for that year at all.';
comment on column pub.rode_draden_bewijs.partners is 'For signals: the partners that named the theme in the peiljaar (keys of raw.signalen.partner, sorted).';

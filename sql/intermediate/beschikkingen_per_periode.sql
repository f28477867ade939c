-- Beschikkingen per area (buurt, wijk, gemeente) × period × wet × voorziening: lopend at the end of the
-- period, instroom and uitstroom during it, and unique clients. voorziening_code '*' is the wet's total.
-- Rows that could not be placed in a buurt count in the gemeente only.
--
-- Scale: nothing here joins a beschikking to each of its periods. Within a periode_soort the periods are
-- numbered (0 = the oldest) and a beschikking touches them as numbers: the ones where it is lopend form one
-- range, instroom and uitstroom fall in one period each. Counts are events on those numbers (+1 where a range
-- starts, -1 after it ends), summed per buurt and rolled up to wijk and gemeente (a beschikking has one
-- place), then turned into a running total per period. Distinct clients cannot be added up: a client can
-- have beschikkingen in two buurten of a wijk, or unplaced ones that count in the gemeente only. So per
-- client and area the lopend periods are a bitmask (bit k = period k), OR-ed over the client's beschikkingen,
-- and only where the merged mask switches on and off does it become an event. Memory grows with the
-- beschikkingen, not with the number of periods or levels.
with beschikkingen as (
    select * from staging.beschikkingen
),

perioden as (
    select *, (row_number() over (partition by periode_soort order by begin) - 1)::integer as nr
    from intermediate.beschikking_perioden
),

soorten as (
    -- The number of a date's period is date_diff(eenheid, oldest begin, date): the periods are consecutive.
    select
        periode_soort,
        case periode_soort when 'kwartaal' then 'quarter' else 'year' end as eenheid,
        min(begin) as begin,
        count(*) as aantal,
        -- a period is one bit of a 64-bit mask
        case when count(*) > 62 then error('beschikkingen_per_periode: more than 62 periods of one soort') end as te_veel
    from perioden
    group by periode_soort
),

nummers as (
    -- An export knows nothing after its peildatum: within its last period it counts up to that date, so a
    -- beschikking that starts after it counts nowhere.
    select
        b.client_key, b.wet, b.voorziening_code, b.buurtcode, b.wijkcode, b.gemeentecode,
        s.periode_soort,
        b.einddatum,
        b.einddatum >= b.peildatum as loopt_tot_peildatum,
        date_diff(s.eenheid, s.begin, b.ingangsdatum) as k_in,
        date_diff(s.eenheid, s.begin, b.einddatum) as k_uit,
        date_diff(s.eenheid, s.begin, b.peildatum) as k_peil,
        -- the einddatum is the last day of its period: lopend at that period's end
        date_diff(s.eenheid, s.begin, b.einddatum + 1) > date_diff(s.eenheid, s.begin, b.einddatum) as eind_op_periode_einde,
        b.einddatum <= b.peildatum as eind_bekend
    from beschikkingen b
    cross join soorten s
    where b.ingangsdatum <= b.peildatum and s.te_veel is null
),

bereik as (
    -- Lopend in periods eerste..laatste: from the ingangsdatum's period (or the oldest) up to the last period
    -- whose end (or the peildatum) the einddatum reaches. Instroom in the ingangsdatum's period, uitstroom in
    -- the einddatum's, each only if the beschikking overlaps that period up to the peildatum.
    select
        *,
        greatest(k_in, 0) as eerste,
        case
            when einddatum is null or loopt_tot_peildatum then k_peil
            when eind_op_periode_einde then k_uit
            else k_uit - 1
        end as laatste,
        case when k_in >= 0 and (einddatum is null or k_uit >= k_in) then k_in end as k_instroom,
        case when eind_bekend and k_uit >= 0 and k_in <= k_uit then k_uit end as k_uitstroom
    from nummers
),

lopend as (
    select
        *,
        case when eerste <= laatste
            then ((1::ubigint << (laatste - eerste + 1)::ubigint) - 1::ubigint) << eerste::ubigint
        end as masker
    from bereik
),

tel_gebeurtenissen as (
    -- Per buurt (and unplaced rows per gemeente) and period: the change in lopend, instroom and uitstroom.
    select buurtcode, wijkcode, gemeentecode, wet, voorziening_code, periode_soort, g.k,
        sum(g.lopend) as lopend, sum(g.instroom) as instroom, sum(g.uitstroom) as uitstroom
    from (
        select *, unnest([
            {'k': case when eerste <= laatste then eerste end, 'lopend': 1, 'instroom': 0, 'uitstroom': 0},
            {'k': case when eerste <= laatste then laatste + 1 end, 'lopend': -1, 'instroom': 0, 'uitstroom': 0},
            {'k': k_instroom, 'lopend': 0, 'instroom': 1, 'uitstroom': 0},
            {'k': k_uitstroom, 'lopend': 0, 'instroom': 0, 'uitstroom': 1}
        ]) as g
        from lopend
    )
    where g.k is not null
    group by all
),

tel_per_niveau as (
    select 'buurt' as gebied_niveau, buurtcode as gebied_code, * exclude (buurtcode, wijkcode) from tel_gebeurtenissen where buurtcode is not null
    union all
    select 'wijk', wijkcode, * exclude (buurtcode, wijkcode) from tel_gebeurtenissen where wijkcode is not null
    union all
    select 'gemeente', gemeentecode, * exclude (buurtcode, wijkcode) from tel_gebeurtenissen where gemeentecode is not null
),

tellingen as (
    select gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code, periode_soort, k,
        sum(lopend) as lopend, sum(instroom) as instroom, sum(uitstroom) as uitstroom
    from tel_per_niveau
    group by grouping sets (
        (gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code, periode_soort, k),
        (gebied_niveau, gebied_code, gemeentecode, wet, periode_soort, k)
    )
),

client_plek as (
    -- Per client and place: the periods in which any of their beschikkingen is lopend.
    select client_key, buurtcode, wijkcode, gemeentecode, wet, voorziening_code, periode_soort, bit_or(masker) as masker
    from lopend
    where masker is not null
    group by all
),

client_buurt as (
    select client_key, buurtcode as gebied_code, gemeentecode, wet, voorziening_code, periode_soort, bit_or(masker) as masker
    from client_plek where buurtcode is not null group by all
),

client_wijk as (
    select client_key, wijkcode as gebied_code, gemeentecode, wet, voorziening_code, periode_soort, bit_or(masker) as masker
    from client_plek where wijkcode is not null group by all
),

client_gemeente as (
    select client_key, gemeentecode as gebied_code, gemeentecode, wet, voorziening_code, periode_soort, bit_or(masker) as masker
    from client_plek where gemeentecode is not null group by all
),

client_gebied as (
    -- The same per wet (voorziening_code NULL, shown as '*'): OR-ed over the client's voorzieningen.
    select 'buurt' as gebied_niveau, * from client_buurt
    union all
    select 'buurt', client_key, gebied_code, gemeentecode, wet, null, periode_soort, bit_or(masker) from client_buurt group by all
    union all
    select 'wijk', * from client_wijk
    union all
    select 'wijk', client_key, gebied_code, gemeentecode, wet, null, periode_soort, bit_or(masker) from client_wijk group by all
    union all
    select 'gemeente', * from client_gemeente
    union all
    select 'gemeente', client_key, gebied_code, gemeentecode, wet, null, periode_soort, bit_or(masker) from client_gemeente group by all
),

client_gebeurtenissen as (
    -- A client enters the count in each period where their mask switches on and leaves it where it switches off.
    select gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code, periode_soort, k,
        sum(((aan >> k::ubigint) & 1::ubigint)::integer - ((uit >> k::ubigint) & 1::ubigint)::integer) as clienten
    from (
        select c.*, unnest(list_filter(range(s.aantal + 1), i -> ((c.aan | c.uit) >> i::ubigint) & 1::ubigint = 1)) as k
        from (
            select *, masker & ~(masker << 1::ubigint) as aan, (masker & ~(masker >> 1::ubigint)) << 1::ubigint as uit
            from client_gebied
        ) c
        join soorten s using (periode_soort)
    )
    group by all
),

gebeurtenissen as (
    select t.*, coalesce(c.clienten, 0) as clienten
    from tellingen t
    left join client_gebeurtenissen c
      on c.gebied_niveau = t.gebied_niveau and c.gebied_code = t.gebied_code
     and c.gemeentecode is not distinct from t.gemeentecode and c.wet = t.wet
     and c.voorziening_code is not distinct from t.voorziening_code
     and c.periode_soort = t.periode_soort and c.k = t.k
),

per_periode as (
    -- Every group in every period of its soort, with the running totals of lopend and clienten.
    select
        g.gebied_niveau, g.gebied_code, g.gemeentecode, g.wet, g.voorziening_code, p.*,
        sum(coalesce(e.lopend, 0)) over w as lopend,
        coalesce(e.instroom, 0) as instroom,
        coalesce(e.uitstroom, 0) as uitstroom,
        sum(coalesce(e.clienten, 0)) over w as clienten
    from (select distinct gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code, periode_soort from gebeurtenissen) g
    join perioden p using (periode_soort)
    left join gebeurtenissen e
      on e.gebied_niveau = g.gebied_niveau and e.gebied_code = g.gebied_code
     and e.gemeentecode is not distinct from g.gemeentecode and e.wet = g.wet
     and e.voorziening_code is not distinct from g.voorziening_code
     and e.periode_soort = g.periode_soort and e.k = p.nr
    window w as (
        partition by g.gebied_niveau, g.gebied_code, g.gemeentecode, g.wet, g.voorziening_code, g.periode_soort
        order by p.nr
    )
)

select
    gebied_niveau,
    gebied_code,
    gemeentecode as gemeente_code,
    periode_soort,
    periode,
    jaar,
    eind as peildatum,
    wet,
    coalesce(voorziening_code, '*') as voorziening_code,
    lopend::bigint as lopend,
    instroom::bigint as instroom,
    uitstroom::bigint as uitstroom,
    clienten::bigint as clienten
from per_periode
-- a period in which none of the group's beschikkingen falls has no row
where lopend > 0 or instroom > 0 or uitstroom > 0;

comment on table intermediate.beschikkingen_per_periode is 'Beschikkingen per area (buurt, wijk, gemeente) × period (kwartaal and jaar) × wet × voorziening, for analysts inside the gemeente: TRUE (unrounded) counts, not for publication (reports read pub.indicator_waarden). voorziening_code * is the wet''s total; rows that could not be placed in a buurt count in the gemeente only.';
comment on column intermediate.beschikkingen_per_periode.gebied_niveau is 'buurt, wijk or gemeente.';
comment on column intermediate.beschikkingen_per_periode.gebied_code is 'CBS area code as text: GM0344, WK034401, BU03440111.';
comment on column intermediate.beschikkingen_per_periode.gemeente_code is 'The gemeente the area lies in.';
comment on column intermediate.beschikkingen_per_periode.periode_soort is 'kwartaal or jaar.';
comment on column intermediate.beschikkingen_per_periode.periode is 'The period: 2024-K3 for a kwartaal, 2024 for a jaar.';
comment on column intermediate.beschikkingen_per_periode.jaar is 'The year the period lies in.';
comment on column intermediate.beschikkingen_per_periode.peildatum is 'Last day of the period: lopend counts beschikkingen still running on it.';
comment on column intermediate.beschikkingen_per_periode.wet is 'wmo, jeugdwet, participatiewet, schuldhulp or wlz.';
comment on column intermediate.beschikkingen_per_periode.voorziening_code is 'Productcategorie of the voorziening (iStandaarden code list or the gemeente''s own); * for all voorzieningen of the wet.';
comment on column intermediate.beschikkingen_per_periode.lopend is 'Beschikkingen running at the end of the period (or at the export''s peildatum when that is earlier).';
comment on column intermediate.beschikkingen_per_periode.instroom is 'Beschikkingen that started during the period.';
comment on column intermediate.beschikkingen_per_periode.uitstroom is 'Beschikkingen that ended during the period.';
comment on column intermediate.beschikkingen_per_periode.clienten is 'Distinct clients (pseudonymised keys) with a running beschikking at the end of the period.';

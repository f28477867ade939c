-- Beschikkingen per area (buurt, wijk, gemeente) × period × wet × voorziening: lopend at the end of the
-- period, instroom and uitstroom during it, and unique clients. voorziening_code '*' is the wet's total.
-- Rows that could not be placed in a buurt count in the gemeente only.
--
-- Scale: no beschikking is joined to each of its periods. The periods of a soort are numbered (0 = the
-- oldest), and a beschikking is lopend at the end of a range of them and has its instroom and uitstroom in
-- one each. Counts are events on those numbers (+1 where its range starts, -1 after it ends), summed per
-- place (a beschikking has one), rolled up to wijk and gemeente, and made a running total. Distinct clients
-- do not add up: a client can have beschikkingen in two buurten of a wijk, or unplaced ones that count in
-- the gemeente only. So per client and area the periods in which the client is counted are one bitmask,
-- OR-ed over their beschikkingen, whose switching on and off are the events. Memory grows with the
-- beschikkingen, not with the number of periods.
--
-- Speed: the large aggregations group on numbers, not text: a groep is a place × wet × voorziening, a doel
-- one of the six areas × (voorziening or the wet's total) a groep counts in, and clients are numbered. The
-- masks are OR-ed per client and groep first (a client has several beschikkingen), then per client and doel;
-- clients with the same mask in a doel are counted once, and a mask that is one run of bits (most are) gives
-- its two events from its lowest bit and its number of bits.
with beschikkingen as (
    -- groep: the beschikking's place (buurt, wijk, gemeente) × wet × voorziening as one number, a hash: the
    -- large aggregations below group on it, which is much cheaper than on the text (groepen checks that no
    -- two groepen share one).
    select client_key, buurtcode, wijkcode, gemeentecode, wet, voorziening_code, ingangsdatum, einddatum, peildatum,
        hash(buurtcode, wijkcode, gemeentecode, wet, voorziening_code) as groep
    from staging.beschikkingen
    -- An export knows nothing after its peildatum: a beschikking that starts after it counts nowhere.
    where ingangsdatum <= peildatum
),

client_nummers as (
    -- A number per client: grouping on it is much cheaper than on the 64-character key.
    select client_key, row_number() over () as client_nr
    from (select distinct client_key from beschikkingen)
),

groepen as (
    select *,
        case when count(*) over (partition by groep) > 1
            then error('beschikkingen_per_periode: two groepen with one hash')
        end as botsing
    from (select distinct groep, buurtcode, wijkcode, gemeentecode, wet, voorziening_code from beschikkingen)
),

groep_doelen as (
    -- The areas a groep counts in: its buurt, wijk and gemeente, each per voorziening and for the wet's total
    -- (voorziening_code NULL), numbered as doel. Unplaced rows count in their gemeente only.
    select groep, gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code,
        dense_rank() over (order by gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code)::integer as doel
    from (
        select groep, gemeentecode, wet, unnest([
            {'gebied_niveau': 'buurt', 'gebied_code': buurtcode, 'voorziening_code': voorziening_code},
            {'gebied_niveau': 'buurt', 'gebied_code': buurtcode, 'voorziening_code': NULL},
            {'gebied_niveau': 'wijk', 'gebied_code': wijkcode, 'voorziening_code': voorziening_code},
            {'gebied_niveau': 'wijk', 'gebied_code': wijkcode, 'voorziening_code': NULL},
            {'gebied_niveau': 'gemeente', 'gebied_code': gemeentecode, 'voorziening_code': voorziening_code},
            {'gebied_niveau': 'gemeente', 'gebied_code': gemeentecode, 'voorziening_code': NULL}
        ], recursive := true)
        from groepen
        where botsing is null
    )
    where gebied_code is not null
),

doelen as (
    select distinct doel, gebied_niveau, gebied_code, gemeentecode, wet, voorziening_code from groep_doelen
),

perioden as (
    select *, (row_number() over (partition by periode_soort order by begin) - 1)::integer as nr
    from intermediate.beschikking_perioden
),

soorten as (
    -- A date's period number is date_diff(eenheid, oldest begin, date): the periods of a soort are consecutive.
    -- In a client's bitmask the kwartalen are bits 0-63 and the jaren bits 64-127.
    select
        periode_soort,
        case periode_soort when 'kwartaal' then 'quarter' else 'year' end as eenheid,
        min(begin) as begin,
        count(*) as aantal,
        (case periode_soort when 'kwartaal' then 0 else 64 end)::uhugeint as bit0,
        case when count(*) > 63 then error('beschikkingen_per_periode: more than 63 periods of one soort') end as te_veel
    from perioden
    group by periode_soort
),

nummers as (
    -- An export knows nothing after its peildatum: within its last period it counts up to that date.
    select
        c.client_nr, b.groep,
        s.periode_soort, s.bit0, b.einddatum,
        date_diff(s.eenheid, s.begin, b.ingangsdatum) as k_in,
        date_diff(s.eenheid, s.begin, b.einddatum) as k_uit,
        date_diff(s.eenheid, s.begin, b.peildatum) as k_peil,
        b.einddatum >= b.peildatum as loopt_tot_peildatum,
        b.einddatum <= b.peildatum as eind_bekend,
        -- the einddatum is the last day of its period
        date_diff(s.eenheid, s.begin, b.einddatum + 1) > date_diff(s.eenheid, s.begin, b.einddatum) as eind_op_periode_einde
    from beschikkingen b
    join client_nummers c using (client_key)
    cross join soorten s
    where s.te_veel is null
),

bereik as (
    -- Lopend at the end of periods eerste..laatste: from the ingangsdatum's period (or the oldest) up to the
    -- last whose end (or the peildatum) the einddatum reaches. Instroom in the ingangsdatum's period and
    -- uitstroom in the einddatum's, where the beschikking overlaps that period up to the peildatum.
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

per_soort as (
    select
        client_nr, groep, periode_soort,
        case when eerste <= laatste then eerste end as eerste,
        case when eerste <= laatste then laatste end as laatste,
        k_instroom, k_uitstroom,
        -- bits eerste..laatste of the soort
        case when eerste <= laatste
            then (((1::uhugeint << (laatste - eerste + 1)::uhugeint) - 1::uhugeint) << eerste::uhugeint) << bit0
        end as masker
    from bereik
),

tel_gebeurtenissen as (
    -- Per groep and period: the change in lopend, instroom, uitstroom. Beschikkingen with the same periods in
    -- one groep are counted once first (about 7 to a combination at 1M rows).
    select groep, periode_soort, g.k,
        sum(g.lopend * aantal) as lopend, sum(g.instroom * aantal) as instroom, sum(g.uitstroom * aantal) as uitstroom
    from (
        select *, unnest([
            {'k': eerste, 'lopend': 1, 'instroom': 0, 'uitstroom': 0},
            {'k': laatste + 1, 'lopend': -1, 'instroom': 0, 'uitstroom': 0},
            {'k': k_instroom, 'lopend': 0, 'instroom': 1, 'uitstroom': 0},
            {'k': k_uitstroom, 'lopend': 0, 'instroom': 0, 'uitstroom': 1}
        ]) as g
        from (
            select groep, periode_soort, eerste, laatste, k_instroom, k_uitstroom, count(*) as aantal
            from per_soort
            group by all
        )
    )
    where g.k is not null
    group by all
),

tellingen as (
    -- A beschikking has one place, so the counts of an area are the sums of its groepen's.
    select d.doel, t.periode_soort, t.k,
        sum(t.lopend) as lopend, sum(t.instroom) as instroom, sum(t.uitstroom) as uitstroom
    from tel_gebeurtenissen t
    join groep_doelen d using (groep)
    group by all
),

client_groep as (
    -- Per client and groep the OR of the masks of their beschikkingen there, first: clients have several
    -- beschikkingen, and the next step then reads far fewer rows.
    select client_nr, groep, bit_or(masker) as masker
    from per_soort
    where masker is not null
    group by all
),

client_gebied as (
    -- Distinct clients do not add up: a client can have beschikkingen in two buurten of a wijk, or unplaced
    -- ones that count in the gemeente only. So per client and doel the periods in which any of the client's
    -- beschikkingen there is lopend, both soorten in one mask.
    select client_nr, d.doel, bit_or(c.masker) as masker
    from client_groep c
    join groep_doelen d using (groep)
    group by all
),

client_maskers as (
    -- Clients with the same mask in a doel switch on and off together: count them once per distinct mask.
    select doel, masker, count(*) as aantal_clienten
    from client_gebied
    group by all
),

client_gebeurtenissen as (
    -- Per soort, clients enter the count in the period where their mask switches on and leave it in the
    -- period after it switches off. Most masks are one run of bits: its events come from the lowest set bit
    -- and the number of bits set; other masks are read bit by bit.
    select doel, periode_soort, e.k, sum(e.d * aantal_clienten) as clienten
    from (
        select doel, periode_soort, aantal_clienten, unnest(
            case
                when m = 0 then []
                when bit_count(m & ~(m >> 1)) = 1  -- one run: bits laag .. laag + bit_count(m) - 1
                    then [{'k': laag::bigint, 'd': 1}, {'k': (laag + bit_count(m))::bigint, 'd': -1}]
                else list_transform(  -- aan: bits set whose lower neighbour is not; uit: the bit after a run's last
                    list_filter(range(aantal + 1), i -> ((aan | uit) >> i::uhugeint) & 1::uhugeint = 1),
                    i -> {'k': i, 'd': case when (aan >> i::uhugeint) & 1::uhugeint = 1 then 1 else -1 end}
                )
            end
        ) as e
        from (
            select g.doel, g.aantal_clienten, s.periode_soort, s.aantal,
                ((g.masker >> s.bit0) & 9223372036854775807::uhugeint)::bigint as m,  -- the soort's bits (at most 63)
                bit_count((m & -m) - 1)::integer as laag,
                m::uhugeint & ~(m::uhugeint << 1::uhugeint) as aan,
                (m::uhugeint & ~(m::uhugeint >> 1::uhugeint)) << 1::uhugeint as uit
            from client_maskers g
            cross join soorten s
        )
    )
    group by all
),

gebeurtenissen as (
    select t.*, coalesce(c.clienten, 0) as clienten
    from tellingen t
    left join client_gebeurtenissen c using (doel, periode_soort, k)
),

per_periode as (
    -- Every doel in every period of its soort, with the running totals of lopend and clienten.
    select
        g.doel, p.*,
        sum(coalesce(e.lopend, 0)) over w as lopend,
        coalesce(e.instroom, 0) as instroom,
        coalesce(e.uitstroom, 0) as uitstroom,
        sum(coalesce(e.clienten, 0)) over w as clienten
    from (select distinct doel, periode_soort from gebeurtenissen) g
    join perioden p using (periode_soort)
    left join gebeurtenissen e on e.doel = g.doel and e.periode_soort = g.periode_soort and e.k = p.nr
    window w as (partition by g.doel, g.periode_soort order by p.nr)
)

select
    d.gebied_niveau,
    d.gebied_code,
    d.gemeentecode as gemeente_code,
    p.periode_soort,
    p.periode,
    p.jaar,
    p.eind as peildatum,
    d.wet,
    coalesce(d.voorziening_code, '*') as voorziening_code,
    p.lopend::bigint as lopend,
    p.instroom::bigint as instroom,
    p.uitstroom::bigint as uitstroom,
    p.clienten::bigint as clienten
from per_periode p
join doelen d using (doel)
-- every beschikking in a period is lopend, instroom or uitstroom there: a group without any has no row
where p.lopend > 0 or p.instroom > 0 or p.uitstroom > 0;

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

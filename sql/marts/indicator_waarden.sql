-- Every indicator for every area and year, in long format: the table analysts and reports start from.
-- CBS cells as CBS published them, shares computed from CBS counts, and the gemeente's own figures.
with cbs as (
    select *, null::double as teller, null::double as noemer from intermediate.cbs_waarden
),

verhoudingen as (
    select * from intermediate.verhoudingen
),

gemeente_aantallen as (
    select *, null::varchar as tabel_id, null::integer as release_load_id, null::double as teller, null::double as noemer
    from intermediate.beschikking_aantallen
),

alle as (
    select * from cbs
    union all by name select * from verhoudingen
    union all by name select * from gemeente_aantallen
),

gebieden as (
    select * from intermediate.cbs_gebieden
),

namen as (
    -- CBS names a year's areas; a gemeente figure for a year CBS has not published takes the latest name.
    select gebied_code, arg_max(gebied_naam, jaar) as gebied_naam from intermediate.cbs_gebieden group by gebied_code
),

grensnamen as (
    select gebied_code, arg_max(gebied_naam, jaar) as gebied_naam
    from staging.cbs_grenzen
    group by gebied_code
),

catalogus as (
    select indicator, label, eenheid, 'cbs' as bron, 'cbs' as openbaarmaking from raw.cbs_variabelen
    union all
    select indicator, label, eenheid, bron, openbaarmaking from raw.indicator_catalogus
)

select
    alle.gebied_code,
    alle.gebied_niveau,
    coalesce(gebieden.gebied_naam, namen.gebied_naam, grensnamen.gebied_naam, alle.gebied_code) as gebied_naam,
    alle.ouder_code,
    alle.gemeente_code,
    alle.jaar,
    alle.indicator,
    catalogus.label,
    alle.waarde,
    catalogus.eenheid,
    coalesce(catalogus.bron, 'cbs') as bron,
    catalogus.openbaarmaking,
    alle.teller,
    alle.noemer,
    alle.tabel_id,
    alle.release_load_id,
    gebieden.ind_wbi
from alle
left join gebieden using (gebied_code, jaar)
left join namen using (gebied_code)
left join grensnamen using (gebied_code)
left join catalogus using (indicator)
order by alle.gemeente_code, alle.jaar, alle.gebied_code, alle.indicator;

comment on table marts.indicator_waarden is 'Every indicator per area (gemeente, wijk, buurt) and year, long format. CBS figures as CBS published them; NULL means unknown or secret, never 0.';
comment on column marts.indicator_waarden.gebied_code is 'CBS area code as text: GM0344, WK034401, BU03440111.';
comment on column marts.indicator_waarden.gebied_niveau is 'gemeente, wijk or buurt (from the code prefix).';
comment on column marts.indicator_waarden.gebied_naam is 'Area name as CBS publishes it.';
comment on column marts.indicator_waarden.ouder_code is 'Enclosing area: the wijk of a buurt, the gemeente of a wijk; NULL for a gemeente.';
comment on column marts.indicator_waarden.gemeente_code is 'The gemeente the area lies in.';
comment on column marts.indicator_waarden.jaar is 'Reference year of the CBS table (area boundaries of that year).';
comment on column marts.indicator_waarden.indicator is 'Stable indicator key (see raw.cbs_variabelen); independent of CBS column suffixes.';
comment on column marts.indicator_waarden.label is 'Dutch label of the indicator.';
comment on column marts.indicator_waarden.waarde is 'The value; NULL when unknown, unreliable, secret or not yet published.';
comment on column marts.indicator_waarden.eenheid is 'Unit: aantal, %, km, per 1 000 inwoners, ...';
comment on column marts.indicator_waarden.bron is 'cbs for figures CBS published (or computed from CBS counts); gemeente for figures from the gemeente''s own data (beschikkingen, casuïstiek, signalen).';
comment on column marts.indicator_waarden.openbaarmaking is 'Disclosure class: cbs (published by CBS, passes unchanged), aantal_personen, verhouding, gemiddelde or niet_persoonsgebonden.';
comment on column marts.indicator_waarden.teller is 'For a ratio: the count it is computed from (disclosure control rounds and hides by it).';
comment on column marts.indicator_waarden.noemer is 'For a ratio: the denominator (for CBS denominators: the same or latest earlier CBS year).';
comment on column marts.indicator_waarden.tabel_id is 'CBS table id the value came from, e.g. 85984NED.';
comment on column marts.indicator_waarden.release_load_id is 'meta.loads.load_id of the release the value came from (a later release fills cells an earlier one left empty).';
comment on column marts.indicator_waarden.ind_wbi is 'CBS IndelingswijzigingWijkenEnBuurten: 1 = area unchanged since the previous year; otherwise compare trends with care.';

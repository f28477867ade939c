-- Every indicator for every area and year, in long format: the table analysts and reports start from.
with cbs as (
    select * from intermediate.cbs_waarden
    union all by name
    select * from intermediate.cbs_afgeleid
),

gebieden as (
    select * from intermediate.cbs_gebieden
),

grensnamen as (
    select gebied_code, arg_max(gebied_naam, jaar) as gebied_naam
    from staging.cbs_grenzen
    group by gebied_code
),

catalogus as (
    select indicator, label, eenheid from raw.cbs_variabelen
    union all
    select * from (values
        ('aandeel_65_plus', 'Aandeel inwoners van 65 jaar of ouder', '%'),
        ('aandeel_0_14', 'Aandeel inwoners van 0 tot 15 jaar', '%'),
        ('aandeel_eenpersoonshuishoudens', 'Aandeel eenpersoonshuishoudens', '%'),
        ('bijstand_per_1000_inwoners', 'Personen met bijstand per 1 000 inwoners', 'per 1 000 inwoners')
    ) as afgeleid(indicator, label, eenheid)
)

select
    cbs.gebied_code,
    cbs.gebied_niveau,
    coalesce(gebieden.gebied_naam, grensnamen.gebied_naam, cbs.gebied_code) as gebied_naam,
    cbs.ouder_code,
    cbs.gemeente_code,
    cbs.jaar,
    cbs.indicator,
    catalogus.label,
    cbs.waarde,
    catalogus.eenheid,
    'cbs' as bron,
    cbs.tabel_id,
    cbs.release_load_id,
    gebieden.ind_wbi
from cbs
left join gebieden using (gebied_code, jaar)
left join grensnamen using (gebied_code)
left join catalogus using (indicator)
order by cbs.gemeente_code, cbs.jaar, cbs.gebied_code, cbs.indicator;

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
comment on column marts.indicator_waarden.bron is 'cbs for figures CBS published (or computed from CBS counts).';
comment on column marts.indicator_waarden.tabel_id is 'CBS table id the value came from, e.g. 85984NED.';
comment on column marts.indicator_waarden.release_load_id is 'meta.loads.load_id of the release the value came from (a later release fills cells an earlier one left empty).';
comment on column marts.indicator_waarden.ind_wbi is 'CBS IndelingswijzigingWijkenEnBuurten: 1 = area unchanged since the previous year; otherwise compare trends with care.';

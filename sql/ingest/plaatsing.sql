-- Place records in a buurt via the CBS postcode table: first on postcode + huisnummer ('adres'), else on the
-- buurt where most of the postcode's addresses lie ('pc6'), else not at all ('geen').
-- Input: table te_plaatsen(postcode, huisnummer), one row per distinct address (many records share one);
-- koppeltabel in doel.raw.cbs_koppeltabel.
-- Output: table plaatsing(postcode, huisnummer, buurtcode, wijkcode, gemeentecode, plaatsing, op_adres), and its split
-- for looking records up: plaatsing_adres, the addresses the table knows by huisnummer, and plaatsing_pc6, what
-- every other address of a postcode gets (one row per postcode). A record then joins two tables no larger than
-- the postcode table or the export's postcodes instead of one row per distinct address (hundreds of thousands in
-- a large export).
create or replace table plaatsing as
with koppel as (
    select * from doel.raw.cbs_koppeltabel
    where jaar = (select max(jaar) from doel.raw.cbs_koppeltabel)
),

op_adres as (
    select pc6, huisnummer, any_value(buurtcode) as buurtcode, any_value(wijkcode) as wijkcode,
           any_value(gemeentecode) as gemeentecode
    from koppel
    where huisnummer is not null
    group by pc6, huisnummer
),

per_pc6 as (
    select pc6, buurtcode, wijkcode, gemeentecode, count(*) as adressen
    from koppel
    group by all
),

pc6_meerderheid as (
    select pc6, arg_max(buurtcode, adressen) as buurtcode, arg_max(wijkcode, adressen) as wijkcode,
           arg_max(gemeentecode, adressen) as gemeentecode
    from per_pc6
    group by pc6
)

select
    t.postcode,
    t.huisnummer,
    coalesce(a.buurtcode, p.buurtcode) as buurtcode,
    coalesce(a.wijkcode, p.wijkcode) as wijkcode,
    coalesce(a.gemeentecode, p.gemeentecode) as gemeentecode,
    case when a.buurtcode is not null then 'adres' when p.buurtcode is not null then 'pc6' else 'geen' end as plaatsing,
    a.pc6 is not null as op_adres
from te_plaatsen t
left join op_adres a on a.pc6 = t.postcode and a.huisnummer = t.huisnummer
left join pc6_meerderheid p on p.pc6 = t.postcode;

create or replace table plaatsing_adres as
select * exclude (op_adres) from plaatsing where op_adres;

-- An address the table does not know by huisnummer is placed by its postcode alone.
create or replace table plaatsing_pc6 as
select distinct on (postcode) postcode, buurtcode, wijkcode, gemeentecode, plaatsing
from plaatsing where not op_adres;

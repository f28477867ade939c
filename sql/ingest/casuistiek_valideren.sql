-- Validate one casuïstiek export (view invoer) on the private in-memory connection; see ingest/private.py.
-- A case row may carry several tags in one cell (';' ',' '|' '/'); each becomes a row. The case id is
-- replaced by a keyed HMAC, so the same case in two files is counted once and cannot be traced back. The team
-- name and the tags are free text, masked in table vrije_tekst (ingest/private.py): a tag that maps to no theme
-- is stored as it was written.

create or replace table d_casus as
select ruw,
       case when trim(ruw) = '' then 'case id is empty' end as probleem,
       case when trim(ruw) <> '' then $hmac(trim(ruw)) end as casus_key
from (select distinct coalesce(casus_id, '') as ruw from invoer);

create or replace table d_registratiedatum as
select ruw, case when trim(ruw) = '' then null else wp_datum(ruw) end as datum
from (select distinct coalesce(registratiedatum, '') as ruw from invoer);

create or replace table d_tag as
with tags as (
    -- masked before it is split: a date such as 12/3/85 holds a separator
    select ruw as cel, trim(unnest(string_split_regex(tekst, '[;,|/]'))) as tag from vrije_tekst where kolom = 'themas'
)

select cel, tag, (select thema from thema_spellingen where spelling = wp_sleutel(tag)) as thema
from tags
where tag <> '';

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        c.casus_key,
        c.probleem as casus_probleem,
        nullif(trim(w.tekst), '') as wijkteam,
        d.datum as registratiedatum,
        nullif(trim(i.registratiedatum), '') as datum_ruw,
        p.postcode,
        p.postcode_ruw,
        h.huisnummer,
        wp_buurtcode(i.buurtcode) as buurtcode_ruw,
        coalesce(i.themas, '') as cel
    from invoer i
    left join d_casus c on c.ruw = coalesce(i.casus_id, '')
    left join vrije_tekst w on w.kolom = 'wijkteam' and w.ruw = i.wijkteam
    left join d_registratiedatum d on d.ruw = coalesce(i.registratiedatum, '')
    left join d_postcode p on p.ruw = coalesce(i.postcode, '')
    left join d_huisnummer h on h.ruw = coalesce(i.huisnummer, '')
),

gecontroleerd_rijen as (
    select
        *,
        case when wp_geldige_buurtcode(buurtcode_ruw) then buurtcode_ruw end as buurtcode_opgegeven,
        (select count(*) from d_tag t where t.cel = rijen.cel) as tags
    from rijen
),

beoordeeld as (
    select
        *,
        casus_probleem is null
        and registratiedatum is not null and registratiedatum <= current_date
        and (buurtcode_ruw is null or buurtcode_opgegeven is not null)
        and (postcode_ruw is null or postcode is not null)
        and tags > 0 as in_orde
    from gecontroleerd_rijen
)

select
    b.in_orde, b.bron_rij, b.casus_key, b.wijkteam, b.registratiedatum,
    coalesce(t.thema, 'onbekend:' || lower(regexp_replace(t.tag, '\s+', ' ', 'g'))) as thema,
    b.postcode, b.huisnummer, b.buurtcode_opgegeven, null::varchar as wijkcode_opgegeven,
    case when b.in_orde then [] else coalesce(nullif(list_filter([
        case when b.casus_probleem is not null then {'kolom': 'casus_id', 'reden': b.casus_probleem, 'waarde': null} end,
        case when b.datum_ruw is null then {'kolom': 'registratiedatum', 'reden': 'registratiedatum is empty', 'waarde': null} end,
        case when b.datum_ruw is not null and (b.registratiedatum is null or b.registratiedatum > current_date)
             then {'kolom': 'registratiedatum', 'reden': 'registratiedatum is not a real date (expected dd-mm-jjjj or jjjj-mm-dd)', 'waarde': wp_veilig(b.datum_ruw)} end,
        case when b.buurtcode_ruw is not null and b.buurtcode_opgegeven is null
             then {'kolom': 'buurtcode', 'reden': 'not a CBS buurtcode (BU + 8 characters)', 'waarde': wp_veilig(b.buurtcode_ruw)} end,
        case when b.postcode_ruw is not null and b.postcode is null
             then {'kolom': 'postcode', 'reden': 'postcode is not of the form 1234AB', 'waarde': wp_vorm(b.postcode_ruw)} end,
        case when b.tags = 0 then {'kolom': 'themas', 'reden': 'no thema given', 'waarde': null} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from beoordeeld b
-- a faulty record keeps one row (for quarantine); a record in order gets one row per tag
left join d_tag t on t.cel = b.cel and b.in_orde
qualify b.in_orde or row_number() over (partition by b.bron_rij) = 1;

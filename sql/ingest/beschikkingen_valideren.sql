-- Validate and type one beschikking export (temp table invoer) on the private in-memory connection.
-- Nothing here is written to the database file. The result, gevalideerd, no longer holds the BSN or the
-- birth date; postcode and huisnummer stay only until the buurt is found (sql/ingest/plaatsing.sql).
-- Each row carries its problems; a row with any problem goes to meta.quarantine, never silently away.
-- Lookup tables filled from the profile: wet_spellingen, leveringsvorm_spellingen, geslacht_spellingen,
-- categorieen(wet, code, omschrijving). $hmac(x) is replaced by the keyed HMAC expression (pseudoniem.py).

create or replace temp macro wp_sleutel(x) as regexp_replace(lower(strip_accents(coalesce(x, ''))), '[^a-z0-9]+', '', 'g');

create or replace temp macro wp_datum(x) as coalesce(
    try_strptime(trim(x), ['%d-%m-%Y', '%Y-%m-%d', '%d/%m/%Y', '%d.%m.%Y', '%Y-%m-%d %H:%M:%S', '%d-%m-%Y %H:%M:%S'])::date,
    -- Excel stores dates as days since 1899-12-30 (serials 1–73050 cover 1900–2099)
    case when regexp_full_match(trim(x), '[0-9]{1,5}') and trim(x)::integer between 1 and 73050
         then date '1899-12-30' + trim(x)::integer end
);

-- Shape of a personal value without the value itself: digits become 9, letters X (for quarantine messages).
create or replace temp macro wp_vorm(x) as left(regexp_replace(regexp_replace(x, '[0-9]', '9', 'g'), '[A-Za-z]', 'X', 'g'), 20);

create or replace temp table genormaliseerd as
with bron as (
    select * from invoer
),

opgeschoond as (
    select
        bron_rij,
        nullif(trim(bsn), '') as bsn_ruw,
        -- Excel drops a BSN's leading zero (012345672 → 12345672): restore it
        lpad(regexp_replace(trim(bsn), '[\s.]', '', 'g'), 9, '0') as bsn_schoon,
        nullif(trim(wet), '') as wet_ruw,
        nullif(upper(trim(voorziening_code)), '') as code_ruw,
        nullif(trim(voorziening), '') as voorziening,
        nullif(trim(ingangsdatum), '') as ingang_ruw,
        nullif(trim(einddatum), '') as einde_ruw,
        nullif(trim(geboortedatum), '') as geboorte_ruw,
        nullif(upper(regexp_replace(postcode, '\s', '', 'g')), '') as postcode_ruw,
        try_cast(regexp_extract(huisnummer, '^\s*([0-9]+)', 1) as integer) as huisnummer,
        nullif(trim(beschikking_id), '') as beschikking_id,
        nullif(trim(reden_einde), '') as reden_einde,
        nullif(lpad(trim(reden_wijziging), 2, '0'), '') as reden_wijziging,
        wp_sleutel(leveringsvorm) as leveringsvorm_sleutel,
        wp_sleutel(geslacht) as geslacht_sleutel
    from bron
),

getypeerd as (
    select
        o.*,
        regexp_full_match(o.bsn_schoon, '[0-9]{9}') and o.bsn_schoon <> '000000000' as bsn_vorm_ok,
        w.wet,
        -- Excel strips a code's leading zero (02 → 2); "02 Begeleiding" keeps only its code
        case when regexp_full_match(coalesce(o.code_ruw, ''), '[0-9]') then '0' || o.code_ruw
             when regexp_matches(coalesce(o.code_ruw, ''), '^[0-9]{2}\b') then left(o.code_ruw, 2)
             else o.code_ruw end as voorziening_code,
        wp_datum(o.ingang_ruw) as ingangsdatum,
        wp_datum(o.einde_ruw) as einddatum,
        wp_datum(o.geboorte_ruw) as geboortedatum,
        case when regexp_full_match(coalesce(o.postcode_ruw, ''), '[1-9][0-9]{3}[A-Z]{2}') then o.postcode_ruw end as postcode,
        coalesce(l.leveringsvorm, 'onbekend') as leveringsvorm,
        coalesce(g.geslacht, 'onbekend') as geslacht
    from opgeschoond o
    left join wet_spellingen w on w.spelling = wp_sleutel(o.wet_ruw)
    left join leveringsvorm_spellingen l on l.spelling = o.leveringsvorm_sleutel
    left join geslacht_spellingen g on g.spelling = o.geslacht_sleutel
)

select
    *,
    bsn_vorm_ok and (
        9 * bsn_schoon[1]::int + 8 * bsn_schoon[2]::int + 7 * bsn_schoon[3]::int + 6 * bsn_schoon[4]::int
        + 5 * bsn_schoon[5]::int + 4 * bsn_schoon[6]::int + 3 * bsn_schoon[7]::int + 2 * bsn_schoon[8]::int
        - bsn_schoon[9]::int
    ) % 11 = 0 as elfproef_ok
from getypeerd;

-- Each distinct BSN is pseudonymised once.
create or replace temp table pseudo as
select bsn_schoon, $hmac(bsn_schoon) as client_key
from (select distinct bsn_schoon from genormaliseerd where elfproef_ok);

create or replace temp table gevalideerd as
with gekoppeld as (
    select n.*, p.client_key, c.omschrijving as code_omschrijving, c.code is not null as code_bekend
    from genormaliseerd n
    left join pseudo p using (bsn_schoon)
    left join categorieen c on c.wet = n.wet and c.code = n.voorziening_code
)

select
    bron_rij,
    client_key,
    beschikking_id,
    wet,
    voorziening_code,
    coalesce(voorziening, code_omschrijving) as voorziening,
    leveringsvorm,
    ingangsdatum,
    einddatum,
    reden_einde,
    reden_wijziging,
    postcode,
    huisnummer,
    case
        when geboortedatum is null then null
        when geboortedatum > ingangsdatum then null
        else case
            when date_sub('year', geboortedatum, ingangsdatum) < 4 then '0-3'
            when date_sub('year', geboortedatum, ingangsdatum) < 12 then '4-11'
            when date_sub('year', geboortedatum, ingangsdatum) < 18 then '12-17'
            when date_sub('year', geboortedatum, ingangsdatum) < 23 then '18-22'
            when date_sub('year', geboortedatum, ingangsdatum) < 45 then '23-44'
            when date_sub('year', geboortedatum, ingangsdatum) < 65 then '45-64'
            when date_sub('year', geboortedatum, ingangsdatum) < 75 then '65-74'
            when date_sub('year', geboortedatum, ingangsdatum) < 85 then '75-84'
            else '85+' end
    end as leeftijdsklasse,
    geslacht,
    list_filter([
        case when bsn_ruw is null then {'kolom': 'bsn', 'reden': 'BSN is empty', 'waarde': null} end,
        case when bsn_ruw is not null and not bsn_vorm_ok
             then {'kolom': 'bsn', 'reden': 'BSN is not a number of 8 or 9 digits', 'waarde': wp_vorm(bsn_ruw)} end,
        case when bsn_vorm_ok and not elfproef_ok
             then {'kolom': 'bsn', 'reden': 'BSN fails the elfproef (11-test)', 'waarde': wp_vorm(bsn_ruw)} end,
        case when wet_ruw is null then {'kolom': 'wet', 'reden': 'wet is empty', 'waarde': null} end,
        case when wet_ruw is not null and wet is null
             then {'kolom': 'wet', 'reden': 'unknown wet (known: wmo, jeugdwet, participatiewet, schuldhulp, wlz)', 'waarde': left(wet_ruw, 40)} end,
        case when code_ruw is null then {'kolom': 'voorziening_code', 'reden': 'productcategorie is empty', 'waarde': null} end,
        case when code_ruw is not null and wet is not null and not code_bekend
             then {'kolom': 'voorziening_code', 'reden': 'productcategorie is not in the code list of ' || wet, 'waarde': left(code_ruw, 40)} end,
        case when ingang_ruw is null then {'kolom': 'ingangsdatum', 'reden': 'ingangsdatum is empty', 'waarde': null} end,
        case when ingang_ruw is not null and ingangsdatum is null
             then {'kolom': 'ingangsdatum', 'reden': 'ingangsdatum is not a real date (expected dd-mm-jjjj, jjjj-mm-dd or an Excel date)', 'waarde': left(ingang_ruw, 40)} end,
        case when einde_ruw is not null and einddatum is null
             then {'kolom': 'einddatum', 'reden': 'einddatum is not a real date (expected dd-mm-jjjj, jjjj-mm-dd or an Excel date)', 'waarde': left(einde_ruw, 40)} end,
        case when einddatum < ingangsdatum
             then {'kolom': 'einddatum', 'reden': 'einddatum lies before ingangsdatum', 'waarde': strftime(einddatum, '%d-%m-%Y')} end,
        case when geboorte_ruw is not null and (geboortedatum is null or geboortedatum > current_date)
             then {'kolom': 'geboortedatum', 'reden': 'geboortedatum is not a real date', 'waarde': wp_vorm(geboorte_ruw)} end,
        case when postcode_ruw is not null and postcode is null
             then {'kolom': 'postcode', 'reden': 'postcode is not of the form 1234AB', 'waarde': wp_vorm(postcode_ruw)} end
    ], p -> p is not null) as problemen
from gekoppeld;

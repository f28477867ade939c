-- Validate and type one beschikking export (table or view invoer) on the private in-memory connection.
-- Nothing here is written to the database file. The view gecontroleerd exposes, per record, only what may be
-- stored (client_key instead of the BSN, a keyed HMAC of the beschikkingnummer, an age band instead of the birth
-- date, product and reden einde masked in table vrije_tekst by ingest/private.py) plus the postcode and
-- huisnummer needed to find the buurt (sql/ingest/plaatsing.sql), whether the record is in order, and if not,
-- its problems. The caller writes records in order to raw.beschikkingen and the others to meta.quarantine.
--
-- Speed: an export repeats the same few values (wetten, codes, dates, postcodes, BSNs of returning clients),
-- so every value is cleaned once per distinct value (the d_* tables) and records only join them. Regular
-- in-memory tables are used: DuckDB fills temp tables several times slower.
-- Lookup tables filled from the profile: wet_spellingen, leveringsvorm_spellingen, geslacht_spellingen,
-- categorieen(wet, code, omschrijving). $hmac(x) is the keyed HMAC (ingest/pseudonymise.py); the macros and the
-- address tables d_postcode and d_huisnummer come from macros.sql and adres.sql (ingest/private.py runs them first).

-- BSNs: cleaned, checked with the elfproef and pseudonymised once per distinct value.
create or replace table d_bsn as
with ruw as (
    select distinct coalesce(bsn, '') as ruw from invoer
),

schoon as (
    -- Excel drops a BSN's leading zero (012345672 → 12345672): restore it
    select ruw, lpad(regexp_replace(trim(ruw), '[\s.]', '', 'g'), 9, '0') as bsn_schoon from ruw
),

vorm as (
    select *, regexp_full_match(bsn_schoon, '[0-9]{9}') and bsn_schoon <> '000000000' as vorm_ok from schoon
),

elfproef as (
    -- CASE, not AND: only a value of nine digits may be cast digit by digit
    select *, case when vorm_ok then (
        9 * bsn_schoon[1]::int + 8 * bsn_schoon[2]::int + 7 * bsn_schoon[3]::int + 6 * bsn_schoon[4]::int
        + 5 * bsn_schoon[5]::int + 4 * bsn_schoon[6]::int + 3 * bsn_schoon[7]::int + 2 * bsn_schoon[8]::int
        - bsn_schoon[9]::int
    ) % 11 = 0 else false end as elfproef_ok
    from vorm
)

select
    ruw,
    case
        when trim(ruw) = '' then 'BSN is empty'
        when not vorm_ok then 'BSN is not a number of 8 or 9 digits'
        when not elfproef_ok then 'BSN fails the elfproef (11-test)'
    end as probleem,
    case when elfproef_ok then $hmac(bsn_schoon) end as client_key
from elfproef;

-- One small table per date column: the optimiser then joins each as a small build side. Each also holds the
-- value as written (trimmed, NULL when empty) for the checks and messages, so no record trims its own.
create or replace table d_ingang as
select ruw, nullif(trim(ruw), '') as geschreven, case when trim(ruw) = '' then null else wp_datum(ruw) end as datum
from (select distinct coalesce(ingangsdatum, '') as ruw from invoer);

create or replace table d_einde as
select ruw, nullif(trim(ruw), '') as geschreven, case when trim(ruw) = '' then null else wp_datum(ruw) end as datum
from (select distinct coalesce(einddatum, '') as ruw from invoer);

create or replace table d_geboorte as
select ruw, nullif(trim(ruw), '') as geschreven, case when trim(ruw) = '' then null else wp_datum(ruw) end as datum
from (select distinct coalesce(geboortedatum, '') as ruw from invoer);

-- The fields with few values (wet, productcategorie, product, leveringsvorm, geslacht, reden wijziging): their
-- distinct combinations, cleaned and looked up once per combination (table d_soort below), so that records need
-- one join for all six instead of one per field (an export has tens of combinations, not millions).
create or replace table soorten as
select distinct wet, voorziening_code, voorziening, leveringsvorm, geslacht, reden_wijziging from invoer;

create or replace table d_wet as
select r.ruw, w.wet
from (select distinct coalesce(wet, '') as ruw from soorten) r
left join wet_spellingen w on w.spelling = wp_sleutel(r.ruw);

create or replace table d_code as
select
    ruw,
    -- Excel strips a code's leading zero (02 → 2); "02 Begeleiding" keeps only its code
    case when regexp_full_match(code, '[0-9]') then '0' || code
         when regexp_matches(code, '^[0-9]{2}\b') then left(code, 2)
         else nullif(code, '') end as code
from (select ruw, upper(trim(ruw)) as code from (select distinct coalesce(voorziening_code, '') as ruw from soorten));

create or replace table d_leveringsvorm as
select r.ruw, coalesce(l.leveringsvorm, 'onbekend') as leveringsvorm
from (select distinct coalesce(leveringsvorm, '') as ruw from soorten) r
left join leveringsvorm_spellingen l on l.spelling = wp_sleutel(r.ruw);

create or replace table d_geslacht as
select r.ruw, coalesce(g.geslacht, 'onbekend') as geslacht
from (select distinct coalesce(geslacht, '') as ruw from soorten) r
left join geslacht_spellingen g on g.spelling = wp_sleutel(r.ruw);

create or replace table d_soort as
select
    c.*,
    w.wet as wet_schoon,
    nullif(trim(c.wet), '') as wet_ruw,
    d.code as code_schoon,
    nullif(trim(c.voorziening_code), '') as code_ruw,
    k.code is not null as code_bekend,
    coalesce(nullif(trim(vz.tekst), ''), k.omschrijving) as voorziening_schoon,
    nullif(lpad(trim(c.reden_wijziging), 2, '0'), '') as reden_wijziging_schoon,
    lv.leveringsvorm as leveringsvorm_schoon,
    gs.geslacht as geslacht_schoon
from soorten c
left join d_wet w on w.ruw = coalesce(c.wet, '')
left join d_code d on d.ruw = coalesce(c.voorziening_code, '')
left join categorieen k on k.wet = w.wet and k.code = d.code
left join vrije_tekst vz on vz.kolom = 'voorziening' and vz.ruw = c.voorziening
left join d_leveringsvorm lv on lv.ruw = coalesce(c.leveringsvorm, '')
left join d_geslacht gs on gs.ruw = coalesce(c.geslacht, '');

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        b.client_key,
        b.probleem as bsn_probleem,
        i.bsn as bsn_ruw,
        s.wet_schoon as wet,
        s.wet_ruw,
        s.code_schoon as voorziening_code,
        s.code_ruw,
        s.code_bekend,
        s.voorziening_schoon as voorziening,
        di.datum as ingangsdatum,
        di.geschreven as ingang_ruw,
        de.datum as einddatum,
        de.geschreven as einde_ruw,
        dg.datum as geboortedatum,
        dg.geschreven as geboorte_ruw,
        p.postcode,
        p.postcode_ruw,
        h.huisnummer,
        -- a key for finding the same beschikking again (staging.beschikkingen), never needed as text; computed
        -- per record: nearly every number is distinct, so a table of distinct values would not save work
        case when trim(i.beschikking_id) <> '' then $hmac(trim(i.beschikking_id)) end as beschikking_id,
        nullif(trim(re.tekst), '') as reden_einde,
        s.reden_wijziging_schoon as reden_wijziging,
        s.leveringsvorm_schoon as leveringsvorm,
        s.geslacht_schoon as geslacht
    from invoer i
    -- `is not distinct from`: an empty cell (NULL) must find its combination too
    left join d_soort s
      on s.wet is not distinct from i.wet and s.voorziening_code is not distinct from i.voorziening_code
     and s.voorziening is not distinct from i.voorziening and s.leveringsvorm is not distinct from i.leveringsvorm
     and s.geslacht is not distinct from i.geslacht and s.reden_wijziging is not distinct from i.reden_wijziging
    left join d_bsn b on b.ruw = coalesce(i.bsn, '')
    left join d_ingang di on di.ruw = coalesce(i.ingangsdatum, '')
    left join d_einde de on de.ruw = coalesce(i.einddatum, '')
    left join d_geboorte dg on dg.ruw = coalesce(i.geboortedatum, '')
    left join vrije_tekst re on re.kolom = 'reden_einde' and re.ruw = i.reden_einde
    left join d_postcode p on p.ruw = coalesce(i.postcode, '')
    left join d_huisnummer h on h.ruw = coalesce(i.huisnummer, '')
),

gecontroleerd_rijen as (
    select
        *,
        date_sub('year', geboortedatum, ingangsdatum) as leeftijd,
        -- A real date can still be a typing error (2099 for 2009, 1850 for 1985): no beschikking of these wetten
        -- starts before 1950 or more than ten years ahead. (A far einddatum such as 31-12-2099 means open-ended.)
        ingangsdatum is null or ingangsdatum between date '1950-01-01' and current_date + interval 10 year as ingang_plausibel,
        bsn_probleem is null
        and wet is not null
        and code_bekend
        and ingangsdatum is not null
        and ingang_plausibel
        and (einde_ruw is null or einddatum is not null)
        and (einddatum is null or einddatum >= ingangsdatum)
        and (geboorte_ruw is null or (geboortedatum is not null and geboortedatum <= current_date))
        and (postcode_ruw is null or postcode is not null) as in_orde
    from rijen
)

select
    in_orde, bron_rij, client_key, beschikking_id, wet, voorziening_code, voorziening, leveringsvorm, ingangsdatum, einddatum,
    reden_einde, reden_wijziging, postcode, huisnummer,
    null::varchar as buurtcode_opgegeven, null::varchar as wijkcode_opgegeven,
    case
        when leeftijd is null or leeftijd < 0 then null
        when leeftijd < 4 then '0-3'
        when leeftijd < 12 then '4-11'
        when leeftijd < 18 then '12-17'
        when leeftijd < 23 then '18-22'
        when leeftijd < 45 then '23-44'
        when leeftijd < 65 then '45-64'
        when leeftijd < 75 then '65-74'
        when leeftijd < 85 then '75-84'
        else '85+'
    end as leeftijdsklasse,
    geslacht,
    -- Problems are spelled out only for the few rows that have any (and never come out empty).
    case when in_orde then [] else coalesce(nullif(list_filter([
        case when bsn_probleem is not null
             then {'kolom': 'bsn', 'reden': bsn_probleem, 'waarde': wp_vorm(nullif(trim(bsn_ruw), ''))} end,
        case when wet_ruw is null then {'kolom': 'wet', 'reden': 'wet is empty', 'waarde': null} end,
        case when wet_ruw is not null and wet is null
             then {'kolom': 'wet', 'reden': 'unknown wet (known: wmo, jeugdwet, participatiewet, schuldhulp, wlz)', 'waarde': wp_veilig(wet_ruw)} end,
        case when code_ruw is null then {'kolom': 'voorziening_code', 'reden': 'productcategorie is empty', 'waarde': null} end,
        case when code_ruw is not null and wet is not null and not code_bekend
             then {'kolom': 'voorziening_code', 'reden': 'productcategorie is not in the code list of ' || wet, 'waarde': wp_veilig(code_ruw)} end,
        case when ingang_ruw is null then {'kolom': 'ingangsdatum', 'reden': 'ingangsdatum is empty', 'waarde': null} end,
        case when ingang_ruw is not null and ingangsdatum is null
             then {'kolom': 'ingangsdatum', 'reden': 'ingangsdatum is not a real date (expected dd-mm-jjjj, jjjj-mm-dd or an Excel date)', 'waarde': wp_veilig(ingang_ruw)} end,
        case when not ingang_plausibel
             then {'kolom': 'ingangsdatum', 'reden': 'ingangsdatum lies before 1950 or more than 10 years ahead', 'waarde': wp_vorm(strftime(ingangsdatum, '%d-%m-%Y'))} end,
        case when einde_ruw is not null and einddatum is null
             then {'kolom': 'einddatum', 'reden': 'einddatum is not a real date (expected dd-mm-jjjj, jjjj-mm-dd or an Excel date)', 'waarde': wp_veilig(einde_ruw)} end,
        case when einddatum < ingangsdatum
             then {'kolom': 'einddatum', 'reden': 'einddatum lies before ingangsdatum', 'waarde': wp_vorm(strftime(einddatum, '%d-%m-%Y'))} end,
        case when geboorte_ruw is not null and (geboortedatum is null or geboortedatum > current_date)
             then {'kolom': 'geboortedatum', 'reden': 'geboortedatum is not a real date', 'waarde': wp_vorm(geboorte_ruw)} end,
        case when postcode_ruw is not null and postcode is null
             then {'kolom': 'postcode', 'reden': 'postcode is not of the form 1234AB', 'waarde': wp_vorm(postcode_ruw)} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from gecontroleerd_rijen;

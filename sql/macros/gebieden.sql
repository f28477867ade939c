-- CBS area codes: text, never numbers (Amsterdam's wijken are WK0363AA). A gemeente is GM + 4 characters, a wijk
-- WK + 6, a buurt BU + 8; a wijk's code starts with its gemeente's 4, a buurt's with its wijk's 6. These macros
-- are the one place SQL derives an area's level or enclosing areas from its code (Python: reference/areas.py).

create or replace macro wp_niveau_van(code) as
    case left(code, 2) when 'GM' then 'gemeente' when 'WK' then 'wijk' when 'BU' then 'buurt' end;

create or replace macro wp_wijk_van(code) as 'WK' || substr(code, 3, 6);

create or replace macro wp_gemeente_van(code) as 'GM' || substr(code, 3, 4);

-- The enclosing area: buurt → wijk → gemeente → NULL.
create or replace macro wp_ouder_van(code) as
    case left(code, 2) when 'BU' then wp_wijk_van(code) when 'WK' then wp_gemeente_van(code) end;

-- Wijk- and buurtcodes as given in a file: as CBS writes them (WK034401, BU03440311, WK0363AA) or bare, as the
-- postcode table writes them (34401, 3440311, 0363AA, 0363AA01): the gemeente's digits, then the wijk's 2 and the
-- buurt's 2 characters, which may be letters (Amsterdam). A bare code is prefixed and zero-padded.
create or replace macro wp_wijkcode(x) as case
    when regexp_full_match(upper(trim(coalesce(x, ''))), '[0-9]{1,4}[0-9A-Z]{2}') then 'WK' || lpad(upper(trim(x)), 6, '0')
    else nullif(upper(trim(x)), '') end;

create or replace macro wp_buurtcode(x) as case
    when regexp_full_match(upper(trim(coalesce(x, ''))), '[0-9]{1,4}[0-9A-Z]{4}') then 'BU' || lpad(upper(trim(x)), 8, '0')
    else nullif(upper(trim(x)), '') end;

create or replace macro wp_gemeentecode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '[0-9]{1,4}') then 'GM' || lpad(trim(x), 4, '0')
    else nullif(upper(trim(x)), '') end;

-- A gemeentecode is GM + 4 digits; a wijk adds 2 and a buurt 4 digits or capitals (reference/areas.py: is_geldige_code).
create or replace macro wp_geldige_wijkcode(x) as regexp_full_match(coalesce(x, ''), 'WK[0-9]{4}[0-9A-Z]{2}');
create or replace macro wp_geldige_buurtcode(x) as regexp_full_match(coalesce(x, ''), 'BU[0-9]{4}[0-9A-Z]{4}');

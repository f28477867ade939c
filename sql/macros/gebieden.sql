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

-- Wijk- and buurtcodes as given in a file: as CBS writes them (WK034401, BU03440311) or as bare numbers
-- (34401, 3440311), then prefixed and zero-padded. Used by sources that name an area instead of an address.
create or replace macro wp_wijkcode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '[0-9]{3,6}') then 'WK' || lpad(trim(x), 6, '0')
    else nullif(upper(trim(x)), '') end;

create or replace macro wp_buurtcode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '[0-9]{5,8}') then 'BU' || lpad(trim(x), 8, '0')
    else nullif(upper(trim(x)), '') end;

create or replace macro wp_geldige_wijkcode(x) as regexp_full_match(coalesce(x, ''), 'WK[0-9A-Z]{6}');
create or replace macro wp_geldige_buurtcode(x) as regexp_full_match(coalesce(x, ''), 'BU[0-9A-Z]{8}');

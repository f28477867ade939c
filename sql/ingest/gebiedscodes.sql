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

-- A period as a signal gives it: 2024, 2024-K3 / 2024-Q3 / 2024 Q3, or 2024-07; NULL when unreadable.
create or replace macro wp_periode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}') then trim(x)
    when regexp_full_match(upper(trim(coalesce(x, ''))), '(19|20)[0-9]{2}[- ]?[KQ][1-4]')
        then left(trim(x), 4) || '-K' || right(trim(x), 1)
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}-(0[1-9]|1[0-2])') then trim(x)
end;

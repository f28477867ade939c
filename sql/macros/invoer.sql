-- Reading values from exports: macros every source's validation SQL uses (sql/ingest/). Like every file in
-- sql/macros/, created on the private in-memory connection of a load and on the build's connection
-- (db.create_sql_functions). wp_sleutel, the comparable form of a spelling, is not here: it is the Python rule
-- of reference/spelling.py, registered on each connection under that name.

create or replace macro wp_datum(x) as coalesce(
    try_strptime(trim(x), ['%d-%m-%Y', '%Y-%m-%d', '%d/%m/%Y', '%d.%m.%Y', '%Y-%m-%d %H:%M:%S', '%d-%m-%Y %H:%M:%S'])::date,
    -- Excel stores dates as days since 1899-12-30 (serials 1–73050 cover 1900–2099)
    case when regexp_full_match(trim(x), '[0-9]{1,5}') and trim(x)::integer between 1 and 73050
         then date '1899-12-30' + trim(x)::integer end
);

-- Shape of a personal value without the value itself: digits become 9, letters X (for quarantine messages).
create or replace macro wp_vorm(x) as left(regexp_replace(regexp_replace(x, '[0-9]', '9', 'g'), '[A-Za-z]', 'X', 'g'), 20);


-- A value from a column that is not personal, for a quarantine message: as it is, unless it looks like a BSN,
-- a postcode or a date (a line with a missing field puts personal values in other columns); then its shape.
create or replace macro wp_veilig(x) as case
    when regexp_matches(x, '[0-9]{6,}|[1-9][0-9]{3} ?[A-Za-z]{2}|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}') then wp_vorm(x)
    else left(x, 40)
end;

-- A period as a signal gives it: 2024, 2024-K3 / 2024-Q3 / 2024 Q3, or 2024-07; NULL when unreadable.
create or replace macro wp_periode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}') then trim(x)
    when regexp_full_match(upper(trim(coalesce(x, ''))), '(19|20)[0-9]{2}[- ]?[KQ][1-4]')
        then left(trim(x), 4) || '-K' || right(trim(x), 1)
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}-(0[1-9]|1[0-2])') then trim(x)
end;

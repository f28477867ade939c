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


-- Free text is masked before it is stored: an export may hold a BSN, an address, a birth date, a phone number or
-- an e-mail address in a column meant for text (a product name, a reden einde, a signal's toelichting). Each is
-- replaced by a marker saying what was there: [e-mail], [datum], [adres] (a postcode, with the huisnummer after
-- it), [telefoon], and [nummer] (8 or more digits in a row, or 9 in groups: a BSN, also without its leading
-- zero, or an account number). Names have no form to recognise and are not masked. The rules run in this order
-- because a date or a phone number would otherwise be taken for a number. One pass leaves the second of two
-- numbers with one character between them (the first match takes that character), so wp_maskeer runs it twice.
-- ingest/private.py applies it once per distinct value of each free-text field and counts the values it
-- changed in meta.loads.masked.
create or replace macro wp_maskeer_eens(x) as
regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(x,
    '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}', '[e-mail]', 'g'),
    -- 12-03-1985, 12/3/85, 12.03.1985, 1985-03-12, 1985/3/12
    '(^|[^0-9])([0-9]{1,2}[-/.][0-9]{1,2}[-/.]([0-9]{4}|[0-9]{2})|[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2})([^0-9]|$)',
    '\1[datum]\4', 'g'),
    -- 12 maart 1985, 1 jan. '85
    '(^|[^0-9])[0-9]{1,2} ?(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december'
    || '|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.? ?([0-9]{4}|''?[0-9]{2})([^0-9]|$)', '\1[datum]\4', 'gi'),
    -- 1234AB, 1234 AB 12, 1234ab 12a, 1234 AB 12-2 (letters after a space in capitals: '2024 na' is no postcode)
    '(^|[^0-9])[1-9][0-9]{3}( ?[A-Z]{2}|[a-z]{2}|[A-Z][a-z]|[a-z][A-Z])\b([ ,-]{0,3}[0-9]+( ?[A-Za-z]\b|-[0-9A-Za-z]{1,4}\b)?)?',
    '\1[adres]', 'g'),
    -- 06-12345678, +31 6 12345678, 0031 (0)30 123 45 67, 030-1234567
    '(^|[^0-9+])(\+31|0031|0)[ -]?(\(0\))?[ -]?[1-9]([ -]?[0-9]){8}([^0-9]|$)', '\1[telefoon]\5', 'g'),
    -- 123456789, 12345678 (Excel dropped the leading zero), 123 456 789, 1234.56.789
    '(^|[^0-9])([0-9]{8,}|[0-9]([ .-]?[0-9]){8})([^0-9]|$)', '\1[nummer]\4', 'g');

create or replace macro wp_maskeer(x) as wp_maskeer_eens(wp_maskeer_eens(x));

-- A bespreking's 'wanneer' (by when) is meant to hold the date of an action: a value that is wholly a date from a
-- year before the meeting on is kept as written; anything else is free text, masked by wp_maskeer, so a birth
-- date typed there (always long before the meeting) is never kept.
create or replace macro wp_maskeer_termijn(x, vergaderdatum) as case
    when wp_datum(x) >= vergaderdatum - interval 1 year then x else wp_maskeer(x) end;

-- A value from a column that is not personal, for a quarantine message: as it is, unless it looks like a BSN,
-- a postcode or a date, or wp_maskeer finds personal data in it (a line with a missing field puts personal
-- values in other columns); then its shape.
create or replace macro wp_veilig(x) as case
    when regexp_matches(x, '[0-9]{6,}|[1-9][0-9]{3} ?[A-Za-z]{2}|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}')
         or wp_maskeer(x) <> x then wp_vorm(x)
    else left(x, 40)
end;

-- A period as a signal gives it: 2024, 2024-K3 / 2024-Q3 / 2024 Q3, or 2024-07; NULL when unreadable.
create or replace macro wp_periode(x) as case
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}') then trim(x)
    when regexp_full_match(upper(trim(coalesce(x, ''))), '(19|20)[0-9]{2}[- ]?[KQ][1-4]')
        then left(trim(x), 4) || '-K' || right(trim(x), 1)
    when regexp_full_match(trim(coalesce(x, '')), '(19|20)[0-9]{2}-(0[1-9]|1[0-2])') then trim(x)
end;

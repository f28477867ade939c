-- Postcodes and huisnummers of an export, cleaned once per distinct value (for sources with an address).
-- d_postcode: raw value → postcode (1234AB) or NULL when malformed; d_huisnummer: raw value → its number.

create or replace table d_postcode as
select ruw, p as postcode_ruw,
       case when regexp_full_match(p, '[1-9][0-9]{3}[A-Z]{2}') then p end as postcode
from (select ruw, nullif(upper(regexp_replace(ruw, '\s', '', 'g')), '') as p
      from (select distinct coalesce(postcode, '') as ruw from invoer));

create or replace table d_huisnummer as
select ruw, try_cast(regexp_extract(ruw, '^\s*([0-9]+)', 1) as integer) as huisnummer
from (select distinct coalesce(huisnummer, '') as ruw from invoer);

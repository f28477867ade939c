-- The CBS small-number rule on what leaves the database: a published count of persons from the gemeente's own
-- data is a multiple of 5 and never 1 to 7 (transform/disclosure.py).
select p.gebied_code, p.jaar, p.indicator, p.waarde
from pub.indicator_waarden p
join raw.indicator_catalogus c using (indicator)
where p.bron = 'gemeente' and c.openbaarmaking = 'aantal_personen' and p.waarde is not null
  and (p.waarde % 5 <> 0 or p.waarde between 1 and 7)

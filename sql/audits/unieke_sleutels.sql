-- Every model's key is unique: a doubled row would count a figure twice. One row per doubled key.
select 'marts.indicator_waarden' as model, concat_ws(' ', gebied_code, jaar, indicator) as sleutel, count(*) as rijen
from marts.indicator_waarden group by gebied_code, jaar, indicator having count(*) > 1
union all
select 'pub.openbaarmaking', concat_ws(' ', gebied_code, jaar, indicator), count(*)
from pub.openbaarmaking group by gebied_code, jaar, indicator having count(*) > 1
union all
select 'marts.buurt_profiel', concat_ws(' ', gebied_code, jaar), count(*)
from marts.buurt_profiel group by gebied_code, jaar having count(*) > 1
union all
select 'marts.wijk_profiel', concat_ws(' ', gebied_code, jaar), count(*)
from marts.wijk_profiel group by gebied_code, jaar having count(*) > 1
union all
select 'marts.gemeente_profiel', concat_ws(' ', gebied_code, jaar), count(*)
from marts.gemeente_profiel group by gebied_code, jaar having count(*) > 1
union all
select 'marts.gebied_grenzen', concat_ws(' ', jaar, gebied_code), count(*)
from marts.gebied_grenzen group by jaar, gebied_code having count(*) > 1
union all
select 'pub.rode_draden', concat_ws(' ', wijkcode, jaar, thema), count(*)
from pub.rode_draden group by wijkcode, jaar, thema having count(*) > 1
union all
select 'marts.laatste_bespreking', concat_ws(' ', wijkcode, thema), count(*)
from marts.laatste_bespreking group by wijkcode, thema having count(*) > 1
union all
select 'marts.thema_combinaties', concat_ws(' ', wijkcode, jaar, thema_a, thema_b), count(*)
from marts.thema_combinaties group by wijkcode, jaar, thema_a, thema_b having count(*) > 1
union all
select 'marts.vergelijkbare_wijken', concat_ws(' ', wijkcode, scope, rang), count(*)
from marts.vergelijkbare_wijken group by wijkcode, scope, rang having count(*) > 1

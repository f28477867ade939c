-- Every published area lies in the gemeente it is published for: the four digits after BU/WK/GM are the
-- gemeente's (CBS codes; Amsterdam's wijken WK0363AA keep the gemeente's digits too).
select 'pub.indicator_waarden' as relatie, gebied_code as code, gemeente_code
from pub.indicator_waarden where substr(gebied_code, 3, 4) <> substr(gemeente_code, 3, 4)
union all
select 'pub.gebied_grenzen', gebied_code, gemeente_code
from pub.gebied_grenzen where substr(gebied_code, 3, 4) <> substr(gemeente_code, 3, 4)
union all
select 'pub.rode_draden', wijkcode, gemeente_code
from pub.rode_draden where substr(wijkcode, 3, 4) <> substr(gemeente_code, 3, 4)
union all
select 'pub.kansen', coalesce(buurtcode, wijkcode), gemeente_code
from pub.kansen where substr(coalesce(buurtcode, wijkcode), 3, 4) <> substr(gemeente_code, 3, 4)

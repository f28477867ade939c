-- Multiproblematiek: which themes appear together in one case, per wijk and year. lift compares the pair
-- with what chance would give (1 = as often as if the themes were unrelated, 2 = twice as often).
with casussen as (
    select distinct casus_key, wijkcode, gemeentecode, year(registratiedatum)::integer as jaar, thema
    from staging.casuistiek
    where not thema_onbekend and wijkcode is not null
),

paren as (
    select a.wijkcode, a.gemeentecode, a.jaar, a.thema as thema_a, b.thema as thema_b, count(distinct a.casus_key) as casussen
    from casussen a
    join casussen b on a.casus_key = b.casus_key and a.jaar = b.jaar and a.thema < b.thema
    group by all
),

per_thema as (
    select wijkcode, jaar, thema, count(distinct casus_key) as casussen from casussen group by all
),

totaal as (
    select wijkcode, jaar, count(distinct casus_key) as casussen from casussen group by all
)

select
    p.wijkcode, p.gemeentecode as gemeente_code, p.jaar, p.thema_a, p.thema_b, p.casussen,
    round(p.casussen * t.casussen / (a.casussen * b.casussen)::double, 2) as lift
from paren p
join totaal t using (wijkcode, jaar)
join per_thema a on a.wijkcode = p.wijkcode and a.jaar = p.jaar and a.thema = p.thema_a
join per_thema b on b.wijkcode = p.wijkcode and b.jaar = p.jaar and b.thema = p.thema_b
order by p.wijkcode, p.jaar, p.casussen desc;

comment on table marts.thema_combinaties is 'Themes that appear together in one wijkteam case (multiproblematiek), per wijk and year, with the lift against chance. Person-level counts: publish only through pub.';
comment on column marts.thema_combinaties.wijkcode is 'CBS wijkcode.';
comment on column marts.thema_combinaties.gemeente_code is 'The gemeente.';
comment on column marts.thema_combinaties.jaar is 'Year of registration of the cases.';
comment on column marts.thema_combinaties.thema_a is 'First theme of the pair (alphabetical).';
comment on column marts.thema_combinaties.thema_b is 'Second theme of the pair.';
comment on column marts.thema_combinaties.casussen is 'Cases with both themes (true count; not for publication).';
comment on column marts.thema_combinaties.lift is 'casussen × all cases / (cases with thema_a × cases with thema_b): above 1 means the themes go together more than chance.';

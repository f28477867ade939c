-- Partner signals and enquête results per wijk × theme × partner × year (a buurt's signal counts in its wijk).
select
    wijkcode, gemeentecode as gemeente_code, jaar, thema, partner,
    count(*) as signalen,
    sum(aantal) as aantal,
    -- an enquête gives a share of its respondents: weighted by n across questions on the same theme
    sum(percentage * n) / nullif(sum(n) filter (where percentage is not null), 0) as percentage,
    sum(n) as n,
    list(toelichting order by signaal_periode desc) filter (where publiceerbaar and toelichting is not null) as toelichtingen_publiceerbaar
from staging.signalen
where wijkcode is not null
group by all

-- column comments from: marts.vergelijkbare_wijken
-- Similar wijken are computed from CBS-published figures only, so they pass to reports unchanged.
select * from marts.vergelijkbare_wijken;

comment on view pub.vergelijkbare_wijken is 'For each wijk, the most similar wijken on a standardised CBS profile (see marts.vergelijkbare_wijken), for "vergeleken met vergelijkbare wijken" in reports.';

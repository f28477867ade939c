-- Similar wijken are computed from CBS-published figures only, so they pass to reports unchanged.
select * from marts.vergelijkbare_wijken;

comment on view pub.vergelijkbare_wijken is 'For each wijk, the most similar wijken on a standardised CBS profile (see marts.vergelijkbare_wijken), for "vergeleken met vergelijkbare wijken" in reports.';
comment on column pub.vergelijkbare_wijken.wijkcode is 'CBS code of the wijk the neighbours are for (WK034401).';
comment on column pub.vergelijkbare_wijken.wijk_naam is 'Name of that wijk in its gemeente''s latest CBS year.';
comment on column pub.vergelijkbare_wijken.gemeente_code is 'The gemeente of the wijk (GM0344).';
comment on column pub.vergelijkbare_wijken.scope is 'gemeente: neighbours from the same gemeente only; landelijk: neighbours from all loaded gemeenten (only present when more than one gemeente is loaded). The z-scores are the same in both: over all loaded wijken.';
comment on column pub.vergelijkbare_wijken.rang is '1 = most similar, up to 5; by afstand (as shown, 3 decimals), ties by vergelijkbare_wijkcode.';
comment on column pub.vergelijkbare_wijken.vergelijkbare_wijkcode is 'CBS code of the similar wijk.';
comment on column pub.vergelijkbare_wijken.vergelijkbare_wijk_naam is 'Name of the similar wijk in its gemeente''s latest CBS year.';
comment on column pub.vergelijkbare_wijken.vergelijkbare_gemeente_code is 'The gemeente of the similar wijk; always equal to gemeente_code in scope gemeente.';
comment on column pub.vergelijkbare_wijken.afstand is 'Profile distance, rounded to 3 decimals: sqrt of the mean over the common features of the squared difference of the two z-scores (z over all loaded wijken, population standard deviation). 0 = identical profiles; about 1.4 is the expected distance of two unrelated wijken.';
comment on column pub.vergelijkbare_wijken.gemeenschappelijke_kenmerken is 'Number of profile features (of 8) both wijken have and the distance is computed over; at least 5.';
comment on column pub.vergelijkbare_wijken.peiljaar is 'Latest CBS year any feature of the wijk''s own profile (wijkcode) came from; income and housing may come from an earlier year.';

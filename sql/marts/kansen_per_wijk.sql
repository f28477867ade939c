-- What already exists per wijk and theme ("sluit aan bij wat er al is"): kansen with their location.
with kansen as (
    select k.* exclude (buurtcode, wijkcode, gemeentecode, plaatsing),
           coalesce(k.buurtcode, o.buurtcode) as buurtcode,
           coalesce(k.wijkcode, o.wijkcode) as wijkcode,
           coalesce(k.gemeentecode, o.gemeentecode) as gemeentecode,
           case when k.buurtcode is null and o.buurtcode is not null then 'coordinaten' else k.plaatsing end as plaatsing
    from staging.kansen k
    left join intermediate.kansen_op_de_kaart o using (kans_id)
)

select kans_id, wijkcode, buurtcode, gemeentecode as gemeente_code, unnest(themas) as thema, naam, soort, adres, contact, lat, lon, plaatsing
from kansen
order by wijkcode, thema, naam;

comment on table marts.kansen_per_wijk is 'Facilities and initiatives per wijk and theme (public), placed by buurtcode, postcode or coordinates.';
comment on column marts.kansen_per_wijk.kans_id is 'Stable id of the kans within its source.';
comment on column marts.kansen_per_wijk.wijkcode is 'The wijk it lies in.';
comment on column marts.kansen_per_wijk.buurtcode is 'The buurt it lies in.';
comment on column marts.kansen_per_wijk.gemeente_code is 'The gemeente.';
comment on column marts.kansen_per_wijk.thema is 'A theme it serves.';
comment on column marts.kansen_per_wijk.naam is 'Name.';
comment on column marts.kansen_per_wijk.soort is 'Kind: buurthuis, inloop, vrijwilligersinitiatief, ...';
comment on column marts.kansen_per_wijk.adres is 'Address (public).';
comment on column marts.kansen_per_wijk.contact is 'How to reach it.';
comment on column marts.kansen_per_wijk.lat is 'Latitude (WGS84), where known.';
comment on column marts.kansen_per_wijk.lon is 'Longitude (WGS84), where known.';
comment on column marts.kansen_per_wijk.plaatsing is 'How it was placed: buurtcode, adres, pc6, coordinaten or geen.';

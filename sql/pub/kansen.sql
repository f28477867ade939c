-- Kansen are public information about facilities: reports show them on the map and under each theme.
select kans_id, wijkcode, buurtcode, gemeente_code, thema, naam, soort, adres, contact, lat, lon from marts.kansen_per_wijk;

comment on view pub.kansen is 'Facilities and initiatives per wijk and theme, for maps and reports.';
comment on column pub.kansen.kans_id is 'Stable id of the kans within its source.';
comment on column pub.kansen.wijkcode is 'The wijk it lies in.';
comment on column pub.kansen.buurtcode is 'The buurt it lies in.';
comment on column pub.kansen.gemeente_code is 'The gemeente.';
comment on column pub.kansen.thema is 'A theme it serves.';
comment on column pub.kansen.naam is 'Name.';
comment on column pub.kansen.soort is 'Kind: buurthuis, inloop, vrijwilligersinitiatief, ...';
comment on column pub.kansen.adres is 'Address (public).';
comment on column pub.kansen.contact is 'How to reach it.';
comment on column pub.kansen.lat is 'Latitude (WGS84), where known.';
comment on column pub.kansen.lon is 'Longitude (WGS84), where known.';

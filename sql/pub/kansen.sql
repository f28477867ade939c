-- Kansen are public information about facilities: reports show them on the map and under each theme.
select kans_id, wijkcode, buurtcode, gemeente_code, thema, naam, soort, adres, contact, lat, lon from marts.kansen_per_wijk;

comment on view pub.kansen is 'Facilities and initiatives per wijk and theme, for maps and reports.';

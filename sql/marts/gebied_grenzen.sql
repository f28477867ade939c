-- Area boundaries per year, geometry as WKB in EPSG:28992 (RD New); use ST_GeomFromWKB with the spatial extension.
select jaar, gebied_niveau, gebied_code, gebied_naam, gemeente_code, geometrie
from staging.cbs_grenzen
order by jaar, gebied_code;

comment on table marts.gebied_grenzen is 'Boundaries of buurten, wijken and gemeenten per year (CBS/Kadaster via PDOK), WKB in EPSG:28992.';
comment on column marts.gebied_grenzen.geometrie is 'Polygon or MultiPolygon as WKB, coordinates in EPSG:28992 (RD New).';
comment on column marts.gebied_grenzen.jaar is 'Year of the boundaries (CBS gebiedsindeling).';
comment on column marts.gebied_grenzen.gebied_niveau is 'buurt, wijk or gemeente.';
comment on column marts.gebied_grenzen.gebied_code is 'CBS area code as text.';
comment on column marts.gebied_grenzen.gebied_naam is 'Area name as in the boundary source.';
comment on column marts.gebied_grenzen.gemeente_code is 'The gemeente the area lies in.';

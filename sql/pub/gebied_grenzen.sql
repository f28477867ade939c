select jaar, gebied_niveau, gebied_code, gebied_naam, gemeente_code, geometrie
from marts.gebied_grenzen;

comment on view pub.gebied_grenzen is 'Boundaries for maps in reports (public CBS/Kadaster data).';
comment on column pub.gebied_grenzen.jaar is 'Year of the boundaries (CBS gebiedsindeling).';
comment on column pub.gebied_grenzen.gebied_niveau is 'buurt, wijk or gemeente.';
comment on column pub.gebied_grenzen.gebied_code is 'CBS area code as text.';
comment on column pub.gebied_grenzen.gebied_naam is 'Area name as in the boundary source.';
comment on column pub.gebied_grenzen.gemeente_code is 'The gemeente the area lies in.';
comment on column pub.gebied_grenzen.geometrie is 'Polygon or MultiPolygon as WKB, coordinates in EPSG:28992 (RD New).';

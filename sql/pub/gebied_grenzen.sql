select jaar, gebied_niveau, gebied_code, gebied_naam, gemeente_code, geometrie
from marts.gebied_grenzen;

comment on view pub.gebied_grenzen is 'Boundaries for maps in reports (public CBS/Kadaster data).';

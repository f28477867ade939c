-- What reports may publish: every indicator value after disclosure control (marts.openbaarmaking, written by
-- wijkprofiel.privacy during the build). CBS's own figures pass through unchanged; gemeente figures follow
-- the CBS small-number rule. Counts behind ratios (teller, noemer) are not published.
select
    w.gebied_code, w.gebied_niveau, w.gebied_naam, w.ouder_code, w.gemeente_code, w.jaar,
    w.indicator, w.label, o.waarde, w.eenheid, w.bron, w.tabel_id, w.ind_wbi,
    o.onderdrukt,
    o.reden as onderdrukt_reden
from marts.indicator_waarden w
join marts.openbaarmaking o
  on o.gebied_code = w.gebied_code and o.jaar = w.jaar and o.indicator = w.indicator;

comment on view pub.indicator_waarden is 'Publishable indicator values: the only indicator source for reports and downloads.';
comment on column pub.indicator_waarden.waarde is 'The published value: CBS figures as published; gemeente counts rounded to 5, rates from rounded counts; NULL when hidden.';
comment on column pub.indicator_waarden.onderdrukt is 'True when the value is hidden (unknown, secret, or suppressed for privacy); shown as ".".';
comment on column pub.indicator_waarden.onderdrukt_reden is 'Why a value is hidden (e.g. minder dan 8, secundair onderdrukt).';

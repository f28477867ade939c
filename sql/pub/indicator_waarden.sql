-- What reports may publish. CBS's own figures pass through unchanged (CBS applied its own disclosure rules);
-- a NULL stays hidden and is shown as '.'.
select
    gebied_code, gebied_niveau, gebied_naam, ouder_code, gemeente_code, jaar,
    indicator, label, waarde, eenheid, bron, tabel_id, ind_wbi,
    waarde is null as onderdrukt
from marts.indicator_waarden;

comment on view pub.indicator_waarden is 'Publishable indicator values: the only indicator source for reports and downloads.';
comment on column pub.indicator_waarden.onderdrukt is 'True when the value is hidden (unknown, secret, or suppressed for privacy); shown as ".".';

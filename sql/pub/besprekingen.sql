-- The previous cycle's outcomes: meeting notes of the bespreektafel itself, shown to that same table.
select wijkcode, gemeente_code, thema, datum, herkend, verklaring, actie, eigenaar, wanneer from marts.laatste_bespreking;

comment on view pub.besprekingen is 'Latest bespreektafel outcome per wijk and theme, for the next report.';

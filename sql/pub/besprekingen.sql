-- The previous cycle's outcomes: meeting notes of the bespreektafel itself, shown to that same table.
select wijkcode, gemeente_code, thema, datum, herkend, verklaring, actie, eigenaar, wanneer, aanwezig from marts.laatste_bespreking;

comment on view pub.besprekingen is 'Latest bespreektafel outcome per wijk and theme, for the next report.';
comment on column pub.besprekingen.wijkcode is 'CBS wijkcode.';
comment on column pub.besprekingen.gemeente_code is 'The gemeente.';
comment on column pub.besprekingen.thema is 'Theme key of the taxonomy.';
comment on column pub.besprekingen.datum is 'Date of the meeting.';
comment on column pub.besprekingen.herkend is 'Did the table recognise the figures: ja, deels or nee.';
comment on column pub.besprekingen.verklaring is 'The explanation the table gave.';
comment on column pub.besprekingen.actie is 'The agreed action.';
comment on column pub.besprekingen.eigenaar is 'Who owns the action (a role at the table).';
comment on column pub.besprekingen.wanneer is 'By when.';
comment on column pub.besprekingen.aanwezig is 'Who sat at the table (roles), as the form recorded them; empty when not recorded.';

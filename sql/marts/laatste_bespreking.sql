-- The latest bespreektafel outcome per wijk × theme: what the next report shows beside the new figures.
select wijkcode, gemeentecode as gemeente_code, thema, datum, herkend, verklaring, actie, eigenaar, wanneer, aanwezig
from staging.besprekingen
qualify row_number() over (partition by wijkcode, thema order by datum desc, load_id desc) = 1
order by wijkcode, thema;

comment on table marts.laatste_bespreking is 'Per wijk and theme, the latest outcome of the bespreektafel (herkend, verklaring, actie, eigenaar, wanneer).';
comment on column marts.laatste_bespreking.wijkcode is 'CBS wijkcode.';
comment on column marts.laatste_bespreking.gemeente_code is 'The gemeente.';
comment on column marts.laatste_bespreking.thema is 'Theme key of the taxonomy.';
comment on column marts.laatste_bespreking.datum is 'Date of the meeting.';
comment on column marts.laatste_bespreking.herkend is 'Did the table recognise the figures: ja, deels or nee.';
comment on column marts.laatste_bespreking.verklaring is 'The explanation the table gave.';
comment on column marts.laatste_bespreking.actie is 'The agreed action.';
comment on column marts.laatste_bespreking.eigenaar is 'Who owns the action (a role at the table).';
comment on column marts.laatste_bespreking.wanneer is 'By when.';
comment on column marts.laatste_bespreking.aanwezig is 'Who sat at the table (roles), as the form recorded them; empty when not recorded.';

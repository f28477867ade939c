-- The rode draden as reports show them. marts.rode_draden is already computed from published values only.
select * from marts.rode_draden;

comment on view pub.rode_draden is 'Per wijk: rode draden and signalen om te toetsen with evidence, questions, kansen and the last bespreking (see marts.rode_draden).';
comment on column pub.rode_draden.gemeente_code is 'The gemeente.';
comment on column pub.rode_draden.wijkcode is 'The wijk (CBS code).';
comment on column pub.rode_draden.wijknaam is 'The wijk''s name as CBS publishes it.';
comment on column pub.rode_draden.jaar is 'The cycle''s year (peiljaar): the latest year of the gemeente''s casuïstiek or signals.';
comment on column pub.rode_draden.thema is 'Theme key (raw.themas).';
comment on column pub.rode_draden.thema_label is 'The theme''s Dutch name.';
comment on column pub.rode_draden.rang is 'Order within the wijk: rode draden first, then by sterkte, then by theme key.';
comment on column pub.rode_draden.sterkte is 'Combined strength: the sum of the sterkte of the sources that point at the theme (each capped at 1).';
comment on column pub.rode_draden.status is '''rode draad'' (at least two independent sources point at the theme and sterkte >= 0.5) or ''signaal om te toetsen''.';
comment on column pub.rode_draden.bronnen is 'The independent sources that point at the theme, strongest first: casuistiek, voorzieningen, cbs_context, signalen, enquete.';
comment on column pub.rode_draden.bewijs is 'The evidence as plain Dutch sentences citing published figures; the supporting sources first.';
comment on column pub.rode_draden.indicatoren is 'The indicators the evidence sentences cite, in the same order as bewijs (a report can map the first one per buurt).';
comment on column pub.rode_draden.herkennen is 'The bespreektafel question for herkennen (2.1) for this theme.';
comment on column pub.rode_draden.verklaren is 'The bespreektafel question for verklaren (2.2) for this theme.';
comment on column pub.rode_draden.kansen is 'What already exists in the wijk for this theme (name, kind, address).';
comment on column pub.rode_draden.vorige_bespreking_datum is 'Date of the last bespreking of this theme in this wijk.';
comment on column pub.rode_draden.vorige_herkend is 'Whether the table recognised the figures then: ja, deels or nee.';
comment on column pub.rode_draden.vorige_verklaring is 'The explanation agreed then.';
comment on column pub.rode_draden.vorige_actie is 'The action agreed then.';
comment on column pub.rode_draden.vorige_eigenaar is 'Who owned the action (role).';
comment on column pub.rode_draden.vorige_wanneer is 'By when.';

-- The themes of the taxonomy as the reports name them: the packaged themes, and a gemeente's own where it loaded
-- data with its own taxonomy. Reports take theme labels and the bespreektafel questions from here, not from the
-- packaged file, so a report says what the database says.
select thema, label, zrm_domein, herkennen, verklaren from raw.themas;

comment on view pub.themas is 'The themes of the taxonomy (packaged themes.yaml plus a gemeente''s own), with the label reports show and the bespreektafel questions.';
comment on column pub.themas.thema is 'Theme key, as in pub.rode_draden, pub.kansen and pub.besprekingen.';
comment on column pub.themas.label is 'The theme''s name in the reports.';
comment on column pub.themas.zrm_domein is 'The matching domain of the Zelfredzaamheid-Matrix, where there is one.';
comment on column pub.themas.herkennen is 'The bespreektafel''s question to recognise the theme (herkennen).';
comment on column pub.themas.verklaren is 'The bespreektafel''s question to explain it (verklaren).';

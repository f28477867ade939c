-- What the meta tables hold, for analysts and the data dictionary. Written when they change (db.init_database runs
-- this file when meta.loads does not carry the comment below, or a meta table has none: one added later). meta.loads describes its columns in its table comment: DuckDB 1.4 cannot
-- replay a COMMENT ON COLUMN of a table with a sequence default from the WAL after a crash (the file would not open).
comment on table meta.loads is 'Every load of every source, one row per file or fetch (the same content, by sha256, is never loaded twice). Columns: load_id (raw and quarantine rows carry it); bron (cbs_kwb, grenzen, koppeltabel, beschikkingen, casuistiek, signalen, enquete, kansen, besprekingen); bestand (file, URL or snapshot); sha256; tabel_id (CBS table id, or the label of a gemeente export); gemeente; jaar (of a CBS release or boundary file); via (bestand, online, or snapshot for a stale fallback); opgehaald_op (fetch time, UTC); rows_in = loaded + quarantined (checked by the audit loads_sluiten); geladen_op; toelichting (kind of file, period, columns not loaded; verouderd: for a stale fallback); masked (values of free-text columns in which a BSN, address, date, phone number or e-mail address was replaced by a marker such as [nummer], sql/macros/invoer.sql; records quarantined later count too; 0 for sources without free text); sleutel_vingerafdruk (for person-level sources: a keyed hash identifying the pseudonymisation key, never the key; every load of a database uses the same key).';
comment on table meta.quarantine is 'Refused records, one row per problem: file, row number in the file, column and reason. A personal value is never shown, only its shape (digits as 9, letters as X).';
comment on column meta.quarantine.load_id is 'The load (meta.loads) the record came with.';
comment on column meta.quarantine.bestand is 'The file the record came from.';
comment on column meta.quarantine.rij is 'Record number in the file (1 = the first data row under the header); NULL for a problem of the whole file.';
comment on column meta.quarantine.kolom is 'The canonical field with the problem (bsn, ingangsdatum, ...), when there is one.';
comment on column meta.quarantine.reden is 'Why the record was refused, in one line.';
comment on column meta.quarantine.waarde_gemaskeerd is 'The offending value masked: its shape for personal values, the value itself for harmless ones.';
comment on table meta.unmapped_tags is 'Tags of casuïstiek, signals and kansen that map to no theme: kept as onbekend:<tag> and listed here with a suggestion, for the data team to add to its taxonomy.';
comment on column meta.unmapped_tags.load_id is 'The load (meta.loads) the tag came with.';
comment on column meta.unmapped_tags.bestand is 'The file the tag came from.';
comment on column meta.unmapped_tags.tag is 'The tag as written in the file.';
comment on column meta.unmapped_tags.aantal is 'How often the tag occurs in the file.';
comment on column meta.unmapped_tags.suggestie is 'The closest theme by spelling, if any: a hint, never applied automatically.';
comment on table meta.model_fingerprints is 'Per model of the build graph: a SHA-256 over its SQL (or Python), the macros it uses and what it reads (the fingerprints of the models it reads; of a raw or meta table its columns, row count and summed row hashes), and when it was last built. A build skips a model whose fingerprint is unchanged; `wijkprofiel build --force` rebuilds every model.';
comment on column meta.model_fingerprints.model is 'The model (node of the build graph), e.g. marts.indicator_waarden or marts.profielen (a Python model that makes several tables).';
comment on column meta.model_fingerprints.vingerafdruk is 'SHA-256 (hex) of what the model was last built from.';
comment on column meta.model_fingerprints.gebouwd_op is 'When the model was last built (a skipped build leaves it).';

-- What each model was last built from (transform/fingerprints.py): a build skips a model whose inputs, SQL and
-- macros give the same fingerprint again. The comments are here, not in 02_comments.sql: that file is run only
-- when meta.loads' comment changes, and a database made before this table must get them too.
create table if not exists meta.model_fingerprints (
    model        varchar not null,
    vingerafdruk varchar not null,
    gebouwd_op   timestamp not null
);
comment on table meta.model_fingerprints is 'Per model of the build graph: a SHA-256 over its SQL (or Python), the macros it uses and what it reads (the fingerprints of the models it reads; of a raw or meta table its columns, row count and summed row hashes), and when it was last built. A build skips a model whose fingerprint is unchanged; `wijkprofiel build --force` rebuilds every model.';
comment on column meta.model_fingerprints.model is 'The model (node of the build graph), e.g. marts.indicator_waarden or marts.profielen (a Python model that makes several tables).';
comment on column meta.model_fingerprints.vingerafdruk is 'SHA-256 (hex) of what the model was last built from.';
comment on column meta.model_fingerprints.gebouwd_op is 'When the model was last built (a skipped build leaves it).';

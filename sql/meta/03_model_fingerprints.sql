-- What each model was last built from (transform/fingerprints.py): a build skips a model whose inputs, SQL and
-- macros give the same fingerprint again. Its comments are in 02_comments.sql.
create table if not exists meta.model_fingerprints (
    model        varchar not null,
    vingerafdruk varchar not null,
    gebouwd_op   timestamp not null
);

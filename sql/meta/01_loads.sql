-- Every load of every source: what came in, what was loaded, what was quarantined (rows_in = loaded + quarantined).
create sequence if not exists meta.load_id_seq start 1;
create table if not exists meta.loads (
    load_id      integer primary key default nextval('meta.load_id_seq'),
    bron         varchar not null,   -- cbs_kwb | grenzen | beschikkingen | ...
    bestand      varchar not null,   -- file path or URL
    sha256       varchar not null,   -- content hash: the same content is never loaded twice
    tabel_id     varchar,            -- CBS table id, where there is one
    gemeente     varchar,
    jaar         integer,
    via          varchar not null,   -- bestand | online | snapshot
    opgehaald_op timestamp,          -- when the source was fetched (snapshot time when read from a snapshot)
    rows_in      bigint not null,
    loaded       bigint not null,
    quarantined  bigint not null,
    geladen_op   timestamp not null default current_timestamp,
    toelichting  varchar
);
-- Columns added later: a database made before them gets them here (db.init_database checkpoints at once,
-- because DuckDB 1.4 cannot replay an ALTER of a table with a sequence default from the WAL).
alter table meta.loads add column if not exists masked bigint default 0;  -- free-text values masked (wp_maskeer)
alter table meta.loads add column if not exists sleutel_vingerafdruk varchar;  -- which key pseudonymised a load (ingest/pseudonymise.py)
create table if not exists meta.quarantine (
    load_id           integer not null,
    bestand           varchar not null,
    rij               bigint,
    kolom             varchar,
    reden             varchar not null,
    waarde_gemaskeerd varchar
);
-- Tags that map to no theme: kept (as 'onbekend:<tag>') and listed here for the data team, with a suggestion.
create table if not exists meta.unmapped_tags (
    load_id   integer not null,
    bestand   varchar not null,
    tag       varchar not null,
    aantal    bigint not null,
    suggestie varchar
);

-- Beschikkingen as loaded: already pseudonymised and placed. No BSN, birth date, postcode or huisnummer
-- ever reaches this table (see sql/ingest/); client_key is a keyed HMAC of the BSN.
create table if not exists raw.beschikkingen (
    load_id          integer not null,
    bron             varchar not null,   -- the export's source (e.g. suite4-beschikkingen); see docs/beschikkingen.md
    periode          varchar not null,   -- the period the export covers; a newer export of the same bron and periode replaces it
    beschikking_id   varchar,
    client_key       varchar not null,
    wet              varchar not null,
    voorziening_code varchar not null,
    voorziening      varchar,
    leveringsvorm    varchar not null,
    ingangsdatum     date not null,
    einddatum        date,
    reden_einde      varchar,
    reden_wijziging  varchar,
    buurtcode        varchar,
    wijkcode         varchar,
    gemeentecode     varchar,
    plaatsing        varchar not null,   -- adres | pc6 | geen
    leeftijdsklasse  varchar,
    geslacht         varchar,
    bron_bestand     varchar not null,
    bron_rij         bigint not null
);

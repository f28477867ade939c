-- Beschikkingen as loaded: already pseudonymised and placed. No BSN, birth date, postcode or huisnummer
-- ever reaches this table (see sql/ingest/); client_key is a keyed HMAC of the BSN, beschikking_id one of the
-- beschikkingnummer (same key), and the free text of voorziening and reden_einde is masked (wp_maskeer).
-- Compression is chosen per column (few distinct values: dictionary; nearly unique: fsst) so that writing
-- millions of rows does not spend its time trying every method on every column.
create table if not exists raw.beschikkingen (
    load_id          integer not null,
    bron             varchar not null using compression dictionary,   -- the export's source (e.g. suite4-beschikkingen); see docs/beschikkingen.md
    periode          varchar not null using compression dictionary,   -- the period the export covers; a newer export of the same bron and periode replaces it
    beschikking_id   varchar using compression fsst,
    client_key       varchar not null using compression fsst,
    wet              varchar not null using compression dictionary,
    voorziening_code varchar not null using compression dictionary,
    voorziening      varchar using compression dictionary,
    leveringsvorm    varchar not null using compression dictionary,
    ingangsdatum     date not null,
    einddatum        date,
    reden_einde      varchar using compression dictionary,
    reden_wijziging  varchar using compression dictionary,
    buurtcode        varchar using compression dictionary,
    wijkcode         varchar using compression dictionary,
    gemeentecode     varchar using compression dictionary,
    plaatsing        varchar not null using compression dictionary,   -- adres | pc6 | geen
    leeftijdsklasse  varchar using compression dictionary,
    geslacht         varchar using compression dictionary,
    bron_bestand     varchar not null using compression dictionary,
    bron_rij         bigint not null
);

-- Wijkteam casuïstiek: one row per case × theme, the case id replaced by a keyed HMAC (casus_key).
-- A tag that maps to no theme is kept as 'onbekend:<tag>' and listed in meta.unmapped_tags.
create table if not exists raw.casuistiek (
    load_id          integer not null,
    bron             varchar not null,
    periode          varchar not null,
    casus_key        varchar not null,
    wijkteam         varchar,
    registratiedatum date not null,
    thema            varchar not null,
    buurtcode        varchar,
    wijkcode         varchar,
    gemeentecode     varchar,
    plaatsing        varchar not null,   -- adres | pc6 | buurtcode | geen
    bron_bestand     varchar not null,
    bron_rij         bigint not null
);

-- Signals from partners and aggregated enquête results, per wijk or buurt × theme.
-- toelichting is free text, masked at ingestion (wp_maskeer): it is never published unless publiceerbaar.
create table if not exists raw.signalen (
    load_id       integer not null,
    bron          varchar not null,      -- the file's source label
    periode       varchar not null,
    partner       varchar not null,      -- huisarts | poh | wijkagent | woningcorporatie | meldpunt_zorg_overlast | ggz | clientenraad | enquete | overig
    signaal_periode varchar,             -- the period the signal is about (2024, 2024-K3, 2024-07)
    thema         varchar not null,
    aantal        bigint,
    percentage    double,                -- enquête: share of respondents
    n             bigint,                -- enquête: respondents
    vraag         varchar,               -- enquête: the question
    toelichting   varchar,
    publiceerbaar boolean not null,
    buurtcode     varchar,
    wijkcode      varchar,
    gemeentecode  varchar,
    plaatsing     varchar not null,
    bron_bestand  varchar not null,
    bron_rij      bigint not null
);

-- Kansen: what already exists in a wijk (public): facilities and initiatives with their themes.
create table if not exists raw.kansen (
    load_id      integer not null,
    bron         varchar not null,
    periode      varchar not null,
    naam         varchar not null,
    soort        varchar,
    themas       varchar[] not null,
    adres        varchar,
    lat          double,
    lon          double,
    contact      varchar,
    buurtcode    varchar,
    wijkcode     varchar,
    gemeentecode varchar,
    plaatsing    varchar not null,
    bron_bestand varchar not null,
    bron_rij     bigint not null
);

-- Bespreektafel outcomes (the memory between cycles), from the paper form or `wijkprofiel bespreking add`.
create table if not exists raw.besprekingen (
    load_id      integer not null,
    bron         varchar not null,
    periode      varchar not null,
    datum        date not null,
    thema        varchar not null,
    herkend      varchar not null,       -- ja | deels | nee
    verklaring   varchar,
    actie        varchar,
    eigenaar     varchar,
    wanneer      varchar,
    buurtcode    varchar,
    wijkcode     varchar,
    gemeentecode varchar,
    plaatsing    varchar not null,
    bron_bestand varchar not null,
    bron_rij     bigint not null
);
-- who sat at the table (roles, free text masked like verklaring); added later, so also to an existing database
alter table raw.besprekingen add column if not exists aanwezig varchar;

-- The themes the data was read with (DESIGN §5): the packaged taxonomy, written by every build, plus a
-- gemeente's own themes, written when casuïstiek or signals are loaded with `--taxonomie`. The questions go to
-- the bespreektafel with each rode draad.
create table if not exists raw.themas (
    thema      varchar primary key,
    label      varchar not null,
    zrm_domein varchar,
    herkennen  varchar not null,
    verklaren  varchar not null,
    bron       varchar not null        -- themas.yaml, or the gemeente's taxonomy file
);

-- Which indicators point at which theme, and as which kind of evidence (data/thema_koppelingen.csv,
-- refreshed by every build): the rode-draden method counts each kind of evidence as one independent source.
create table if not exists raw.thema_koppelingen (
    indicator  varchar not null,
    thema      varchar not null,
    bewijsbron varchar not null,       -- voorzieningen | cbs_context
    toelichting varchar
);

-- CBS Kerncijfers wijken en buurten, long and as text exactly as CBS gave it; staging types and cleans it.
create table if not exists raw.cbs_kwb (
    load_id     integer not null,
    tabel_id    varchar not null,
    jaar        integer not null,
    gebied_code varchar not null,
    gebied_naam varchar,
    ind_wbi     varchar,
    indicator   varchar not null,   -- stable key from the catalogue (inwoners, inwoners_65_plus, ...)
    waarde      varchar             -- '.' and null mean unknown or secret: never 0
);
-- Area boundaries, geometry as WKB in EPSG:28992 (RD New).
create table if not exists raw.cbs_grenzen (
    load_id     integer not null,
    jaar        integer not null,
    niveau      varchar not null,
    gebied_code varchar not null,
    gebied_naam varchar,
    geometrie   blob not null
);
-- The catalogue of CBS variables, copied from the package on every build.
create table if not exists raw.cbs_variabelen (
    indicator varchar primary key,
    label     varchar,
    eenheid   varchar,
    kwb_kort  varchar,
    verplicht boolean
);
-- The indicator catalogue (data/indicatoren.csv): every indicator, CBS cells included, copied from the package
-- on every build. A computed ratio names its teller and noemer (a sum: "a+b") and factor; CBS cells have none
-- (CBS publishes them) and describe numerator and denominator in words.
create table if not exists raw.indicator_catalogus (
    indicator      varchar primary key,
    label          varchar not null,
    eenheid        varchar not null,
    bron           varchar not null,      -- cbs | gemeente
    openbaarmaking varchar not null,      -- aantal_personen | verhouding | gemiddelde | niet_persoonsgebonden
    teller         varchar,
    noemer         varchar,
    factor         double,
    richting       varchar,
    themas         varchar,
    definitie      varchar
);
alter table raw.indicator_catalogus add column if not exists bron_tabellen varchar;        -- CBS table ids, '|'-separated
alter table raw.indicator_catalogus add column if not exists teller_omschrijving varchar;  -- the numerator in words
alter table raw.indicator_catalogus add column if not exists noemer_omschrijving varchar;  -- the denominator in words

-- The parts of each ratio's noemer ("a+b" is a sum), split by the one rule reference/catalogue.noemer_delen and
-- refreshed with raw.indicator_catalogus: SQL models read the parts from here instead of parsing the text again.
create table if not exists raw.indicator_noemers (
    indicator varchar not null,
    deel      varchar not null,       -- one indicator of the sum
    delen     integer not null        -- how many parts the noemer has
);

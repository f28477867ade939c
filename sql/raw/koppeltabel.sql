-- CBS "Buurt, wijk en gemeente <jaar> voor postcode huisnummer" (or its PC6-only variant): public, used only
-- to place private records in a buurt. huisnummer is NULL in the PC6-only layout.
create table if not exists raw.cbs_koppeltabel (
    load_id      integer not null,
    jaar         integer not null,
    pc6          varchar not null,
    huisnummer   integer,
    buurtcode    varchar not null,
    wijkcode     varchar not null,
    gemeentecode varchar not null
);

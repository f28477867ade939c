"""The one loading path for every private source: beschikkingen, casuïstiek, signalen, kansen, besprekingen.

A `Bronsoort` says what a source's records look like (its canonical fields, its validation SQL in
sql/ingest/, whether identifiers must be pseudonymised); `laad_export` does the rest, the same way for all:

1. read the file into a private in-memory DuckDB (ingest/readers/private/export.py), mapping columns through a profile;
2. mask personal data in the free-text fields, once per distinct value (`maskeer_vrije_tekst`), and run the
   source's validation SQL; it defines a view `gecontroleerd` with, per record, only what may be stored (a keyed
   HMAC instead of an identifier, an age band instead of a birth date, masked free text), the postcode and
   huisnummer or given area codes needed to place it, `in_orde`, and for faulty records their `problemen`;
3. place records in a buurt from postcode + huisnummer (sql/ingest/plaatsing.sql) or a given code;
4. attach the database file and, in one transaction, write the records in order to raw.<bron>, the others
   masked to meta.quarantine, and rows_in = loaded + quarantined to meta.loads.

Every pseudonymised load records which key it used (a fingerprint in meta.loads); a load under another key is
refused before anything is read or written, and `rekey` starts the person-level data over for a new key.

Re-loading the same content changes nothing. A newer export of the same `bron` label and `periode` replaces
the older one in staging (docs/beschikkingen.md); signalen and enquête files each replace only their own kind,
and for kansen the newest file of a `bron` replaces all older ones, whatever their period.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from wijkprofiel.db import connect, create_sql_functions, init_database, split_statements, sql_tekst
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.koppeltabel import heeft_koppeltabel, ingest_koppeltabel
from wijkprofiel.ingest.loads import LoadResult, al_geladen, controleer_sleutel, previous_load, register_load
from wijkprofiel.ingest.profiles import Profiel, laad_profiel
from wijkprofiel.ingest.pseudonymise import KeyProvider
from wijkprofiel.ingest.readers.private.export import (
    Invoer,
    lees_invoer,
    prive_verbinding,
    ruim_achtergelaten_kopieen_op,
    te_groot,
)
from wijkprofiel.paths import sql_dir

log = logging.getLogger(__name__)

#: Columns every `gecontroleerd` view has besides what is stored: they steer the write and are not stored.
STUURKOLOMMEN = ("in_orde", "problemen", "postcode", "huisnummer", "buurtcode_opgegeven", "wijkcode_opgegeven")
#: The sources pseudonymised with the key (Bronsoort.pseudonimiseren; a test keeps the two equal): bron → raw table.
PSEUDONIEME_BRONNEN = {"beschikkingen": "beschikkingen", "casuistiek": "casuistiek"}


@dataclass(frozen=True)
class Bronsoort:
    naam: str                                   # meta.loads.bron
    velden: tuple[str, ...]                     # canonical fields read from a file
    valideren: str                              # validation SQL in sql/ingest/
    tabel: str = ""                             # the raw table (default: raw.<naam>)
    standaard_profiel: str = "auto"
    pseudonimiseren: bool = False               # the SQL uses $hmac(x): a key is required
    rijen_per_record: bool = False              # one record may give several rows (a case with several tags)
    tekstvelden: tuple[str, ...] = ()           # identifiers with about one value per record: read as text, not coded
    vrije_tekst: tuple[str, ...] = ()           # fields whose text is kept: masked first (table vrije_tekst)
    voorbereiden: Callable[[duckdb.DuckDBPyConnection, Profiel], None] | None = None  # lookup tables
    na_schrijven: Callable[[duckdb.DuckDBPyConnection, int, str], None] | None = None  # inside the transaction

    @property
    def raw_tabel(self) -> str:
        return self.tabel or self.naam


@dataclass
class ExportLoad(LoadResult):
    """A load result plus what the data team should know about placement."""

    geplaatst: int = 0
    niet_geplaatst: int = 0
    waarschuwingen: tuple[str, ...] = ()
    masked: int = 0                             # free-text values with personal data masked (meta.loads.masked)

    def as_load(self) -> dict:
        return {k: v for k, v in self.as_dict().items() if k in LoadResult.__dataclass_fields__}


def laad_export(
    db_path: str | Path,
    pad: str | Path,
    soort: Bronsoort,
    *,
    profiel: str | Path | None = None,
    koppeltabel: str | Path | None = None,
    bron: str | None = None,
    periode: str = "volledig",
    gemeente: str | None = None,
    sleutel: str | KeyProvider | None = None,
) -> ExportLoad:
    """Load one file of a private source; see the module docstring for the steps. `sleutel` (a key or a key
    provider) is asked for only when the source pseudonymises."""
    pad = Path(pad)
    ruim_achtergelaten_kopieen_op()  # a plaintext copy a killed load of an earlier version left behind
    key = pseudoniem.laad_sleutel(sleutel) if soort.pseudonimiseren else None
    sleutel_afdruk = pseudoniem.sleutel_vingerafdruk(key) if key is not None else None
    if sleutel_afdruk:
        controleer_sleutel_van_database(db_path, key)
    prof = laad_profiel(profiel or soort.standaard_profiel)
    if koppeltabel is not None:
        ingest_koppeltabel(db_path, koppeltabel)
    earlier = al_geladen(db_path, soort.naam, pad, alleen_inhoud=True)
    if earlier is not None:  # before reading and checking it: a rerun of unchanged exports costs a hash per file
        log.info("%s was already loaded (load %s); nothing changed", pad.name, earlier.load_id)
        return ExportLoad(**earlier.as_dict())

    mem = prive_verbinding()  # private and in memory: identifiers never reach the database file
    # Every join here is a large export against a small table of distinct values. DuckDB's cost model
    # sometimes builds its hash table on the export instead (several times slower), so keep the order
    # as written: the small table is always the build side.
    mem.execute("set disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        invoer = lees_invoer(mem, pad, prof, list(soort.velden), tekstvelden=soort.tekstvelden)
        bron = bron or bron_uit_bestandsnaam(invoer)
        if invoer.soort == "301":
            periode = f"bericht-{invoer.sha256[:12]}"  # 301 messages add up; each is its own period
        if soort.voorbereiden:
            soort.voorbereiden(mem, prof)
        if key is not None:
            mem.execute(f"create or replace macro wp_hmac(x) as {pseudoniem.hmac_sql(key, 'x')}")
        create_sql_functions(mem)
        maskeer_vrije_tekst(mem, invoer.tabel, soort.vrije_tekst)
        scripts = (["adres.sql"] if "postcode" in soort.velden else []) + [soort.valideren]
        for naam in scripts:
            script = (sql_dir() / "ingest" / naam).read_text(encoding="utf-8").replace("$hmac(", "wp_hmac(")
            for statement in split_statements(script):
                mem.execute(statement)
        return _schrijf(mem, db_path, soort, invoer, bron, periode, gemeente, sleutel_afdruk)
    except duckdb.OutOfMemoryException as exc:  # checking, placing or writing: nothing of this load is kept
        raise te_groot(pad) from exc
    finally:
        mem.close()


def bron_uit_bestandsnaam(invoer: Invoer) -> str:
    """Default source label: the file name without a trailing date (export-2024-03-01.csv → export)."""
    if invoer.soort == "301":
        return "istandaarden-301"
    stem = re.sub(r"[-_ .]*(\d{8}|\d{4}([-_]?\d{2}){0,2})$", "", invoer.pad.stem)
    return stem or invoer.pad.stem


def controleer_sleutel_van_database(db_path: str | Path, key: bytes) -> None:
    """Refuse `key` when the database's person-level data was pseudonymised with another key; reads only."""
    if not Path(db_path).is_file():
        return
    con = connect(db_path)  # not read_only: DuckDB refuses a second configuration of a file a caller has open
    try:
        heeft_kolom = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'meta' and table_name = 'loads' "
            "and column_name = 'sleutel_vingerafdruk'"
        ).fetchone()[0]
        if heeft_kolom:  # a file from before fingerprints has none to compare with
            controleer_sleutel(con, pseudoniem.sleutel_vingerafdruk(key), db_path)
    finally:
        con.close()


def rekey(db_path: str | Path) -> dict[str, int]:
    """Start the person-level data over for a new key (`wijkprofiel rekey`): drop every load of the pseudonymised
    sources, with its raw rows, quarantine rows and unmapped tags, in one transaction; returns the loads dropped
    per source. Re-pseudonymising is impossible (the BSNs are not kept), so the exports must be loaded again."""
    if not Path(db_path).is_file():
        raise WijkprofielError(f"{db_path}: no such database")
    con = connect(db_path)
    try:
        init_database(con)
        con.execute("begin transaction")
        weg = {}
        for bron, tabel in PSEUDONIEME_BRONNEN.items():
            loads = f"(select load_id from meta.loads where bron = '{bron}')"
            con.execute(f"delete from raw.{tabel} where load_id in {loads}")
            con.execute(f"delete from meta.quarantine where load_id in {loads}")
            con.execute(f"delete from meta.unmapped_tags where load_id in {loads}")
            weg[bron] = con.execute("delete from meta.loads where bron = ?", [bron]).fetchone()[0]
        con.execute("commit")
        return weg
    finally:
        con.close()


def _schrijf(mem, db_path, soort: Bronsoort, invoer: Invoer, bron: str, periode: str, gemeente: str | None,
             sleutel_afdruk: str | None) -> ExportLoad:
    con = connect(db_path)
    try:
        init_database(con)
        earlier = previous_load(con, soort.naam, invoer.sha256, alleen_inhoud=True)
        koppel_aanwezig = heeft_koppeltabel(con)
    finally:
        con.close()
    if earlier is not None:
        log.info("%s was already loaded (load %s); nothing changed", invoer.pad.name, earlier.load_id)
        return ExportLoad(**earlier.as_dict())

    waarschuwingen = []
    # Read from the small tables of distinct values, not the view: each pass over the view costs a full join.
    heeft_adres = "postcode" in soort.velden
    heeft_postcodes = heeft_adres and mem.execute("select count(*) > 0 from d_postcode where postcode is not null").fetchone()[0]
    if not koppel_aanwezig and heeft_postcodes:
        waarschuwingen.append(
            "no postcode table (koppeltabel) loaded: rows load without a buurt; "
            "run `wijkprofiel ingest koppeltabel FILE` or pass --koppeltabel"
        )
    bestand = str(invoer.pad)
    mem.execute(f"attach '{sql_tekst(db_path)}' as doel")
    try:
        if heeft_adres:
            mem.execute(
                """create or replace table te_plaatsen as
                   select distinct p.postcode, h.huisnummer
                   from invoer i
                   join d_postcode p on p.ruw = coalesce(i.postcode, '')
                   join d_huisnummer h on h.ruw = coalesce(i.huisnummer, '')
                   where p.postcode is not null"""
            )
        else:
            mem.execute("create or replace table te_plaatsen as select null::varchar as postcode, null::integer as huisnummer limit 0")
        for statement in split_statements((sql_dir() / "ingest" / "plaatsing.sql").read_text(encoding="utf-8")):
            mem.execute(statement)
        gemeente = gemeente or _meest_voorkomende_gemeente(mem)
        # bron_rij carries each record's place in the file, so rows may be written in any order, which lets
        # DuckDB write on every core. (Reading needed the order: rowid is the record number.)
        mem.execute("set preserve_insertion_order = false")
        mem.execute("begin transaction")
        if sleutel_afdruk:  # again inside the transaction: another run may have loaded since the first check
            controleer_sleutel(mem, sleutel_afdruk, db_path, catalogus="doel")
        load_id = mem.execute("select nextval('doel.meta.load_id_seq')").fetchone()[0]
        loaded = mem.execute(
            f"""insert into doel.raw.{soort.raw_tabel} by name
                select $load_id as load_id, $bron as bron, $periode as periode,
                       g.* exclude ({', '.join(STUURKOLOMMEN)}),
                       coalesce(g.buurtcode_opgegeven, a.buurtcode, p.buurtcode) as buurtcode,
                       coalesce(g.wijkcode_opgegeven, wp_wijk_van(g.buurtcode_opgegeven), a.wijkcode, p.wijkcode) as wijkcode,
                       coalesce(wp_gemeente_van(coalesce(g.wijkcode_opgegeven, g.buurtcode_opgegeven)),
                                a.gemeentecode, p.gemeentecode, $gemeente) as gemeentecode,
                       case when g.buurtcode_opgegeven is not null then 'buurtcode'
                            when g.wijkcode_opgegeven is not null then 'wijkcode'
                            else coalesce(a.plaatsing, p.plaatsing, 'geen') end as plaatsing,
                       $bestand as bron_bestand
                from gecontroleerd g
                -- an address the postcode table knows by huisnummer, else its postcode (sql/ingest/plaatsing.sql);
                -- a known address's row already falls back to its postcode's, so coalescing a before p is exact
                left join plaatsing_adres a on a.postcode = g.postcode and a.huisnummer = g.huisnummer
                left join plaatsing_pc6 p on p.postcode = g.postcode
                where g.in_orde""",
            {"load_id": load_id, "bron": bron, "periode": periode, "gemeente": gemeente, "bestand": bestand},
        ).fetchone()[0]
        # A second pass over the records finds the faulty ones. When the rows written are exactly the records,
        # each once, there are none, so a clean export skips it. The record numbers are compared as a multiset
        # through a sum of their hashes (a lookup that doubled one record cannot hide a missing one), which
        # needs no hash table over millions of rows. A source with several rows per record, each checked on its
        # own, always makes the pass.
        vingerafdruk = "count(*), sum(hash(bron_rij)::hugeint)"
        geschreven = mem.execute(
            f"select {vingerafdruk} from doel.raw.{soort.raw_tabel} where load_id = ?", [load_id]
        ).fetchone()
        if soort.rijen_per_record or geschreven != mem.execute(f"select {vingerafdruk} from {invoer.tabel}").fetchone():
            mem.execute(
                """insert into doel.meta.quarantine
                   select $load_id, $bestand, bron_rij, p.kolom, p.reden, p.waarde
                   from (select bron_rij, unnest(problemen) as p from gecontroleerd where not in_orde)""",
                {"load_id": load_id, "bestand": bestand},
            )
        if invoer.afgewezen:
            mem.executemany(
                "insert into doel.meta.quarantine values (?, ?, ?, null, ?, null)",
                [[load_id, bestand, r["rij"], r["reden"]] for r in invoer.afgewezen],
            )
        if soort.rijen_per_record:
            loaded = mem.execute("select count(distinct bron_rij) from gecontroleerd where in_orde").fetchone()[0]
        if soort.na_schrijven:
            soort.na_schrijven(mem, load_id, bestand)
        rows_in = invoer.rows_in
        quarantined = rows_in - loaded
        masked = mem.execute("select coalesce(sum(n), 0) from vrije_tekst where tekst <> ruw").fetchone()[0]
        register_load(
            mem, load_id=load_id, catalogus="doel", bron=soort.naam, bestand=bestand, sha256=invoer.sha256,
            via="bestand", gemeente=gemeente, tabel_id=bron, rows_in=rows_in, loaded=loaded, quarantined=quarantined,
            toelichting=_toelichting(invoer, periode), masked=masked, sleutel_vingerafdruk=sleutel_afdruk,
        )
        geplaatst, niet = mem.execute(
            f"select count(*) filter (where plaatsing <> 'geen'), count(*) filter (where plaatsing = 'geen') "
            f"from doel.raw.{soort.raw_tabel} where load_id = ?",
            [load_id],
        ).fetchone()
        mem.execute("commit")
    except BaseException:
        try:
            mem.execute("rollback")
        except duckdb.Error:
            pass
        raise
    finally:
        try:
            mem.execute("detach doel")
        except duckdb.Error:
            pass
    if koppel_aanwezig and niet:
        waarschuwingen.append(
            f"{niet} rows could not be placed in a buurt from their address or code; they count in the gemeente total only"
        )
    for w in waarschuwingen:
        log.warning("%s: %s", invoer.pad.name, w)
    return ExportLoad(
        soort.naam, bestand, rows_in, loaded, quarantined, load_id=load_id, toelichting=_toelichting(invoer, periode),
        geplaatst=geplaatst, niet_geplaatst=niet, waarschuwingen=tuple(waarschuwingen), masked=masked,
    )


def maskeer_vrije_tekst(mem, tabel: str, velden: tuple[str, ...]) -> None:
    """Table vrije_tekst(kolom, ruw, tekst, n): each distinct value of the free-text `velden` of `tabel`, as read
    (ruw) and with personal data masked (tekst, by wp_maskeer in sql/macros/invoer.sql), and how many records
    have it. The validation SQL stores tekst, never ruw; the load counts the values that changed. Exports repeat
    their texts, so the regular expressions run once per distinct value, not per record."""
    if not velden:
        mem.execute("create or replace table vrije_tekst (kolom varchar, ruw varchar, tekst varchar, n bigint)")
        return
    kolommen = ", ".join(velden)
    mem.execute(
        f"""create or replace table vrije_tekst as
            select kolom, ruw, wp_maskeer(ruw) as tekst, count(*) as n
            from (unpivot (select {kolommen} from {tabel}) on {kolommen} into name kolom value ruw)
            group by kolom, ruw"""
    )


def _meest_voorkomende_gemeente(mem) -> str | None:
    """The gemeente most records lie in, for the records that cannot be placed: from the addresses, else from
    the area codes a file gives (a file with only buurtcodes has no addresses to look up)."""
    row = mem.execute(
        "select gemeentecode from plaatsing where gemeentecode is not null group by 1 order by count(*) desc, 1 limit 1"
    ).fetchone()
    if row:
        return row[0]
    row = mem.execute(
        """select wp_gemeente_van(coalesce(wijkcode_opgegeven, buurtcode_opgegeven)) as gemeente
           from gecontroleerd where coalesce(wijkcode_opgegeven, buurtcode_opgegeven) is not null
           group by 1 order by count(*) desc, 1 limit 1"""
    ).fetchone()
    return row[0] if row else None


def _toelichting(invoer: Invoer, periode: str) -> str:
    parts = [f"soort {invoer.soort}", f"periode {periode}"]
    if invoer.blad:
        parts.append(f"blad {invoer.blad}")
    if invoer.ongebruikt:
        parts.append("columns not loaded: " + ", ".join(invoer.ongebruikt))
    return "; ".join(parts)


def tabel_uit_rijen(mem, naam: str, kolommen: list[str], rijen: list[tuple]) -> None:
    """A small lookup table in the in-memory connection (from the profile, a taxonomy or a code list)."""
    import pandas as pd

    mem.register("_rijen", pd.DataFrame(rijen, columns=kolommen))
    mem.execute(f"create or replace table {naam} as select distinct * from _rijen")
    mem.unregister("_rijen")

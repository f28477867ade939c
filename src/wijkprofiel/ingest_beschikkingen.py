"""Stage `verzamel` for beschikkingen: municipal exports into raw.beschikkingen, pseudonymised and placed.

Order of work, so that no identifier is ever written:
1. read the file into a private in-memory DuckDB (sources/export.py), mapping columns through a profile;
2. validate and type every row there (sql/ingest/beschikkingen_valideren.sql), replacing the BSN by a keyed
   HMAC and the birth date by an age band;
3. place each row in a buurt from postcode + huisnummer (sql/ingest/plaatsing.sql);
4. attach the database file and write the clean rows to raw.beschikkingen and the faulty ones, masked, to
   meta.quarantine, with rows_in = loaded + quarantined in meta.loads, in one transaction.

Re-loading the same content changes nothing. A newer export of the same `bron` and `periode` replaces the
older one in staging (see docs/beschikkingen.md).
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from . import pseudoniem
from .db import connect, init_database, split_statements
from .errors import WijkprofielError
from .koppeltabel import heeft_koppeltabel, ingest_koppeltabel
from .loads import LoadResult, previous_load, register_load
from .paths import sql_dir
from .profielen import Profiel, laad_profiel, sleutel
from .sources.export import Invoer, lees_invoer

log = logging.getLogger(__name__)

BRON = "beschikkingen"
VELDEN = [
    "bsn", "wet", "voorziening_code", "voorziening", "ingangsdatum", "einddatum", "postcode", "huisnummer",
    "geboortedatum", "leveringsvorm", "beschikking_id", "reden_einde", "reden_wijziging", "geslacht",
]
_WET_PER_STANDAARD = {"iWmo3.2": "wmo", "iJw3.2": "jeugdwet"}


@dataclass
class BeschikkingLoad(LoadResult):
    """A load result plus what the data team should know about placement."""

    geplaatst: int = 0
    niet_geplaatst: int = 0
    waarschuwingen: tuple[str, ...] = ()


def ingest_beschikkingen(
    db_path: str | Path,
    pad: str | Path,
    *,
    profiel: str | Path = "auto",
    koppeltabel: str | Path | None = None,
    bron: str | None = None,
    periode: str = "volledig",
    gemeente: str | None = None,
    sleutel_waarde: str | None = None,
) -> BeschikkingLoad:
    """Load one export file; see the module docstring for the steps."""
    pad = Path(pad)
    key = pseudoniem.laad_sleutel(sleutel_waarde)
    prof = laad_profiel(profiel)
    if koppeltabel is not None:
        ingest_koppeltabel(db_path, koppeltabel)

    mem = duckdb.connect()  # private and in memory: the BSN never reaches the database file
    mem.execute("set enable_progress_bar = false")
    # Every join here is a large export against a small table of distinct values. DuckDB's cost model
    # sometimes builds its hash table on the export instead (several times slower), so keep the order
    # as written: the small table is always the build side.
    mem.execute("set disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        invoer = lees_invoer(mem, pad, prof, VELDEN)
        bron = bron or _bron_uit(invoer)
        if invoer.soort == "301":
            periode = f"bericht-{invoer.sha256[:12]}"  # 301 messages add up; each is its own period
        _vul_opzoektabellen(mem, prof)
        script = (sql_dir() / "ingest" / "beschikkingen_valideren.sql").read_text(encoding="utf-8")
        hmac_expr = pseudoniem.hmac_sql(key, "bsn_schoon")
        for statement in split_statements(script.replace("$hmac(bsn_schoon)", hmac_expr)):
            mem.execute(statement)
        return _schrijf(mem, db_path, invoer, bron, periode, gemeente)
    finally:
        mem.close()


def _bron_uit(invoer: Invoer) -> str:
    """Default source label: the file name without a trailing date (export-2024-03-01.csv → export)."""
    if invoer.soort == "301":
        return "istandaarden-301"
    stem = re.sub(r"[-_ .]*(\d{8}|\d{4}([-_]?\d{2}){0,2})$", "", invoer.pad.stem)
    return stem or invoer.pad.stem


def _vul_opzoektabellen(mem, prof: Profiel) -> None:
    for veld, tabel in (("wet", "wet_spellingen"), ("leveringsvorm", "leveringsvorm_spellingen"), ("geslacht", "geslacht_spellingen")):
        frame = pd.DataFrame(prof.waarde_spellingen(veld), columns=["spelling", veld])
        mem.register("_spellingen", frame)
        mem.execute(f"create or replace table {tabel} as select * from _spellingen")
        mem.unregister("_spellingen")
    rows = []
    with resources.files("wijkprofiel.data").joinpath("istandaarden/codelists_iwmo_ijw_3_2.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["type"] == "LDT_ProductCategorie" and r["standard"] in _WET_PER_STANDAARD:
                rows.append((_WET_PER_STANDAARD[r["standard"]], r["code"], r["label"]))
    for wet, codes in prof.lokale_codes.items():
        rows.extend((wet, str(code).upper(), omschrijving) for code, omschrijving in codes.items())
    mem.register("_categorieen", pd.DataFrame(rows, columns=["wet", "code", "omschrijving"]))
    mem.execute("create or replace table categorieen as select distinct * from _categorieen")
    mem.unregister("_categorieen")


def _schrijf(mem, db_path, invoer: Invoer, bron: str, periode: str, gemeente: str | None) -> BeschikkingLoad:
    con = connect(db_path)
    try:
        init_database(con)
        earlier = previous_load(con, BRON, invoer.sha256, None, None)
        koppel_aanwezig = heeft_koppeltabel(con)
    finally:
        con.close()
    if earlier is not None:
        log.info("%s was already loaded (load %s); nothing changed", invoer.pad.name, earlier.load_id)
        return BeschikkingLoad(**earlier.as_dict())

    waarschuwingen = []
    if not koppel_aanwezig:
        waarschuwingen.append(
            "no postcode table (koppeltabel) loaded: rows load without a buurt; "
            "run `wijkprofiel ingest koppeltabel FILE` or pass --koppeltabel"
        )
    bestand = str(invoer.pad)
    mem.execute(f"attach '{_sql_tekst(db_path)}' as doel")
    try:
        mem.execute(
            """create or replace table te_plaatsen as
               select distinct p.postcode, h.huisnummer
               from invoer i
               join d_postcode p on p.ruw = coalesce(i.postcode, '')
               join d_huisnummer h on h.ruw = coalesce(i.huisnummer, '')
               where p.postcode is not null"""
        )
        for statement in split_statements((sql_dir() / "ingest" / "plaatsing.sql").read_text(encoding="utf-8")):
            mem.execute(statement)
        gemeente = gemeente or _meest_voorkomende_gemeente(mem)
        # bron_rij carries each record's place in the file, so the rows may be written in any order: this
        # lets DuckDB write on every core. (Reading needed the order: rowid is the record number.)
        mem.execute("set preserve_insertion_order = false")
        mem.execute("begin transaction")
        load_id = mem.execute("select nextval('doel.meta.load_id_seq')").fetchone()[0]
        # Only these columns are written: no BSN, birth date, postcode or huisnummer.
        loaded = mem.execute(
            """insert into doel.raw.beschikkingen by name
               select $load_id as load_id, $bron as bron, $periode as periode, g.beschikking_id, g.client_key, g.wet,
                      g.voorziening_code, g.voorziening, g.leveringsvorm, g.ingangsdatum, g.einddatum, g.reden_einde,
                      g.reden_wijziging, p.buurtcode, p.wijkcode, coalesce(p.gemeentecode, $gemeente) as gemeentecode,
                      coalesce(p.plaatsing, 'geen') as plaatsing, g.leeftijdsklasse, g.geslacht,
                      $bestand as bron_bestand, g.bron_rij
               from gecontroleerd g
               left join plaatsing p
                 on p.postcode = coalesce(g.postcode, '') and coalesce(p.huisnummer, -1) = coalesce(g.huisnummer, -1)
               where g.in_orde""",
            {"load_id": load_id, "bron": bron, "periode": periode, "gemeente": gemeente, "bestand": bestand},
        ).fetchone()[0]
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
        rows_in = invoer.rows_in
        quarantined = rows_in - loaded
        register_load(
            mem, load_id=load_id, catalogus="doel", bron=BRON, bestand=bestand, sha256=invoer.sha256, via="bestand",
            gemeente=gemeente, tabel_id=bron, rows_in=rows_in, loaded=loaded, quarantined=quarantined,
            toelichting=_toelichting(invoer, periode),
        )
        geplaatst, niet = mem.execute(
            "select count(*) filter (where plaatsing <> 'geen'), count(*) filter (where plaatsing = 'geen') "
            "from doel.raw.beschikkingen where load_id = ?",
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
        waarschuwingen.append(f"{niet} rows could not be placed in a buurt; they count in the gemeente total only")
    for w in waarschuwingen:
        log.warning("%s: %s", invoer.pad.name, w)
    return BeschikkingLoad(
        BRON, bestand, rows_in, loaded, quarantined, load_id=load_id, toelichting=_toelichting(invoer, periode),
        geplaatst=geplaatst, niet_geplaatst=niet, waarschuwingen=tuple(waarschuwingen),
    )


def _sql_tekst(value: object) -> str:
    """A value as the inside of a SQL string literal (ATTACH takes no parameters)."""
    return str(value).replace("'", "''")


def _meest_voorkomende_gemeente(mem) -> str | None:
    row = mem.execute(
        "select gemeentecode from plaatsing where gemeentecode is not null group by 1 order by count(*) desc, 1 limit 1"
    ).fetchone()
    return row[0] if row else None


def _toelichting(invoer: Invoer, periode: str) -> str:
    parts = [f"soort {invoer.soort}", f"periode {periode}"]
    if invoer.blad:
        parts.append(f"blad {invoer.blad}")
    if invoer.ongebruikt:
        parts.append("columns not loaded: " + ", ".join(invoer.ongebruikt))
    return "; ".join(parts)

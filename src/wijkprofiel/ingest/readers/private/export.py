"""Reading municipal exports (CSV, XLSX, iStandaarden 301 XML) into an in-memory DuckDB table.

This is the one reading path for every private source (beschikkingen, casuïstiek, signalen): the file type is
recognised from its content, the encoding (UTF-8 with or without BOM, cp1252, UTF-16) and delimiter
(`;` `,` tab `|`) are detected, and the header row is found even below a title block. Columns are mapped to
canonical fields through a profile; columns that map to nothing are dropped here, because they may hold names
or addresses that must never be stored.

The table lives in a private in-memory DuckDB connection: identifiers are pseudonymised there before the
caller writes anything to the database file.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd

from wijkprofiel.db import begrens_geheugen, geheugen_advies
from wijkprofiel.errors import MemoryLimitError, SourceError
from wijkprofiel.ingest.loads import sha256_file
from wijkprofiel.ingest.profiles import Profiel

log = logging.getLogger(__name__)
#: Where a pipe is readable by path; a system without it (Windows) transcodes to a private temporary folder.
_DEV_FD = Path("/dev/fd")

DELIMITERS = (";", ",", "\t", "|")
HEADER_ZOEKRIJEN = 50
_SAMPLE_BYTES = 256 * 1024


def te_groot(pad: Path) -> MemoryLimitError:
    """Why a file stops when memory runs out (nothing of it is written to disk instead, see prive_verbinding)."""
    return MemoryLimitError(
        f"{pad.name}: too large to check in this machine's memory (it is never spilled to disk, where it would hold "
        f"BSNs; {geheugen_advies()}); or load it on a machine with more memory, or split the export by period"
    )


@dataclass
class Invoer:
    """A file read into table `tabel`: column bron_rij (record number under the header) plus canonical fields."""

    pad: Path
    soort: str                          # csv | xlsx | 301
    sha256: str
    tabel: str
    kolommen: dict[str, str]            # canonical field → source header
    ongebruikt: list[str]               # source headers that map to nothing (dropped)
    rows_in: int
    afgewezen: list[dict] = field(default_factory=list)  # records that could not be parsed: rij, reden
    blad: str | None = None             # xlsx sheet


def prive_verbinding() -> duckdb.DuckDBPyConnection:
    """The private in-memory connection a file is read into. DuckDB would spill to a temporary folder on disk
    when memory runs short, and that folder would hold BSNs and birth dates: spilling is switched off, so a file
    too large for memory stops with an error instead."""
    con = duckdb.connect()
    con.execute("set temp_directory = ''")
    begrens_geheugen(con)
    con.execute("set enable_progress_bar = false")
    return con


#: A transcoded copy an earlier version left in the temporary folder when its load was killed: a file
#: (tempfile.NamedTemporaryFile(prefix="wijkprofiel-", suffix=".csv")) or, without /dev/fd, a private folder
#: (tempfile.TemporaryDirectory(prefix="wijkprofiel-")) holding export.csv. tempfile's 8 random characters make
#: the name, and tempfile makes them readable by their owner only (0600 and 0700 on POSIX); nothing else is
#: removed (a user's own /tmp/wijkprofiel-demo, or an export saved there as wijkprofiel-maart024.csv, stays).
_ACHTERGELATEN_KOPIE = re.compile(r"wijkprofiel-[a-z0-9_]{8}(\.csv)?")


def ruim_achtergelaten_kopieen_op() -> int:
    """Remove this user's transcoded export copies left in the temporary folder by a killed load (of this or an
    earlier version); every private load starts with this. Returns how many were removed. A copy in use by a
    load that runs at the same moment exists only where there is no /dev/fd (Windows), which refuses to delete
    an open file: that one stays, and the next load removes it."""
    weg = 0
    eigen = getattr(os, "getuid", lambda: None)()
    for pad in Path(tempfile.gettempdir()).glob("wijkprofiel-*"):
        try:
            if not _ACHTERGELATEN_KOPIE.fullmatch(pad.name) or pad.is_symlink():
                continue
            if eigen is not None:  # POSIX: this user's, and made by tempfile (a saved file has other permissions)
                st = pad.stat()
                if st.st_uid != eigen or stat.S_IMODE(st.st_mode) not in (0o600, 0o700):
                    continue
            if pad.is_file() and pad.suffix == ".csv":
                pad.unlink()
            elif pad.is_dir() and pad.suffix == "" and {p.name for p in pad.iterdir()} <= {"export.csv"}:
                shutil.rmtree(pad)
            else:
                continue
            weg += 1
        except OSError:
            continue  # in use (Windows) or gone meanwhile
    if weg:
        log.info("removed %d transcoded export copies a killed load left in %s", weg, tempfile.gettempdir())
    return weg


def herken_soort(pad: Path) -> str:
    """csv, xlsx or 301, from the file's first bytes (an extension can lie)."""
    if not pad.is_file():
        raise SourceError(f"{pad}: file not found")
    with pad.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise SourceError(f"{pad.name}: empty file")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    from wijkprofiel.ingest.readers.private.istandaard301 import is_301_bericht

    if is_301_bericht(head):
        return "301"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        raise SourceError(f"{pad.name}: an XML file, but not an iWmo/iJw 301 toewijzing message")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text (Excel's "Unicode text")
    if b"\x00" in head or head.startswith((b"\x1f\x8b", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise SourceError(f"{pad.name}: a binary file, not a CSV, XLSX or 301 XML export")
    return "csv"


def lees_invoer(con: duckdb.DuckDBPyConnection, pad: str | Path, profiel: Profiel, velden: list[str], tabel: str = "invoer",
                tekstvelden: tuple[str, ...] = ()) -> Invoer:
    """Read `pad` into `tabel` (in `con`, an in-memory connection) with columns bron_rij + `velden` (all text).
    tekstvelden: identifiers with about as many values as records, held as text rather than coded."""
    pad = Path(pad)
    soort = herken_soort(pad)
    if soort == "301":
        invoer = _lees_301(con, pad, velden, tabel)
    elif soort == "xlsx":
        invoer = _lees_xlsx(con, pad, profiel, velden, tabel)
    else:
        invoer = _lees_csv(con, pad, profiel, velden, tabel, tekstvelden)
    ontbrekend = [v for v in profiel.verplicht if v in velden and v not in invoer.kolommen]
    if ontbrekend:
        raise SourceError(
            f"{pad.name}: required column(s) {', '.join(ontbrekend)} not found "
            f"(headers seen: {', '.join(list(invoer.kolommen.values()) + invoer.ongebruikt)}); "
            f"use a profile that maps them"
        )
    if invoer.rows_in == 0:
        raise SourceError(f"{pad.name}: a header but no data rows; nothing loaded")
    return invoer


# ------------------------------------------------------------------------------------------------ CSV


def _decodeer_sample(raw: bytes) -> tuple[str, str]:
    """(encoding for DuckDB or transcoding, decoded sample)."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8", raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", raw.decode("utf-16", errors="replace")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 4:  # the sample cut a multi-byte character in half
            return "utf-8", raw[: exc.start].decode("utf-8")
        return "cp1252", raw.decode("cp1252", errors="replace")


def _zoek_header(lines: list[str], profiel: Profiel) -> tuple[str, int, list[str]]:
    """The delimiter, line index and cells of the header: the line where most cells map to known fields."""
    best: tuple[int, str, int, list[str]] | None = None
    for delimiter in DELIMITERS:
        for index, cells in enumerate(csv.reader(lines[:HEADER_ZOEKRIJEN], delimiter=delimiter)):
            mapped = len({profiel.kolom_voor(c) for c in cells} - {None})
            if mapped >= 2 and (best is None or mapped > best[0]):
                best = (mapped, delimiter, index, cells)
    if best is None:
        raise SourceError(
            "no recognisable header in the first 50 lines (looked for columns such as "
            + ", ".join(sorted(profiel.kolommen)[:6])
            + "); use a profile that knows this export's headers"
        )
    _, delimiter, index, cells = best
    return delimiter, index, cells


def _lees_csv(con, pad: Path, profiel: Profiel, velden: list[str], tabel: str, tekstvelden: tuple[str, ...]) -> Invoer:
    with pad.open("rb") as fh:
        raw = fh.read(_SAMPLE_BYTES)
    encoding, sample = _decodeer_sample(raw)
    lines = sample.splitlines()
    if len(raw) == _SAMPLE_BYTES and lines:
        lines = lines[:-1]  # the last sampled line may be cut off
    try:
        delimiter, header_index, headers = _zoek_header(lines, profiel)
    except SourceError as exc:
        raise SourceError(f"{pad.name}: {exc}") from None
    kolommen, ongebruikt, posities = _koppel_headers(headers, profiel, velden)

    try:
        afgewezen = _lees_csv_bestand(con, pad, encoding, header_index, delimiter, headers, posities, velden, tekstvelden)
        if any(r["soort"] in ("INVALID UNICODE", "INVALID ENCODING") for r in afgewezen) and encoding == "utf-8":
            # The sample looked like UTF-8 but a later line is not: the file is cp1252 after all.
            afgewezen = _lees_csv_bestand(con, pad, "cp1252", header_index, delimiter, headers, posities, velden, tekstvelden)
    except duckdb.OutOfMemoryException as exc:
        raise te_groot(pad) from exc
    except duckdb.Error as exc:
        raise SourceError(f"{pad.name}: cannot be read as a {delimiter!r}-separated file: {str(exc).splitlines()[0]}") from exc
    open_quote = next((r for r in afgewezen if r["soort"] == "UNQUOTED VALUE"), None)
    if open_quote is not None:
        # An opening quote without its closing quote swallows the lines after it, so their number is unknown:
        # loading the rest could lose records without a trace. Refuse the file instead.
        raise SourceError(
            f"{pad.name}: line {open_quote['regel']} has a quote (\") that is not closed, so the lines after it "
            "cannot be read reliably; nothing was loaded. Fix that line and load the file again"
        )

    # bron_rij is the record number under the header; records DuckDB rejected keep their place in the count:
    # the j-th rejected record (number r_j) has r_j - j accepted records before it.
    if afgewezen:
        voor = [r["rij"] - j for j, r in enumerate(afgewezen, start=1)]
        con.execute("create or replace table _afgewezen_voor as select unnest(?::bigint[]) as voor", [voor])
        nummer = "rowid + 1 + (select count(*) from _afgewezen_voor where voor < _invoer._csv.rowid + 1)"
    else:
        nummer = "rowid + 1"
    # A view, not a copy: a large export is held in memory once. (Regular in-memory tables are used rather
    # than temp tables, which DuckDB fills several times slower.)
    # Coded fields are text again here, so every source's validation SQL reads plain strings.
    tekst = ", ".join(f"{v}::varchar as {v}" if v in posities else f"null::varchar as {v}" for v in velden)
    con.execute(f"create or replace view {tabel} as select {nummer} as bron_rij, {tekst} from _invoer._csv where not _leeg")
    rows_in = con.execute(f"select count(*) from {tabel}").fetchone()[0] + len(afgewezen)
    return Invoer(pad, "csv", sha256_file(pad), tabel, kolommen, ongebruikt, rows_in, afgewezen)


def _lees_csv_bestand(con, pad: Path, encoding: str, header_index: int, delimiter: str, headers: list[str],
                      posities: dict[str, int], velden: list[str], tekstvelden: tuple[str, ...]) -> list[dict]:
    """Read the data lines into table _invoer._csv (mapped columns only); returns the lines DuckDB could not read."""
    con.execute("drop table if exists _csv_fouten")
    con.execute("drop table if exists _csv_scans")
    columns = {f"k{i}": "VARCHAR" for i in range(len(headers))}
    # A line with too few or too many fields is rejected, not padded: its values would sit in the wrong
    # columns (a BSN where the wet should be). Both passes below reject the same lines.
    def bestand(fouten: str, scans: str) -> str:
        return (
            f"read_csv(?, auto_detect = false, header = false, skip = ?, delim = ?, quote = '\"', escape = '\"', "
            f"columns = {columns!r}, null_padding = false, max_line_size = 10000000, store_rejects = true, "
            f"rejects_table = '{fouten}', rejects_scan = '{scans}')"
        )

    with _als_utf8(pad, encoding) as bron:
        gecodeerd = _codeer_velden(con, bestand, [bron, header_index + 1, delimiter],
                                   [v for v in velden if v in posities and v not in tekstvelden], posities)
    selectie = ", ".join(
        f"k{posities[v]}::_invoer.{gecodeerd[v]} as {v}" if v in gecodeerd else f"k{posities[v]} as {v}"
        for v in velden if v in posities
    )
    # A line of only separators is no record; marking it here, in the parallel read, keeps later scans cheap.
    leeg = "coalesce(" + ", ".join(f"nullif(k{posities[v]}, '')" for v in velden if v in posities) + ") is null"
    selectie += f", {leeg} as _leeg"
    # One pass that keeps only the mapped columns; the table's rowid is the record's order in the file
    # (a projection keeps DuckDB's insertion order; a join would not).
    # Text fields are stored uncompressed: compressing nearly unique strings costs more time than it saves.
    kolomtypen = ", ".join(
        f"{v} _invoer.{gecodeerd[v]}" if v in gecodeerd else f"{v} varchar using compression uncompressed"
        for v in velden if v in posities
    )
    con.execute(f"create or replace table _invoer._csv ({kolomtypen}, _leeg boolean)")
    with _als_utf8(pad, encoding) as bron:
        con.execute(f"insert into _invoer._csv select {selectie} from {bestand('_csv_fouten', '_csv_scans')}",
                    [bron, header_index + 1, delimiter])
    return [
        {"regel": int(line), "rij": int(line) - (header_index + 1), "soort": str(soort).upper(),
         "reden": _reden_afgewezen(str(soort), int(line), len(headers))}
        # one line per record: DuckDB reports a line with two surplus fields twice
        for line, soort in con.execute("select line, min(error_type) from _csv_fouten group by line order by line").fetchall()
    ]


@contextmanager
def _als_utf8(pad: Path, encoding: str) -> Iterator[str]:
    """The path DuckDB reads `pad` from as UTF-8: the file itself, or for cp1252 and UTF-16 (which DuckDB 1.4
    cannot read: its latin-1 refuses cp1252's € and curly quotes, and it has no UTF-16 BE) the read end of a
    pipe that a thread fills with the transcoded text. Nothing is written to disk: a transcoded copy in a
    temporary file would hold every BSN and stay behind when the load is killed. One pipe serves one scan."""
    if encoding == "utf-8":
        yield str(pad)
        return
    if not _DEV_FD.is_dir():
        # No /dev/fd (Windows): a copy in a folder only this user can read, removed when the scan ends.
        with tempfile.TemporaryDirectory(prefix="wijkprofiel-") as map_:
            kopie = Path(map_) / "export.csv"
            with pad.open("r", encoding=encoding, errors="replace", newline="") as src, \
                    kopie.open("w", encoding="utf-8", newline="") as dst:
                for chunk in iter(lambda: src.read(1 << 20), ""):
                    dst.write(chunk)
            yield str(kopie)
        return
    lees, schrijf = os.pipe()

    def transcodeer() -> None:
        try:
            with pad.open("r", encoding=encoding, errors="replace", newline="") as src, open(schrijf, "wb") as dst:
                for chunk in iter(lambda: src.read(1 << 20), ""):
                    dst.write(chunk.encode("utf-8"))
        except (BrokenPipeError, OSError):
            pass  # DuckDB stopped reading (an error, or a query that never opened the pipe)

    draad = threading.Thread(target=transcodeer, name="wijkprofiel-transcodeer", daemon=True)
    draad.start()
    try:
        yield f"/dev/fd/{lees}"
    finally:
        os.close(lees)  # a writer still blocked on a full pipe gets EPIPE and ends
        draad.join()


def _codeer_velden(con, bestand: Callable[[str, str], str], parameters: list, velden: list[str], posities: dict[str, int]) -> dict[str, str]:
    """An ENUM type per field holding that field's distinct values (first pass over the file), so that the
    second pass stores each value as a small code instead of a string: a 10-million-row export then fits in
    well under 2 GB. Identifiers with nearly as many values as rows (tekstvelden) stay text. Returns the
    type name per field; a field without any value keeps VARCHAR."""
    # The coded records live in a compressed in-memory catalog of their own: a tenth of the memory (10 million
    # records in about 0.2 GB instead of 1.1 GB), for about a quarter more reading time.
    con.execute("detach database if exists _invoer")  # also drops the types of an earlier read (cp1252 reads twice)
    con.execute("attach ':memory:' as _invoer (compress)")
    if not velden:
        return {}
    kolommen = [f"k{posities[v]}" for v in velden]
    con.execute(
        f"create or replace table _waarden as select grouping_id({', '.join(kolommen)}) as _groep, {', '.join(kolommen)} "
        f"from {bestand('_waarden_fouten', '_waarden_scans')} "
        f"group by grouping sets ({', '.join(f'({k})' for k in kolommen)})",
        parameters,
    )
    typen = {}
    alle = (1 << len(kolommen)) - 1
    for i, (veld, kolom) in enumerate(zip(velden, kolommen)):
        groep = alle ^ (1 << (len(kolommen) - 1 - i))  # grouping_id: a bit per column, 1 = not grouped on it
        waarden = f"select {kolom} from _waarden where _groep = {groep} and {kolom} is not null"
        if con.execute(f"select count(*) > 0 from ({waarden})").fetchone()[0]:
            con.execute(f"create type _invoer._e_{veld} as enum ({waarden})")
            typen[veld] = f"_e_{veld}"
    for tabel in ("_waarden", "_waarden_fouten", "_waarden_scans"):
        con.execute(f"drop table if exists {tabel}")
    return typen


def _reden_afgewezen(soort: str, line: int, velden: int) -> str:
    """Why DuckDB could not read a line, without its content (which may hold a BSN)."""
    soort = soort.upper()
    if soort == "MISSING COLUMNS":
        return f"line {line} has fewer fields than the header's {velden}"
    if soort == "TOO MANY COLUMNS":
        return f"line {line} has more fields than the header's {velden} (a separator inside an unquoted value?)"
    if soort in ("INVALID UNICODE", "INVALID ENCODING"):
        return f"line {line} holds characters that are neither UTF-8 nor cp1252"
    if soort == "LINE SIZE OVER MAXIMUM":
        return f"line {line} is longer than 10 MB"
    return f"line {line} cannot be read ({soort.lower()})"


def _koppel_headers(headers: list[str], profiel: Profiel, velden: list[str]) -> tuple[dict[str, str], list[str], dict[str, int]]:
    kolommen: dict[str, str] = {}
    posities: dict[str, int] = {}
    ongebruikt: list[str] = []
    for i, header in enumerate(headers):
        veld = profiel.kolom_voor(header)
        if veld in velden and veld not in kolommen:
            kolommen[veld] = header.strip()
            posities[veld] = i
        elif str(header).strip():
            ongebruikt.append(str(header).strip())
    return kolommen, ongebruikt, posities


# ------------------------------------------------------------------------------------------------ XLSX


def _cel(value: object) -> str | None:
    """An Excel cell as text: dates as ISO, whole numbers without '.0' (Excel stores 2 for '02')."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _lees_xlsx(con, pad: Path, profiel: Profiel, velden: list[str], tabel: str) -> Invoer:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(pad, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; the user needs one line
        raise SourceError(f"{pad.name}: cannot be read as an Excel workbook: {exc}") from exc
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            top = []
            for row in rows:
                top.append([_cel(v) or "" for v in row])
                if len(top) >= HEADER_ZOEKRIJEN:
                    break
            lines = [",".join(f'"{c}"' for c in r) for r in top]
            try:
                _, header_index, headers = _zoek_header(lines, profiel)
            except SourceError:
                continue
            kolommen, ongebruikt, posities = _koppel_headers(headers, profiel, velden)
            records = []
            all_rows = top[header_index + 1 :] + [[_cel(v) for v in row] for row in rows]
            for number, row in enumerate(all_rows, start=1):
                values = [v if v != "" else None for v in row]
                if not any(values):
                    continue
                record = {"bron_rij": number}
                for v in velden:
                    record[v] = values[posities[v]] if v in posities and posities[v] < len(values) else None
                records.append(record)
            frame = pd.DataFrame(records, columns=["bron_rij", *velden]).astype({v: "object" for v in velden})
            con.register("_xlsx_rijen", frame)
            casts = ", ".join(f"{v}::varchar as {v}" for v in velden)
            con.execute(f"create or replace table {tabel} as select bron_rij::bigint as bron_rij, {casts} from _xlsx_rijen")
            con.unregister("_xlsx_rijen")
            return Invoer(pad, "xlsx", sha256_file(pad), tabel, kolommen, ongebruikt, len(records), blad=sheet.title)
    finally:
        workbook.close()
    names = ", ".join(ws.title for ws in workbook.worksheets)
    raise SourceError(f"{pad.name}: no sheet has a recognisable header (sheets: {names}); use a profile that knows its headers")


# ------------------------------------------------------------------------------------------------ 301 XML


def _lees_301(con, pad: Path, velden: list[str], tabel: str) -> Invoer:
    from wijkprofiel.ingest.readers.private.istandaard301 import read_301

    records = read_301(pad)
    frame = pd.DataFrame(
        [{"bron_rij": r["bron_rij"], **{v: r.get(v) for v in velden}} for r in records], columns=["bron_rij", *velden]
    ).astype({v: "object" for v in velden})
    con.register("_xml_rijen", frame)
    casts = ", ".join(f"{v}::varchar as {v}" for v in velden)
    con.execute(f"create or replace table {tabel} as select bron_rij::bigint as bron_rij, {casts} from _xml_rijen")
    con.unregister("_xml_rijen")
    kolommen = {v: v for v in velden if any(r.get(v) is not None for r in records)}
    return Invoer(pad, "301", sha256_file(pad), tabel, kolommen, [], len(records))

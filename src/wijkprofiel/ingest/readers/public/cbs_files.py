"""Readers for CBS's downloadable files.

Two layouts exist in the wild:
- the KWB release (Excel or CSV) with short names: gwb_code_10, regio, a_inw, a_65_oo, ...;
- a StatLine CSV download: UTF-8 with BOM, ';', every field quoted, names and codes padded with spaces,
  and titles such as "Regioaanduiding/Codering (code)" instead of names.
Both map onto the stable keys of the catalogue; the layout is recognised from the header, not the file name.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pandas as pd

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public import CbsRelease, maak_release
from wijkprofiel.reference.catalogue import kwb_tabel_id, variabele_voor_kort, variabele_voor_statline

_CODE_KOLOMMEN_RELEASE = ("gwb_code_10", "gwb_code", "gwb_code_8")
#: Without `regio` (a later or republished release), the names per level: CBS's `gm_naam` names the gemeente on
#: every row, so it only names the gemeente's own row; `wk_naam` and `bu_naam` where a file carries them.
_NAAM_KOLOMMEN_RELEASE = {"GM": "gm_naam", "WK": "wk_naam", "BU": "bu_naam"}
_TABEL_IN_NAAM = re.compile(r"(\d{5}NED)", re.IGNORECASE)


def read_cbs_file(path: str | Path, jaar: int, tabel_id: str | None = None) -> CbsRelease:
    """Read any CBS release file (xlsx or csv, one gemeente or all of the Netherlands)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    header, records, rafelig = lees_tabel(path)
    tabel_id = tabel_id or tabel_id_voor(path, jaar)
    if any(h.strip().lower() in _CODE_KOLOMMEN_RELEASE for h in header):
        layout = _release_layout
    elif any(h.strip().lower().endswith("codering (code)") for h in header):
        layout = _statline_layout
    else:
        raise SourceError(
            f"{path.name}: not a CBS wijken-en-buurten file: no gwb_code_10 column and no 'Codering (code)' column"
        )
    if rafelig:
        # Its values would be read under the wrong indicators: a CBS file is never ragged, this one was edited.
        raise SourceError(f"{path.name}: {rafelig}; nothing loaded")
    release = layout(header, records, path, jaar, tabel_id)
    if release.rijen.empty:
        raise SourceError(f"{path.name}: a header but no data rows; nothing loaded")
    return release


def tabel_id_voor(path: str | Path, jaar: int) -> str:
    """The CBS table a file holds: the id in its name (85984NED), else the year's Kerncijfers table."""
    match = _TABEL_IN_NAAM.search(Path(path).name)
    return match.group(1).upper() if match else kwb_tabel_id(jaar)


def _release_layout(header, records, path, jaar, tabel_id) -> CbsRelease:
    lower = {h.strip().lower(): h for h in header}
    code_kolom = next(lower[c] for c in _CODE_KOLOMMEN_RELEASE if c in lower)
    kolommen = {}
    for h in header:
        var = variabele_voor_kort(h)
        if var is not None:
            kolommen[h] = var
    return maak_release(
        records,
        kolommen,
        code_kolom=code_kolom,
        naam_kolom=lower.get("regio"),
        wbi_kolom=lower.get("ind_wbi"),
        tabel_id=tabel_id,
        jaar=jaar,
        bron=str(path),
        naam_per_niveau={p: lower[k] for p, k in _NAAM_KOLOMMEN_RELEASE.items() if k in lower},
    )


def _statline_layout(header, records, path, jaar, tabel_id) -> CbsRelease:
    code_kolom = next(h for h in header if h.strip().lower().endswith("codering (code)"))
    wbi_kolom = next((h for h in header if "indelingswijziging" in h.lower()), None)
    # The first column holds the area's own name ("Wijken en buurten"); the region columns hold the gemeente's.
    naam_kolom = header[0]
    kolommen = {}
    for h in header:
        if h in (code_kolom, wbi_kolom, naam_kolom) or h.startswith("Regioaanduiding/"):
            continue
        var = variabele_voor_statline(h)
        if var is not None and var not in kolommen.values():
            kolommen[h] = var
    return maak_release(
        records,
        kolommen,
        code_kolom=code_kolom,
        naam_kolom=naam_kolom,
        wbi_kolom=wbi_kolom,
        tabel_id=tabel_id,
        jaar=jaar,
        bron=str(path),
    )


def lees_tabel(path: Path) -> tuple[list[str], list[dict], str | None]:
    """Header and records of an xlsx or csv file (the kind is recognised from the content), and for a CSV line
    with fewer or more fields than the header, which line that is."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        try:
            frame = pd.read_excel(path, dtype=object, sheet_name=0)
        except Exception as exc:  # openpyxl raises many kinds; the user needs one line
            raise SourceError(f"{path.name}: cannot read as Excel: {exc}") from exc
        frame.columns = [str(c) for c in frame.columns]
        return list(frame.columns), frame.to_dict("records"), None
    text = _decodeer(path)
    first_line = text.splitlines()[0] if text else ""
    # ';' (CBS), ',' or a tab (Excel's "Unicode text"): whichever the header line has most of
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # newline=None reads CR-only (old Mac, some Excel exports) and CRLF lines alike
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise SourceError(f"{path.name}: empty file")
        records, rafelig = [], None
        for cells in reader:
            if rafelig is None and len(cells) != len(header) and any(c.strip() for c in cells):
                wat = "fewer" if len(cells) < len(header) else "more"
                rafelig = f"line {reader.line_num} has {wat} fields than the header's {len(header)}"
            records.append(dict(zip(header, cells)))
        return header, records, rafelig
    except csv.Error as exc:  # e.g. a field over the csv module's limit: one line, not a traceback
        raise SourceError(f"{path.name}: cannot be read as CSV (line {reader.line_num}: {exc})") from exc


def _decodeer(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise SourceError(f"{path.name}: binary file, not a CSV")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{path.name}: neither UTF-8 nor cp1252 text")

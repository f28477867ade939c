"""CBS's table "Gebieden in Nederland": which province and GGD-region each gemeente belongs to.

A gemeente list in the configuration may name a province (PV26) or a GGD-region (GG3003); this table expands
them into gemeenten. CBS publishes it per year as a StatLine download (CSV or Excel) and in OData, with column
titles that differ between those forms and between years, so the columns are recognised by their codes (a column
whose every value is a gemeentecode, a province code or a GGD-region code), not by their titles.
"""

from __future__ import annotations

import re
from pathlib import Path

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public import cel_tekst
from wijkprofiel.ingest.readers.public.cbs_files import lees_tabel
from wijkprofiel.reference.areas import GEMEENTECODE, GGD_REGIOCODE, PROVINCIECODE, normalise_code

_SOORTEN = {"gemeente": GEMEENTECODE, "provincie": PROVINCIECODE, "ggd_regio": GGD_REGIOCODE}


def lees_gebieden(path: str | Path) -> dict[str, set[str]]:
    """{province or GGD-region code: its gemeentecodes} from a local copy of the table (CSV or XLSX)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    header, records, rafelig = lees_tabel(path)
    if rafelig:  # its codes could stand under the wrong column, as in a ragged release file
        raise SourceError(f"{path.name}: {rafelig}; nothing read")
    kolom = {soort: _kolom_met(header, records, patroon) for soort, patroon in _SOORTEN.items()}
    if kolom["gemeente"] is None:
        raise SourceError(f"{path.name}: not CBS's Gebieden in Nederland: no column holds only gemeentecodes (GM + 4 digits)")
    if kolom["provincie"] is None and kolom["ggd_regio"] is None:
        raise SourceError(f"{path.name}: not CBS's Gebieden in Nederland: no column of province (PV..) or GGD-region (GG....) codes")
    regio: dict[str, set[str]] = {}
    for rec in records:
        gemeente = normalise_code(cel_tekst(rec.get(kolom["gemeente"])))
        if gemeente is None:
            continue
        for soort in ("provincie", "ggd_regio"):
            code = normalise_code(cel_tekst(rec.get(kolom[soort]))) if kolom[soort] else None
            if code:
                regio.setdefault(code, set()).add(gemeente)
    return regio


def _kolom_met(header: list[str], records: list[dict], patroon: re.Pattern) -> str | None:
    """The first column whose every filled value matches (StatLine pads codes with spaces)."""
    for h in header:
        waarden = [normalise_code(cel_tekst(rec.get(h))) for rec in records]
        gevuld = [w for w in waarden if w]
        if gevuld and all(patroon.match(w) for w in gevuld):
            return h
    return None

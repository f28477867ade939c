"""Readers for public sources. Every CBS reader returns a `CbsRelease` keyed by stable indicator keys."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkprofiel.reference.areas import normalise_code
from wijkprofiel.reference.catalogue import CbsVariabele, cbs_variabelen

#: Columns every CbsRelease frame has before its indicator columns.
GEBIED_KOLOMMEN = ["gebied_code", "gebied_naam", "ind_wbi"]
#: The record's data row number in the source (1 = first row under the header), for quarantine messages.
BRON_RIJ = "bron_rij"


@dataclass
class CbsRelease:
    """One CBS table as read from a file, a StatLine download or the OData feed.

    `rijen` has one row per source record: BRON_RIJ, GEBIED_KOLOMMEN (gebied_code None when the record has
    no code) plus one column per indicator key. Values stay text
    exactly as CBS gave them (stripped); turning '.' or secret codes into NULL is staging's job.
    """

    tabel_id: str
    jaar: int
    bron: str
    rijen: pd.DataFrame
    ontbrekend: list[str] = field(default_factory=list)

    @property
    def indicatoren(self) -> list[str]:
        return [c for c in self.rijen.columns if c not in GEBIED_KOLOMMEN and c != BRON_RIJ]


def cel_tekst(value: object) -> str | None:
    """A cell as stripped text; None for empty cells and nulls (never '0')."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def maak_release(
    records: list[dict],
    kolommen: dict[str, CbsVariabele],
    *,
    code_kolom: str,
    naam_kolom: str | None,
    wbi_kolom: str | None,
    tabel_id: str,
    jaar: int,
    bron: str,
    naam_per_niveau: dict[str, str] | None = None,
) -> CbsRelease:
    """Build a CbsRelease from source records and a {source column → variable} mapping. An area's name comes
    from `naam_kolom`, else from the column `naam_per_niveau` names for its code prefix (GM, WK or BU)."""
    rows = []
    for rij, rec in enumerate(records, start=1):
        if not any(cel_tekst(v) for v in rec.values()):
            continue  # a blank line is no record
        code = normalise_code(rec.get(code_kolom))
        naam = cel_tekst(rec.get(naam_kolom)) if naam_kolom else None
        if naam is None and code and (naam_per_niveau or {}).get(code[:2]):
            naam = cel_tekst(rec.get(naam_per_niveau[code[:2]]))
        row = {
            BRON_RIJ: rij,
            "gebied_code": code,
            "gebied_naam": naam,
            "ind_wbi": cel_tekst(rec.get(wbi_kolom)) if wbi_kolom else None,
        }
        for kolom, var in kolommen.items():
            row[var.indicator] = cel_tekst(rec.get(kolom))
        rows.append(row)
    gevonden = {v.indicator for v in kolommen.values()}
    frame = pd.DataFrame(rows, columns=[BRON_RIJ] + GEBIED_KOLOMMEN + [v.indicator for v in kolommen.values()], dtype=object)
    ontbrekend = [v.indicator for v in cbs_variabelen() if v.indicator not in gevonden]
    return CbsRelease(tabel_id=tabel_id, jaar=jaar, bron=bron, rijen=frame, ontbrekend=ontbrekend)

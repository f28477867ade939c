"""The CBS variable catalogue: stable indicator keys and every CBS spelling that maps onto them.

Column names in CBS tables change every year (AantalInwoners_5 in one, AantalInwoners_6 in the next);
the release files use short names (a_inw) and StatLine downloads use titles. The mapping is data, in
data/cbs_variabelen.csv, so a new CBS spelling is one edit there.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .errors import WijkprofielError


@dataclass(frozen=True)
class CbsVariabele:
    indicator: str
    label: str
    eenheid: str
    kwb_kort: str
    odata_sleutels: tuple[str, ...]
    statline_titel: str
    verplicht: bool


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("wijkprofiel.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def cbs_variabelen() -> tuple[CbsVariabele, ...]:
    return tuple(
        CbsVariabele(
            indicator=r["indicator"],
            label=r["label"],
            eenheid=r["eenheid"],
            kwb_kort=r["kwb_kort"],
            odata_sleutels=tuple(s for s in r["odata_sleutel"].split("|") if s),
            statline_titel=r["statline_titel"],
            verplicht=r["verplicht"] == "ja",
        )
        for r in _rows("cbs_variabelen.csv")
    )


@cache
def kwb_tabellen() -> dict[int, str]:
    """Year → CBS table id of Kerncijfers wijken en buurten."""
    return {int(r["jaar"]): r["tabel_id"] for r in _rows("cbs_tabellen.csv")}


def kwb_tabel_id(jaar: int) -> str:
    try:
        return kwb_tabellen()[jaar]
    except KeyError:
        known = ", ".join(str(j) for j in sorted(kwb_tabellen()))
        raise WijkprofielError(
            f"no Kerncijfers wijken en buurten table known for {jaar} (known: {known}); "
            "add it to data/cbs_tabellen.csv"
        ) from None


def odata_basis(key: str) -> str:
    """AantalInwoners_5 → AantalInwoners: drop CBS's yearly position suffix."""
    return re.sub(r"_\d+$", "", key)


def vergelijkbare_titel(title: str) -> str:
    """A StatLine column title without unit, accents, case or extra spaces, for matching."""
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title.strip())
    title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", title).strip().lower()


def variabele_voor_kort(name: str) -> CbsVariabele | None:
    name = name.strip().lower()
    return next((v for v in cbs_variabelen() if v.kwb_kort == name), None)


def variabele_voor_odata(key: str) -> CbsVariabele | None:
    basis = odata_basis(key)
    return next((v for v in cbs_variabelen() if basis in v.odata_sleutels), None)


def variabele_voor_statline(title: str) -> CbsVariabele | None:
    """Match on the end of the title path, so 'Bevolking/Aantal inwoners (aantal)' finds inwoners."""
    wanted = vergelijkbare_titel(title)
    for v in cbs_variabelen():
        target = vergelijkbare_titel(v.statline_titel)
        if wanted == target or wanted.endswith("/" + target):
            return v
    return None


def verplichte_indicatoren() -> list[str]:
    return [v.indicator for v in cbs_variabelen() if v.verplicht]

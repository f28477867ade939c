"""Stage `verzamel` for beschikkingen: municipal exports into raw.beschikkingen, pseudonymised and placed.

The loading itself is the shared path in ingest/private.py; this module says what a beschikking is: its fields, its
validation (sql/ingest/beschikkingen_valideren.sql: BSN with the elfproef, real dates, a known wet and a
productcategorie from that wet's code list, a well-formed postcode) and its lookup tables. The BSN and the
beschikkingnummer become a keyed HMAC, the birth date an age band, and product and reden einde are masked free
text before anything is written (docs/beschikkingen.md).
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from wijkprofiel.ingest.private import Bronsoort, ExportLoad, laad_export, tabel_uit_rijen
from wijkprofiel.ingest.profiles import Profiel
from wijkprofiel.ingest.pseudonymise import KeyProvider

BRON = "beschikkingen"
VELDEN = (
    "bsn", "wet", "voorziening_code", "voorziening", "ingangsdatum", "einddatum", "postcode", "huisnummer",
    "geboortedatum", "leveringsvorm", "beschikking_id", "reden_einde", "reden_wijziging", "geslacht",
)
_WET_PER_STANDAARD = {"iWmo3.2": "wmo", "iJw3.2": "jeugdwet"}


def _opzoektabellen(mem, prof: Profiel) -> None:
    for veld, tabel in (("wet", "wet_spellingen"), ("leveringsvorm", "leveringsvorm_spellingen"), ("geslacht", "geslacht_spellingen")):
        tabel_uit_rijen(mem, tabel, ["spelling", veld], prof.waarde_spellingen(veld))
    # One row per (wet, code): a profile's own description of a national code replaces the national one (two
    # rows would give every record with that code twice).
    omschrijvingen: dict[tuple[str, str], str] = {}
    with resources.files("wijkprofiel.reference.data").joinpath("istandaarden/codelists_iwmo_ijw_3_2.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["type"] == "LDT_ProductCategorie" and r["standard"] in _WET_PER_STANDAARD:
                omschrijvingen[(_WET_PER_STANDAARD[r["standard"]], r["code"])] = r["label"]
    for wet, codes in prof.lokale_codes.items():
        omschrijvingen.update({(wet, str(code).upper()): omschrijving for code, omschrijving in codes.items()})
    tabel_uit_rijen(mem, "categorieen", ["wet", "code", "omschrijving"], [(*k, v) for k, v in omschrijvingen.items()])


BESCHIKKINGEN = Bronsoort(
    naam=BRON,
    velden=VELDEN,
    valideren="beschikkingen_valideren.sql",
    pseudonimiseren=True,
    tekstvelden=("bsn", "beschikking_id"),
    vrije_tekst=("voorziening", "reden_einde"),
    voorbereiden=_opzoektabellen,
)


def ingest_beschikkingen(
    db_path: str | Path,
    pad: str | Path,
    *,
    profiel: str | Path = "auto",
    koppeltabel: str | Path | None = None,
    bron: str | None = None,
    periode: str = "volledig",
    gemeente: str | None = None,
    sleutel: str | KeyProvider | None = None,
) -> ExportLoad:
    """Load one beschikking export (CSV, XLSX or 301 XML)."""
    return laad_export(
        db_path, pad, BESCHIKKINGEN, profiel=profiel, koppeltabel=koppeltabel, bron=bron, periode=periode,
        gemeente=gemeente, sleutel=sleutel,
    )

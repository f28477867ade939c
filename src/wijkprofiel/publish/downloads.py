"""The wijk's published figures as downloads next to its report: CSV the way Dutch Excel opens it, and XLSX.

Rows come from pub.indicator_waarden only (through PubGegevens): the wijk and its buurten, every year.
A hidden value is "." in both files, as in the report; it is never written as 0 or left empty.
Text from a source never becomes a formula in a spreadsheet (see lijkt_formule).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from wijkprofiel.publish.gegevens import PubGegevens
from wijkprofiel.publish.opmaak import VERBORGEN

KOLOMMEN = [
    "gebied_code", "gebied_naam", "gebied_niveau", "jaar", "indicator", "label", "waarde", "eenheid", "noemer_jaar",
    "bron", "tabel_id", "onderdrukt_reden",
]  # fmt: skip
#: Columns holding a year: written as a whole number (pandas reads an integer column with gaps as floats).
JAARKOLOMMEN = ("jaar", "noemer_jaar")
TOELICHTING = [
    "Gepubliceerde cijfers uit wijkprofiel (pub.indicator_waarden) voor de wijk en haar buurten.",
    'Een punt (.) betekent: onbekend, nog niet gepubliceerd of verborgen om de privacy te beschermen; nooit een nul.',
    "Aantallen van de gemeente zijn afgerond op vijftallen; aantallen van 0 tot en met 7 worden niet getoond.",
    "noemer_jaar: bij een aandeel of cijfer per 1 000 dat wijkprofiel uit aantallen berekent, het jaar van de noemer "
    "(bijvoorbeeld het aantal inwoners). Meestal gelijk aan jaar; is het een ander jaar, dan had CBS voor dat jaar "
    "(nog) geen cijfer voor de noemer en is dat van het dichtstbijzijnde jaar gebruikt. Leeg bij cijfers die CBS "
    "zelf berekent.",
    "Bron: CBS (Kerncijfers wijken en buurten), licentie CC-BY 4.0, en de eigen registratie van de gemeente.",
]


def cijfers_van_wijk(gegevens: PubGegevens, wijk: str) -> pd.DataFrame:
    """The published rows of the wijk and of its buurten (of any year), wijk first, then buurten by code."""
    w = gegevens.waarden
    rows = w[(w.gebied_code == wijk) | ((w.gebied_niveau == "buurt") & (w.ouder_code == wijk))]
    rows = rows.assign(_volgorde=(rows.gebied_niveau != "wijk").astype(int))
    rows = rows.sort_values(["_volgorde", "gebied_code", "indicator", "jaar"], kind="stable")
    # a release of pub without noemer_jaar (before issue 14) gives an empty column rather than a failed download
    return rows.reindex(columns=KOLOMMEN + ["onderdrukt"]).reset_index(drop=True)


def schrijf_downloads(gegevens: PubGegevens, wijk: str, out_dir: Path) -> dict[str, str]:
    """Write {wijk}-cijfers.csv and .xlsx into out_dir; returns the file names by kind."""
    rows = cijfers_van_wijk(gegevens, wijk)
    csv_pad, xlsx_pad = out_dir / f"{wijk}-cijfers.csv", out_dir / f"{wijk}-cijfers.xlsx"
    schrijf_csv(rows, csv_pad)
    schrijf_xlsx(rows, xlsx_pad, titel=f"{gegevens.naam(wijk)} ({wijk})")
    return {"csv": csv_pad.name, "xlsx": xlsx_pad.name, "rijen": len(rows)}


#: A spreadsheet reads a cell that starts with one of these as a formula, or as the start of one (OWASP, CSV injection).
FORMULE_BEGIN = ("=", "+", "-", "@", "\t", "\r")


def lijkt_formule(tekst: str) -> bool:
    """Whether a spreadsheet would run this text cell as a formula. Such text gets a leading ' in the CSV (OWASP's
    advice: Excel shows the text and hides the quote) and Excel's quote prefix in the XLSX. Numbers are never text
    cells here, so a negative figure stays a number."""
    return tekst.startswith(FORMULE_BEGIN)


def schrijf_csv(rows: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, ';' between fields, decimal comma: Excel with Dutch settings opens it as numbers."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        schrijver = csv.writer(f, delimiter=";", lineterminator="\r\n")
        schrijver.writerow(KOLOMMEN)
        for r in rows.itertuples(index=False):
            cellen = []
            for k in KOLOMMEN:
                if k == "waarde" and not r.onderdrukt:
                    cellen.append(_csv_getal(r.waarde))
                else:
                    tekst = _tekst(getattr(r, k), k, r.onderdrukt)
                    cellen.append("'" + tekst if lijkt_formule(tekst) else tekst)
            schrijver.writerow(cellen)


def schrijf_xlsx(rows: pd.DataFrame, path: Path, *, titel: str) -> None:
    boek = Workbook(write_only=True)
    blad = boek.create_sheet("Cijfers")
    blad.append(KOLOMMEN)
    for r in rows.itertuples(index=False):
        blad.append(
            [float(r.waarde) if k == "waarde" and not r.onderdrukt else _xlsx_cel(blad, getattr(r, k), k, r.onderdrukt)
             for k in KOLOMMEN]
        )
    toelichting = boek.create_sheet("Toelichting")
    toelichting.append([_xlsx_cel(toelichting, f"Wijkprofiel {titel}", "", False)])
    for regel in TOELICHTING:
        toelichting.append([regel])
    boek.save(path)


def _csv_getal(value: float) -> str:
    """12.5 → '12,5'; 1234.0 → '1234' (no thousands separator: Excel would read '1.234' as a date or text)."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _tekst(value, kolom: str, onderdrukt: bool) -> str:
    if kolom == "waarde" and onderdrukt:
        return VERBORGEN
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(int(value)) if kolom in JAARKOLOMMEN else str(value)


def _xlsx_cel(blad, value, kolom: str, onderdrukt: bool):
    """A number as a number; text always as a string cell, because openpyxl writes any str that starts with '=' as
    a formula. Text a spreadsheet would read as a formula also gets the quote prefix, so it stays text when edited."""
    if kolom in JAARKOLOMMEN:
        return None if pd.isna(value) else int(value)
    tekst = _tekst(value, kolom, onderdrukt)
    if not tekst:
        return None
    if not lijkt_formule(tekst):  # openpyxl writes such a str as the same string cell, without a cell object of ours
        return tekst
    cel = WriteOnlyCell(blad, value=tekst)
    cel.data_type = "s"
    cel.quotePrefix = True  # the text itself is kept as it is: the cell holds it as a string
    return cel

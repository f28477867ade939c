"""Bad input for `ingest beschikkingen`: every way a real municipal export arrives, and exactly what happens to it.

Each test writes a tiny export in tmp_path, byte for byte as the exporting system would (CRLF, BOM, cp1252,
UTF-16, Excel cells), loads it with the real reader, and asserts the exact outcome: the one-line error, or
which rows were quarantined with which kolom and reason, with rows_in = loaded + quarantined both in the
returned result and in meta.loads (docs/beschikkingen.md).

BSNs are made by `maak_bsn` (elfproef-valid, deterministic); postcodes are real Utrecht postcodes from the
bundled CBS postcode table.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import DATA, FIXTURES

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen as _ingest_beschikkingen
from wijkprofiel.pipeline.keys import KeyFromEnvironment
from wijkprofiel.transform.build import build_marts


def ingest_beschikkingen(*args, **kw):
    """The stage with the key as the pipeline hands it over: read from the environment this module's fixture sets."""
    return _ingest_beschikkingen(*args, sleutel=KeyFromEnvironment(), **kw)


KOPPELTABEL = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
WMO301 = FIXTURES / "istandaarden" / "WMO301.xml"
SLEUTEL = "test-sleutel-beschikkingen-invoer-0123456789"

HEADER = ["BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Postcode", "Huisnummer", "Geboortedatum"]

# exact reasons of sql/ingest/beschikkingen_valideren.sql
BSN_LEEG = "BSN is empty"
BSN_VORM = "BSN is not a number of 8 or 9 digits"
BSN_ELF = "BSN fails the elfproef (11-test)"
WET_ONBEKEND = "unknown wet (known: wmo, jeugdwet, participatiewet, schuldhulp, wlz)"
CODE_WMO = "productcategorie is not in the code list of wmo"
INGANG_ONECHT = "ingangsdatum is not a real date (expected dd-mm-jjjj, jjjj-mm-dd or an Excel date)"
EINDE_VOOR_INGANG = "einddatum lies before ingangsdatum"
POSTCODE_VORM = "postcode is not of the form 1234AB"
# reasons of ingest/readers/private/export.py for a line DuckDB cannot read (never its content)
TE_VEEL = "line {regel} has more fields than the header's 9 (a separator inside an unquoted value?)"
TE_WEINIG = "line {regel} has fewer fields than the header's 9"
GEEN_KOPPELTABEL = (
    "no postcode table (koppeltabel) loaded: rows load without a buurt; "
    "run `wijkprofiel ingest koppeltabel FILE` or pass --koppeltabel"
)


# ------------------------------------------------------------------------------------------------ helpers


def _elfproef(bsn: str) -> bool:
    return (
        len(bsn) == 9
        and bsn.isdigit()
        and (sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1))) - int(bsn[8])) % 11 == 0
    )


def maak_bsn(i: int, *, voorloopnul: bool = False) -> str:
    """The i-th constructed elfproef-valid 9-digit number (deterministic). With voorloopnul it starts with '0'
    (the kind Excel shortens to 8 digits)."""
    n = (1_234_567 if voorloopnul else 20_000_000) + 7_919 * i
    while True:
        eerste8 = f"{n:08d}"
        controle = sum(int(d) * w for d, w in zip(eerste8, range(9, 1, -1))) % 11
        if controle < 10:
            bsn = eerste8 + str(controle)
            assert _elfproef(bsn)
            return bsn
        n += 1


def fout_bsn(i: int) -> str:
    """A 9-digit number that fails the elfproef (a valid one with its check digit changed)."""
    goed = maak_bsn(i)
    fout = goed[:8] + str((int(goed[8]) + 1) % 10)
    assert not _elfproef(fout)
    return fout


def _pc6_tabel() -> dict[str, str]:
    with KOPPELTABEL.open(encoding="utf-8") as fh:
        return {r["PC6"]: "BU" + r["Buurt2023"].zfill(8) for r in csv.DictReader(fh, delimiter=";")}


PC6 = _pc6_tabel()
PC_A, PC_B, PC_C = "3451AA", "3511AA", "3571VX"  # real Utrecht postcodes
assert PC6[PC_A] == "BU03441013" and PC_B in PC6 and PC_C in PC6
PC_ONBEKEND = "1011AB"  # well-formed, but not in Utrecht's table
assert PC_ONBEKEND not in PC6


def rij(bsn: str = "", wet: str = "Wmo", cat: str = "02", product: str = "Begeleiding", ingang: str = "01-01-2024",
        eind: str = "", pc: str = PC_A, hnr: str = "1", geb: str = "15-06-1950") -> list[str]:
    return [bsn, wet, cat, product, ingang, eind, pc, hnr, geb]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, delim: str = ";", encoding: str = "utf-8",
              bom: bool = False, eol: str = "\r\n", titel: list[str] = ()) -> bytes:
    buf = io.StringIO()
    for line in titel:
        buf.write(line + eol)
    writer = csv.writer(buf, delimiter=delim, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def regel(velden: list[str]) -> bytes:
    """One line written naively, the way a home-made export does: no quoting, so a ';' in a value splits it."""
    return (";".join(velden) + "\r\n").encode("utf-8")


def schrijf(tmp_path: Path, naam: str, data: bytes) -> Path:
    pad = tmp_path / naam
    pad.write_bytes(data)
    return pad


def laad(db: Path, pad: Path, **kw):
    """ingest_beschikkingen, then check the bookkeeping: result and meta.loads agree and add up."""
    result = ingest_beschikkingen(db, pad, **kw)
    assert result.rows_in == result.loaded + result.quarantined
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select rows_in, loaded, quarantined from meta.loads where load_id = ?", [result.load_id]).fetchone()
        raw = con.execute("select count(*) from raw.beschikkingen where load_id = ?", [result.load_id]).fetchone()[0]
        q_rijen = con.execute("select count(distinct rij) from meta.quarantine where load_id = ?", [result.load_id]).fetchone()[0]
    assert row == (result.rows_in, result.loaded, result.quarantined)
    assert row[0] == row[1] + row[2]
    assert raw == result.loaded
    assert q_rijen == result.quarantined
    return result


def quarantaine(db: Path, load_id: int) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select rij, kolom, reden, waarde_gemaskeerd from meta.quarantine where load_id = ? order by rij, kolom",
            [load_id],
        ).fetchall()


def geladen(db: Path, load_id: int) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute("select * from raw.beschikkingen where load_id = ? order by bron_rij", [load_id])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def sleutel_van(bsn: str) -> str:
    return pseudoniem.hmac_hex(SLEUTEL.encode("utf-8"), bsn)


def aantal_loads(db: Path) -> int:
    if not db.exists():
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from meta.loads where bron = 'beschikkingen'").fetchone()[0]


@pytest.fixture(autouse=True)
def _sleutel(monkeypatch):
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "wijkprofiel.duckdb"


# ------------------------------------------------------------------------------------------------ encodings, delimiters


def test_puntkomma_utf8_zonder_bom_crlf(tmp_path, db):
    b1, b2 = maak_bsn(1), maak_bsn(2)
    data = csv_bytes([rij(b1), rij(b2, cat="07", product="Dagbesteding", ingang="2024-02-01", pc=PC_B)])
    assert b"\r\n" in data and not data.startswith(b"\xef\xbb\xbf")
    r = laad(db, schrijf(tmp_path, "export.csv", data), koppeltabel=KOPPELTABEL)
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    rows = geladen(db, r.load_id)
    assert [(x["bron_rij"], x["client_key"], x["wet"], x["voorziening_code"], x["ingangsdatum"], x["buurtcode"]) for x in rows] == [
        (1, sleutel_van(b1), "wmo", "02", date(2024, 1, 1), PC6[PC_A]),
        (2, sleutel_van(b2), "wmo", "07", date(2024, 2, 1), PC6[PC_B]),
    ]
    assert quarantaine(db, r.load_id) == []


def test_komma_met_bom_wordt_herkend(tmp_path, db):
    """',' is sniffed; the BOM must not spoil the first header (BSN)."""
    b1 = maak_bsn(3)
    data = csv_bytes([rij(b1, ingang="01-03-2024")], delim=",", bom=True)
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (1, 1, 0)
    [x] = geladen(db, r.load_id)
    assert (x["client_key"], x["ingangsdatum"]) == (sleutel_van(b1), date(2024, 3, 1))


def test_cp1252_accenten_in_producttekst(tmp_path, db):
    tekst = "Begeleiding – individueel é"
    data = csv_bytes([rij(maak_bsn(4), product=tekst), rij(maak_bsn(5), product="Hulp bij het huishouden ë")],
                     encoding="cp1252")
    assert b"\x96" in data and b"\xe9" in data  # real cp1252 bytes, not UTF-8
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    assert [x["voorziening"] for x in geladen(db, r.load_id)] == [tekst, "Hulp bij het huishouden ë"]


def test_utf16_tab_gescheiden_excel_unicode_tekst(tmp_path, db):
    """Excel's "Unicode text": UTF-16 LE with BOM, tab-separated, CRLF."""
    b1 = maak_bsn(6)
    data = csv_bytes([rij(b1, product="Begeleiding – individueel é")], delim="\t", encoding="utf-16")
    assert data.startswith(b"\xff\xfe")
    r = laad(db, schrijf(tmp_path, "export.txt", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (1, 1, 0)
    [x] = geladen(db, r.load_id)
    assert (x["client_key"], x["voorziening"], x["voorziening_code"]) == (sleutel_van(b1), "Begeleiding – individueel é", "02")


def test_scheidingsteken_binnen_aanhalingstekens(tmp_path, db):
    data = csv_bytes([rij(maak_bsn(7), product="Begeleiding; groep; dagdeel"), rij(maak_bsn(8))])
    assert b'"Begeleiding; groep; dagdeel"' in data
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    assert [x["voorziening"] for x in geladen(db, r.load_id)] == ["Begeleiding; groep; dagdeel", "Begeleiding"]


def test_header_onder_titelblok(tmp_path, db):
    """Two title lines above the header; record numbers count from the header (rij 2 is the bad one)."""
    data = csv_bytes(
        [rij(maak_bsn(9)), rij(maak_bsn(10), ingang="31-02-2023"), rij(maak_bsn(11))],
        titel=["Overzicht beschikkingen gemeente Utrecht;;;;;;;;", "Aangemaakt op 01-03-2024 08:15;;;;;;;;"],
    )
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 2, 1)
    assert [x["bron_rij"] for x in geladen(db, r.load_id)] == [1, 3]
    assert quarantaine(db, r.load_id) == [(2, "ingangsdatum", INGANG_ONECHT, "99-99-9999")]


# ------------------------------------------------------------------------------------------------ values


def test_datumvormen_in_csv(tmp_path, db):
    """dd-mm-jjjj, ISO and an Excel serial number ('45292' = 2024-01-01) are all dates."""
    data = csv_bytes([
        rij(maak_bsn(12), ingang="15-01-2024", eind="31-12-2024"),
        rij(maak_bsn(13), ingang="2024-01-15", eind="2024-12-31"),
        rij(maak_bsn(14), ingang="45292", eind="45657", geb="18264"),  # 18264 = 1950-01-01
    ])
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 3, 0)
    assert [(x["ingangsdatum"], x["einddatum"], x["leeftijdsklasse"]) for x in geladen(db, r.load_id)] == [
        (date(2024, 1, 15), date(2024, 12, 31), "65-74"),
        (date(2024, 1, 15), date(2024, 12, 31), "65-74"),
        (date(2024, 1, 1), date(2024, 12, 31), "65-74"),
    ]


def test_categorie_zonder_voorloopnul_en_bsn_van_8_cijfers_in_csv(tmp_path, db):
    """Excel strips '02' to '2' and a BSN's leading zero; both are restored."""
    kort = maak_bsn(15, voorloopnul=True)
    assert kort.startswith("0")
    data = csv_bytes([rij(kort[1:], cat="2"), rij(maak_bsn(16), cat="7")])
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    rows = geladen(db, r.load_id)
    assert [x["voorziening_code"] for x in rows] == ["02", "07"]
    assert rows[0]["client_key"] == sleutel_van(kort)  # the 9-digit BSN, zero restored


def _xlsx(pad: Path, bladen: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for naam, rows in bladen.items():
        ws = wb.create_sheet(naam)
        for r in rows:
            ws.append(r)
        for cells in ws.iter_rows():
            for c in cells:
                if isinstance(c.value, datetime):
                    c.number_format = "dd-mm-yyyy"
    wb.save(pad)
    return pad


def test_xlsx_datumcellen_serienummers_en_getallen(tmp_path, db):
    """Real Excel date cells, serial numbers in number cells, text dates, a category as the number 2 and a BSN
    as an 8-digit number."""
    kort = maak_bsn(17, voorloopnul=True)
    b2, b3 = maak_bsn(18), maak_bsn(19)
    pad = _xlsx(tmp_path / "export.xlsx", {"Beschikkingen": [
        HEADER,
        [int(kort), "Wmo", 2, "Begeleiding", datetime(2024, 1, 1), datetime(2024, 6, 30), PC_A, 1, datetime(1950, 6, 15)],
        [int(b2), "Jeugdwet", 45, "Jeugdhulp ambulant", 45292, None, PC_B, 12, "15-06-2015"],
        [b3, "Wmo", "07", "Dagbesteding", "2024-02-01", "31-12-2024", PC_C, "3a", "1950-06-15"],
    ]})
    r = laad(db, pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 3, 0)
    assert "blad Beschikkingen" in r.toelichting
    assert [(x["client_key"], x["wet"], x["voorziening_code"], x["ingangsdatum"], x["einddatum"], x["leeftijdsklasse"])
            for x in geladen(db, r.load_id)] == [
        (sleutel_van(kort), "wmo", "02", date(2024, 1, 1), date(2024, 6, 30), "65-74"),
        (sleutel_van(b2), "jeugdwet", "45", date(2024, 1, 1), None, "4-11"),
        (sleutel_van(b3), "wmo", "07", date(2024, 2, 1), date(2024, 12, 31), "65-74"),
    ]


@pytest.mark.parametrize(
    "fout, verwacht",
    [
        pytest.param(dict(bsn=fout_bsn(20)), ("bsn", BSN_ELF, "999999999"), id="bsn-elfproef"),
        pytest.param(dict(bsn=""), ("bsn", BSN_LEEG, None), id="bsn-leeg"),
        pytest.param(dict(bsn="12345678A"), ("bsn", BSN_VORM, "99999999X"), id="bsn-letters"),
        # a date is shown only as its shape: a line with a missing field could put a birth date there
        pytest.param(dict(ingang="31-02-2023"), ("ingangsdatum", INGANG_ONECHT, "99-99-9999"), id="datum-31-februari"),
        pytest.param(dict(ingang="01-01-2024", eind="31-12-2023"), ("einddatum", EINDE_VOOR_INGANG, "99-99-9999"),
                     id="einde-voor-ingang"),
        pytest.param(dict(wet="Zorgverzekeringswet"), ("wet", WET_ONBEKEND, "Zorgverzekeringswet"), id="wet-onbekend"),
        pytest.param(dict(wet="Wmo", cat="45"), ("voorziening_code", CODE_WMO, "45"), id="wmo-categorie-45"),
        pytest.param(dict(pc="345AA"), ("postcode", POSTCODE_VORM, "999XX"), id="postcode-misvormd"),
    ],
)
def test_foute_rij_gaat_in_quarantaine(tmp_path, db, fout, verwacht):
    """One faulty row between two good ones: exactly that row is quarantined, with kolom, reason and a mask."""
    velden = {"bsn": maak_bsn(21), **fout}
    data = csv_bytes([rij(maak_bsn(22)), rij(**velden), rij(maak_bsn(23))])
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 2, 1)
    assert quarantaine(db, r.load_id) == [(2, *verwacht)]
    assert [x["bron_rij"] for x in geladen(db, r.load_id)] == [1, 3]


def test_jeugdwet_45_en_lokale_participatiewetcode_zijn_geldig(tmp_path, db):
    """'45' is a Jeugdwet category; 'BL' is a local Participatiewet code from the auto profile; a gemeente
    profile (extends: auto) adds its own code, which the auto profile does not know."""
    profiel = tmp_path / "utrecht.yaml"
    profiel.write_text("extends: auto\nnaam: utrecht\nlokale_codes:\n  participatiewet:\n    UT1: Utrechtse werkplaats\n",
                       encoding="utf-8")
    rows = [rij(maak_bsn(24), wet="Jeugdwet", cat="45", geb="01-05-2012"),
            rij(maak_bsn(25), wet="Participatiewet", cat="BL", product="Bijstand levensonderhoud"),
            rij(maak_bsn(26), wet="Participatiewet", cat="UT1", product="Werkplaats")]
    pad = schrijf(tmp_path, "export.csv", csv_bytes(rows))
    r = laad(db, pad, profiel=profiel)
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 3, 0)
    assert [(x["wet"], x["voorziening_code"]) for x in geladen(db, r.load_id)] == [
        ("jeugdwet", "45"), ("participatiewet", "BL"), ("participatiewet", "UT1")]
    # the auto profile alone does not know UT1
    pad2 = schrijf(tmp_path, "export-auto.csv", csv_bytes(rows))
    r2 = laad(tmp_path / "ander.duckdb", pad2)
    assert (r2.rows_in, r2.loaded, r2.quarantined) == (3, 2, 1)
    assert quarantaine(tmp_path / "ander.duckdb", r2.load_id) == [
        (3, "voorziening_code", "productcategorie is not in the code list of participatiewet", "UT1")]


def test_regel_met_een_veld_te_veel(tmp_path, db):
    """An unquoted ';' in the product text: the line has one field too many and is quarantined with its number."""
    data = csv_bytes([rij(maak_bsn(27)), rij(maak_bsn(28))]) + regel(rij(maak_bsn(29), product="Begeleiding; groep")) \
        + regel(rij(maak_bsn(30)))
    lines = data.split(b"\r\n")
    assert lines[3].count(b";") == 9 and lines[4].count(b";") == 8
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (4, 3, 1)
    assert quarantaine(db, r.load_id) == [(3, None, TE_VEEL.format(regel=4), None)]
    assert [x["bron_rij"] for x in geladen(db, r.load_id)] == [1, 2, 4]


def test_regel_met_twee_velden_te_veel(tmp_path, db):
    """DuckDB reports each surplus field; the line is still one record, quarantined once."""
    data = csv_bytes([rij(maak_bsn(31))]) + regel(rij(maak_bsn(32), product="Begeleiding; groep; dagdeel")) \
        + regel(rij(maak_bsn(33), ingang="31-02-2023"))
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 1, 2)
    assert quarantaine(db, r.load_id) == [
        (2, None, TE_VEEL.format(regel=3), None),
        (3, "ingangsdatum", INGANG_ONECHT, "99-99-9999"),
    ]


# ------------------------------------------------------------------------------------------------ files refused whole


def _fout(db: Path, pad: Path, **kw) -> str:
    with pytest.raises(WijkprofielError) as info:
        ingest_beschikkingen(db, pad, **kw)
    bericht = str(info.value)
    assert "\n" not in bericht
    assert aantal_loads(db) == 0
    return bericht


def test_leeg_bestand(tmp_path, db):
    assert _fout(db, schrijf(tmp_path, "leeg.csv", b"")) == "leeg.csv: empty file"
    assert _fout(db, schrijf(tmp_path, "wit.csv", b"\r\n\r\n  \r\n")) == "wit.csv: empty file"


def test_alleen_header(tmp_path, db):
    pad = schrijf(tmp_path, "kop.csv", csv_bytes([]))
    assert _fout(db, pad) == "kop.csv: a header but no data rows; nothing loaded"


def test_header_zonder_herkenbare_kolommen(tmp_path, db):
    data = csv_bytes([["a", "b", "c"]], header=["Naam", "Adres", "Woonplaats"])
    bericht = _fout(db, schrijf(tmp_path, "adressen.csv", data))
    assert bericht.startswith("adressen.csv: no recognisable header in the first 50 lines (looked for columns such as ")
    assert bericht.endswith("); use a profile that knows this export's headers")


def test_verplichte_kolom_ontbreekt(tmp_path, db):
    header = [h for h in HEADER if h != "Ingangsdatum"]
    rows = [[v for h, v in zip(HEADER, rij(maak_bsn(34))) if h != "Ingangsdatum"]]
    bericht = _fout(db, schrijf(tmp_path, "export.csv", csv_bytes(rows, header=header)))
    assert bericht.startswith("export.csv: required column(s) ingangsdatum not found (headers seen: ")
    assert bericht.endswith("; use a profile that maps them")


def test_xlsx_eerste_blad_zonder_header_tweede_wel(tmp_path, db):
    b1 = maak_bsn(35)
    pad = _xlsx(tmp_path / "export.xlsx", {
        "Toelichting": [["Export uit het zaaksysteem"], ["Zie tabblad Data"]],
        "Data": [HEADER, [b1, "Wmo", 2, "Begeleiding", datetime(2024, 1, 1), None, PC_A, 1, datetime(1950, 6, 15)]],
    })
    r = laad(db, pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (1, 1, 0)
    assert r.toelichting == "soort xlsx; periode volledig; blad Data"
    [x] = geladen(db, r.load_id)
    assert (x["client_key"], x["voorziening_code"]) == (sleutel_van(b1), "02")


def test_xlsx_zonder_herkenbaar_blad(tmp_path, db):
    pad = _xlsx(tmp_path / "export.xlsx", {"Blad1": [["Naam", "Adres"], ["x", "y"]], "Blad2": [["iets"]]})
    assert _fout(db, pad) == (
        "export.xlsx: no sheet has a recognisable header (sheets: Blad1, Blad2); use a profile that knows its headers")


@pytest.mark.parametrize("inhoud", [
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, id="oud-xls"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", id="pdf"),
    pytest.param(b"BSN;Wet\r\n\x00\x01\x02\x03", id="nul-bytes"),
])
def test_binair_bestand_als_csv(tmp_path, db, inhoud):
    assert _fout(db, schrijf(tmp_path, "export.csv", inhoud)) == (
        "export.csv: a binary file, not a CSV, XLSX or 301 XML export")


def test_xml_dat_geen_301_is(tmp_path, db):
    data = b'<?xml version="1.0" encoding="UTF-8"?>\r\n<beschikkingen><beschikking bsn="x"/></beschikkingen>\r\n'
    assert _fout(db, schrijf(tmp_path, "export.xml", data)) == (
        "export.xml: an XML file, but not an iWmo/iJw 301 toewijzing message")


def test_echt_wmo301_bericht(tmp_path, db):
    r = laad(db, WMO301, koppeltabel=KOPPELTABEL)
    assert (r.rows_in, r.loaded, r.quarantined) == (1, 1, 0)
    [x] = geladen(db, r.load_id)
    assert (x["wet"], x["voorziening_code"], x["voorziening"], x["beschikking_id"]) == ("wmo", "01", "01A01", sleutel_van("101"))
    assert (x["ingangsdatum"], x["einddatum"], x["leveringsvorm"], x["geslacht"]) == (
        date(2023, 1, 1), date(2023, 12, 31), "zin", "man")
    assert x["bron"] == "istandaarden-301" and x["periode"].startswith("bericht-")
    assert (x["plaatsing"], x["buurtcode"]) == ("geen", None)  # the fixture's 9999XX is not in Utrecht
    assert r.niet_geplaatst == 1


def test_ongeldig_301_wordt_geheel_geweigerd(tmp_path, db):
    tekst = WMO301.read_text(encoding="utf-8")
    kapot, n = re.subn(r"<wmo301:Bsn>\d+</wmo301:Bsn>", "<wmo301:Bsn>12AB34</wmo301:Bsn>", tekst)
    assert n == 1
    bericht = _fout(db, schrijf(tmp_path, "WMO301-kapot.xml", kapot.encode("utf-8")))
    assert bericht.startswith("WMO301-kapot.xml: not a valid WMO301 message (line ")
    assert "12AB34" not in bericht  # the schema's quoted value is masked


# ------------------------------------------------------------------------------------------------ key


def test_zonder_sleutel_wordt_niets_geschreven(tmp_path, db, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY")
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(36))]))
    with pytest.raises(WijkprofielError) as info:
        ingest_beschikkingen(db, pad, koppeltabel=KOPPELTABEL)
    assert "WIJKPROFIEL_PSEUDO_KEY" in str(info.value) and "\n" not in str(info.value)
    assert not db.exists()


@pytest.mark.parametrize(
    "zwak",
    ["kort-15-tekens!", " " * 16, "a" * 16, "0123456789abcdef" * 2, "privacy-test-sleutel-AAAAAAAAAAAAAAAAAAAA"],
    ids=["15-characters", "16-spaces", "one-character", "repeated-pattern", "mostly-one-character"],
)
def test_weak_key_is_refused_before_anything_is_written(tmp_path, db, monkeypatch, zwak):
    # With a guessable key the ~10^8 valid BSNs can be tried one by one against the stored client_keys.
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", zwak)
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(37))]))
    with pytest.raises(WijkprofielError, match="^the pseudonymisation key is too weak .*`wijkprofiel key new`$") as info:
        ingest_beschikkingen(db, pad)
    assert "\n" not in str(info.value)
    assert not db.exists()


def _met_sleutel(monkeypatch, sleutel: str) -> None:
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", sleutel)


ANDERE_SLEUTEL = "andere-sleutel-9f86d081884c7d659a2feaa0c55ad015"


def _dertig(tmp_path: Path, naam: str, ingang: str) -> Path:
    """An export of the same 30 people (a later one differs only in its dates)."""
    return schrijf(tmp_path, naam, csv_bytes([rij(maak_bsn(300 + i), ingang=ingang) for i in range(30)]))


def _clients(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(distinct client_key) from raw.beschikkingen").fetchone()[0]


def test_the_same_people_under_another_key_are_refused_not_counted_twice(tmp_path, db, monkeypatch):
    laad(db, _dertig(tmp_path, "export-januari.csv", "01-01-2024"), koppeltabel=KOPPELTABEL)
    assert _clients(db) == 30
    voor = _tellingen(db)
    _met_sleutel(monkeypatch, ANDERE_SLEUTEL)
    with pytest.raises(WijkprofielError) as info:
        ingest_beschikkingen(db, _dertig(tmp_path, "export-februari.csv", "01-02-2024"), koppeltabel=KOPPELTABEL)
    bericht = str(info.value)
    assert "another key" in bericht and f"`wijkprofiel rekey --db {db}`" in bericht and "\n" not in bericht
    assert SLEUTEL not in bericht and ANDERE_SLEUTEL not in bericht
    assert _tellingen(db) == voor and _clients(db) == 30  # nothing written, not even the koppeltabel
    _met_sleutel(monkeypatch, SLEUTEL)
    laad(db, _dertig(tmp_path, "export-februari.csv", "01-02-2024"))
    assert _clients(db) == 30


def test_each_load_records_a_fingerprint_of_its_key_never_the_key(tmp_path, db):
    r = laad(db, _dertig(tmp_path, "export.csv", "01-01-2024"), koppeltabel=KOPPELTABEL)
    with duckdb.connect(str(db), read_only=True) as con:
        vingerafdrukken = dict(con.execute("select bron, sleutel_vingerafdruk from meta.loads").fetchall())
    verwacht = pseudoniem.hmac_hex(SLEUTEL.encode("utf-8"), "wijkprofiel-key-fingerprint")[:16]
    assert vingerafdrukken == {"koppeltabel": None, "beschikkingen": verwacht}
    assert r.load_id is not None and SLEUTEL not in verwacht
    assert verwacht != hashlib.sha256(SLEUTEL.encode("utf-8")).hexdigest()[:16]


def test_a_database_from_before_fingerprints_opens_and_adopts_the_key_of_its_next_load(tmp_path, db, monkeypatch):
    # A file written before meta.loads had the column: its person-level loads say nothing of their key.
    laad(db, _dertig(tmp_path, "export-januari.csv", "01-01-2024"), koppeltabel=KOPPELTABEL)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table meta.loads drop column sleutel_vingerafdruk")
        con.execute("checkpoint")
    # Adding the column back must survive a crash right after it (DuckDB 1.4 cannot replay that ALTER).
    subprocess.run(
        [sys.executable, "-c", "import os, duckdb; from wijkprofiel.db import init_database; "
         f"con = duckdb.connect({str(db)!r}); init_database(con); os._exit(0)"],  # open to the end: no checkpoint on close
        check=True, timeout=120,
    )
    _met_sleutel(monkeypatch, ANDERE_SLEUTEL)
    laad(db, _dertig(tmp_path, "export-februari.csv", "01-02-2024"))
    _met_sleutel(monkeypatch, SLEUTEL)
    with pytest.raises(WijkprofielError, match="another key"):
        ingest_beschikkingen(db, _dertig(tmp_path, "export-maart.csv", "01-03-2024"))


# ------------------------------------------------------------------------------------------------ re-loading


def _tellingen(db: Path) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select (select count(*) from meta.loads), (select count(*) from raw.beschikkingen), "
            "(select count(*) from meta.quarantine)"
        ).fetchone()


def test_zelfde_bestand_twee_keer_zonder_koppeltabel(tmp_path, db):
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(38)), rij(maak_bsn(39), ingang="31-02-2023")]))
    eerste = laad(db, pad)
    voor = _tellingen(db)
    tweede = ingest_beschikkingen(db, pad)
    assert tweede.duplicate and not eerste.duplicate
    assert (tweede.load_id, tweede.rows_in, tweede.loaded, tweede.quarantined) == (eerste.load_id, 2, 1, 1)
    assert _tellingen(db) == voor


def test_zelfde_bestand_twee_keer_met_koppeltabel(tmp_path, db):
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(40)), rij(maak_bsn(41), ingang="31-02-2023")]))
    eerste = laad(db, pad, koppeltabel=KOPPELTABEL)
    voor = _tellingen(db)
    tweede = ingest_beschikkingen(db, pad)
    assert tweede.duplicate and not eerste.duplicate
    assert tweede.load_id == eerste.load_id
    assert _tellingen(db) == voor


def test_nieuwere_export_vervangt_oudere_in_staging(tmp_path, db):
    oud = schrijf(tmp_path, "suite4-export-2024-03-01.csv",
                  csv_bytes([rij(maak_bsn(42)), rij(maak_bsn(43)), rij(maak_bsn(44))]))
    nieuw = schrijf(tmp_path, "suite4-export-2024-04-01.csv",
                    csv_bytes([rij(maak_bsn(42), eind="31-03-2024"), rij(maak_bsn(45), ingang="01-04-2024")]))
    r1 = laad(db, oud, koppeltabel=KOPPELTABEL)
    r2 = laad(db, nieuw)
    build_marts(db)
    with duckdb.connect(str(db), read_only=True) as con:
        loads = con.execute("select load_id, tabel_id, rows_in, loaded, quarantined, toelichting from meta.loads "
                            "where bron = 'beschikkingen' order by load_id").fetchall()
        staging = con.execute("select load_id, bron, periode, client_key from staging.beschikkingen order by bron_rij").fetchall()
        raw = con.execute("select load_id, count(*) from raw.beschikkingen group by 1 order by 1").fetchall()
    assert loads == [
        (r1.load_id, "suite4-export", 3, 3, 0, "soort csv; periode volledig"),
        (r2.load_id, "suite4-export", 2, 2, 0, "soort csv; periode volledig"),
    ]
    assert raw == [(r1.load_id, 3), (r2.load_id, 2)]
    assert staging == [(r2.load_id, "suite4-export", "volledig", sleutel_van(maak_bsn(42))),
                       (r2.load_id, "suite4-export", "volledig", sleutel_van(maak_bsn(45)))]


def test_reden_wijziging_13_in_raw_maar_niet_in_staging(tmp_path, db):
    header = [*HEADER, "Beschikkingnummer", "Reden wijziging"]
    data = csv_bytes([[*rij(maak_bsn(46)), "B-1", ""], [*rij(maak_bsn(47)), "B-2", "13"], [*rij(maak_bsn(48)), "B-3", "01"]],
                     header=header)
    r = laad(db, schrijf(tmp_path, "export.csv", data), koppeltabel=KOPPELTABEL)
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 3, 0)
    assert [(x["beschikking_id"], x["reden_wijziging"]) for x in geladen(db, r.load_id)] == [
        (sleutel_van("B-1"), None), (sleutel_van("B-2"), "13"), (sleutel_van("B-3"), "01")]
    build_marts(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert sorted(con.execute("select beschikking_id from staging.beschikkingen").fetchall()) == sorted(
            [(sleutel_van("B-1"),), (sleutel_van("B-3"),)])


# ------------------------------------------------------------------------------------------------ placement


def test_plaatsing_met_koppeltabel(tmp_path, db):
    data = csv_bytes([
        rij(maak_bsn(49), pc=PC_A),
        rij(maak_bsn(50), pc="3511 aa"),      # space and lower case: same postcode
        rij(maak_bsn(51), pc=PC_ONBEKEND),    # well-formed, not in the table
        rij(maak_bsn(52), pc=""),             # no postcode at all
        rij(maak_bsn(53), pc="35"),           # malformed: quarantined, not counted as unplaced
    ])
    r = laad(db, schrijf(tmp_path, "export.csv", data), koppeltabel=KOPPELTABEL)
    assert (r.rows_in, r.loaded, r.quarantined) == (5, 4, 1)
    assert (r.geplaatst, r.niet_geplaatst) == (2, 2)
    assert r.waarschuwingen == (
        "2 rows could not be placed in a buurt from their address or code; they count in the gemeente total only",
    )
    assert [(x["bron_rij"], x["plaatsing"], x["buurtcode"], x["gemeentecode"]) for x in geladen(db, r.load_id)] == [
        (1, "pc6", PC6[PC_A], "GM0344"),
        (2, "pc6", PC6[PC_B], "GM0344"),
        (3, "geen", None, "GM0344"),
        (4, "geen", None, "GM0344"),
    ]
    assert quarantaine(db, r.load_id) == [(5, "postcode", POSTCODE_VORM, "99")]


def test_zonder_koppeltabel_laden_met_waarschuwing(tmp_path, db):
    data = csv_bytes([rij(maak_bsn(54), pc=PC_A), rij(maak_bsn(55), pc=PC_B)])
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    assert (r.geplaatst, r.niet_geplaatst) == (0, 2)
    assert r.waarschuwingen == (GEEN_KOPPELTABEL,)
    assert [(x["plaatsing"], x["buurtcode"], x["wijkcode"]) for x in geladen(db, r.load_id)] == [
        ("geen", None, None), ("geen", None, None)]


# ------------------------------------------------------------------------------------------------ CLI


def _cli(*args: object, cwd: Path, sleutel: str = SLEUTEL) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "WIJKPROFIEL_PSEUDO_KEY": sleutel}
    env.pop("WIJKPROFIEL_PSEUDO_KEY_BLOCK", None)
    return subprocess.run(
        [sys.executable, "-c", "from wijkprofiel.cli import main; main()", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


def _fouten(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_cli_rekey_drops_the_person_level_data_so_the_exports_load_again_under_a_new_key(tmp_path, db):
    januari, februari = _dertig(tmp_path, "januari.csv", "01-01-2024"), _dertig(tmp_path, "februari.csv", "01-02-2024")
    assert _cli("ingest", "beschikkingen", januari, "--db", db, "--koppeltabel", KOPPELTABEL, cwd=tmp_path).returncode == 0

    geweigerd = _cli("ingest", "beschikkingen", januari, februari, "--db", db, cwd=tmp_path, sleutel=ANDERE_SLEUTEL)
    assert geweigerd.returncode == 1 and "Traceback" not in geweigerd.stderr
    fouten = _fouten(geweigerd.stderr)
    assert len(fouten) == 1 and f"`wijkprofiel rekey --db {db}`" in fouten[0], geweigerd.stderr  # once, not per file

    rekey = _cli("rekey", "--db", db, "--yes", cwd=tmp_path, sleutel=ANDERE_SLEUTEL)
    assert rekey.returncode == 0, rekey.stderr
    assert "dropped 1 loads of beschikkingen, 0 loads of casuistiek" in rekey.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select bron from meta.loads").fetchall() == [("koppeltabel",)]
        assert con.execute("select count(*) from raw.beschikkingen").fetchone()[0] == 0

    opnieuw = _cli("ingest", "beschikkingen", januari, februari, "--db", db, cwd=tmp_path, sleutel=ANDERE_SLEUTEL)
    assert opnieuw.returncode == 0, opnieuw.stderr
    assert _clients(db) == 30


def test_cli_rekey_asks_first(tmp_path, db):
    assert _cli("ingest", "beschikkingen", _dertig(tmp_path, "januari.csv", "01-01-2024"), "--db", db,
                cwd=tmp_path).returncode == 0
    gestopt = _cli("rekey", "--db", db, cwd=tmp_path)  # no answer on stdin: nothing dropped
    assert gestopt.returncode != 0 and "Drop every load of beschikkingen, casuistiek" in gestopt.stderr
    assert aantal_loads(db) == 1


def test_cli_twee_bestanden_json_met_quarantaine_geeft_0(tmp_path, db):
    a = schrijf(tmp_path, "a.csv", csv_bytes([rij(maak_bsn(56)), rij(maak_bsn(57), wet="Wmo", cat="45")]))
    b = schrijf(tmp_path, "b.csv", csv_bytes([rij(maak_bsn(58)), rij(maak_bsn(59)), rij(maak_bsn(60))], delim=","))
    p = _cli("ingest", "beschikkingen", a, b, "--db", db, "--koppeltabel", KOPPELTABEL, "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and _fouten(p.stderr) == []
    uit = json.loads(p.stdout)
    assert [{k: f[k] for k in ("file", "rows_in", "loaded", "quarantined", "duplicate", "bron")} for f in uit["files"]] == [
        {"file": str(a), "rows_in": 2, "loaded": 1, "quarantined": 1, "duplicate": False, "bron": "beschikkingen"},
        {"file": str(b), "rows_in": 3, "loaded": 3, "quarantined": 0, "duplicate": False, "bron": "beschikkingen"},
    ]
    assert all(isinstance(f["load_id"], int) for f in uit["files"])


def test_cli_onleesbaar_bestand_geeft_1_en_laadt_het_andere(tmp_path, db):
    goed = schrijf(tmp_path, "goed.csv", csv_bytes([rij(maak_bsn(61)), rij(maak_bsn(62), ingang="31-02-2023")]))
    kapot = schrijf(tmp_path, "kapot.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    p = _cli("ingest", "beschikkingen", kapot, goed, "--db", db, "--json", cwd=tmp_path)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert _fouten(p.stderr) == ["error: kapot.csv: a binary file, not a CSV, XLSX or 301 XML export"]
    uit = json.loads(p.stdout)
    assert uit["files"][0]["file"] == str(goed)
    assert (uit["files"][0]["rows_in"], uit["files"][0]["loaded"], uit["files"][0]["quarantined"]) == (2, 1, 1)
    assert uit["files"][1] == {"file": str(kapot), "error": "kapot.csv: a binary file, not a CSV, XLSX or 301 XML export"}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select bestand, rows_in, loaded, quarantined from meta.loads where bron = 'beschikkingen'").fetchall() == [
            (str(goed), 2, 1, 1)]


def test_lege_excelregels_tellen_niet_mee(tmp_path, db):
    """Excel saves empty rows below the data as ';;;;;;;;' lines; they are not records."""
    leeg = ";" * (len(HEADER) - 1)
    data = csv_bytes([rij(maak_bsn(63)), rij(maak_bsn(64))]) + f"{leeg}\r\n{leeg}\r\n".encode()
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 2, 0)
    assert quarantaine(db, r.load_id) == []


def test_open_aanhalingsteken_laat_geen_rijen_verdwijnen(tmp_path, db):
    """A value that opens a quote and never closes it: DuckDB swallows the rest of the file into that value,
    so the number of records after it is unknown. No record may silently disappear: the file is refused."""
    data = csv_bytes([rij(maak_bsn(65))]) + regel(rij(maak_bsn(66), product='"Beschermd wonen')) \
        + regel(rij(maak_bsn(67))) + regel(rij(maak_bsn(68)))
    assert _fout(db, schrijf(tmp_path, "export.csv", data)) == (
        'export.csv: line 3 has a quote (") that is not closed, so the lines after it cannot be read reliably; '
        "nothing was loaded. Fix that line and load the file again")


def test_cp1252_met_eerste_accent_na_256_kib(tmp_path, db):
    rows = [rij(maak_bsn(100 + i)) for i in range(4600)]
    rows.append(rij(maak_bsn(99), product="Begeleiding – individueel é"))
    data = csv_bytes(rows, encoding="cp1252")
    assert len(data) > 256 * 1024 and data.index(b"\x96") > 256 * 1024
    r = laad(db, schrijf(tmp_path, "groot.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (4601, 4601, 0)
    assert geladen(db, r.load_id)[-1]["voorziening"] == "Begeleiding – individueel é"


def test_regel_met_een_veld_te_weinig(tmp_path, db):
    """A line with a missing field is not padded (its values would sit in the wrong columns, a BSN where the wet
    should be): it is quarantined with its number and no value."""
    kort = rij(maak_bsn(69))
    del kort[1]  # the wet is missing
    data = csv_bytes([rij(maak_bsn(70))]) + regel(kort) + regel(rij(maak_bsn(71)))
    r = laad(db, schrijf(tmp_path, "export.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 2, 1)
    assert quarantaine(db, r.load_id) == [(2, None, TE_WEINIG.format(regel=3), None)]
    assert [x["bron_rij"] for x in geladen(db, r.load_id)] == [1, 3]


def test_a_profile_that_describes_a_national_code_itself_neither_doubles_nor_loses_records(tmp_path, db):
    """A gemeente's own description of a national code replaces the national one: two rows for (wmo, 02) would
    give every 02 record twice, and then a faulty record could go missing without a trace."""
    profiel = tmp_path / "eigen.yaml"
    profiel.write_text('extends: auto\nnaam: eigen\nlokale_codes:\n  wmo:\n    "02": Begeleiding (lokaal)\n', encoding="utf-8")
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(90), product=""), rij(maak_bsn(91), wet="")]))
    r = laad(db, pad, profiel=profiel)
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 1, 1)
    assert [(x["bron_rij"], x["voorziening"]) for x in geladen(db, r.load_id)] == [(1, "Begeleiding (lokaal)")]
    assert quarantaine(db, r.load_id) == [(2, "wet", "wet is empty", None)]


def test_a_profile_spelling_that_stands_for_two_values_is_refused_in_one_line(tmp_path, db):
    profiel = tmp_path / "dubbel.yaml"
    profiel.write_text("extends: auto\nnaam: dubbel\nwaarden:\n  wet:\n    jeugdwet: [Wmo 2015]\n", encoding="utf-8")
    pad = schrijf(tmp_path, "export.csv", csv_bytes([rij(maak_bsn(92))]))
    with pytest.raises(WijkprofielError, match=r"profile dubbel: the spelling 'Wmo 2015' of wet stands for both '\w+' and '\w+'"):
        ingest_beschikkingen(db, pad, profiel=profiel)


def test_a_file_too_large_for_memory_stops_clearly_and_nothing_is_spilled_to_disk(tmp_path, db, monkeypatch):
    """DuckDB would spill to a temporary folder when memory runs short; that folder would hold BSNs."""
    from wijkprofiel.ingest import private as laden
    from wijkprofiel.ingest.readers.private import export

    def krappe_verbinding():
        con = export.prive_verbinding()
        assert con.execute("select current_setting('temp_directory')").fetchone() == ("",)
        con.execute("set memory_limit = '8MB'")
        return con

    monkeypatch.setattr(laden, "prive_verbinding", krappe_verbinding)
    monkeypatch.chdir(tmp_path)  # DuckDB's default spill folder is .tmp in the working folder
    rows = [rij(maak_bsn(i % 5_000), geb=f"{1 + i % 28:02d}-{1 + i % 12:02d}-{1940 + i % 60}") for i in range(60_000)]
    pad = schrijf(tmp_path, "groot.csv", csv_bytes(rows))
    with pytest.raises(WijkprofielError, match="too large to check in this machine's memory"):
        ingest_beschikkingen(db, pad)
    assert not (tmp_path / ".tmp").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("groot.csv", db.name, db.name + ".wal")] == []

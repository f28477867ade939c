"""The SYNTHETIC beschikking exports: deterministic bytes, the three promised file shapes, BSNs and faults exactly as
the manifest says, and per-buurt volumes that follow the real CBS figures. The files are parsed here with csv and
openpyxl only, independent of the project's own beschikking loader.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import DATA, KWB_2023, KWB_2023_LATER

from wijkprofiel.demo import synth
from wijkprofiel.demo.synth import (
    BESTAND_IDOS,
    BESTAND_MANIFEST,
    BESTAND_SUITE4,
    BESTAND_ZORGNED,
    FOUTSOORTEN,
    elfproef,
    synth_beschikkingen,
)
from wijkprofiel.errors import WijkprofielError

PC6 = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
PROFIEL_AUTO = Path(synth.__file__).parents[1] / "reference" / "data" / "profielen" / "auto.yaml"
CODELIJST = Path(synth.__file__).parents[1] / "reference" / "data" / "istandaarden" / "codelists_iwmo_ijw_3_2.csv"
EXPORTDATUM = date(2024, 12, 31)
ROWS = 3000
PC_GOED = re.compile(r"\d{4} ?[A-Za-z]{2}")
ONGELDIG = "ONGELDIG"


# --------------------------------------------------------------------------------------------------------------
# Parsing the files as a loader would see them
# --------------------------------------------------------------------------------------------------------------


def _csv_datum(text: str, fmt: str):
    if text == "":
        return None
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return ONGELDIG


def _xlsx_datum(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int):
        return date(1899, 12, 30) + timedelta(days=value)
    return _csv_datum(str(value), "%d-%m-%Y")


def _rij(bestand: str, nr: int, cellen: list, datum) -> dict:
    keys = ["bsn", "wet", "cat", "prod", "begin", "eind", "pc", "hnr", "geb", "lv", "nr", "reden"]
    rij = dict(zip(keys, cellen))
    rij.setdefault("reden", "")
    for k in ("begin", "eind", "geb"):
        rij[k + "_ruw"] = rij[k]
        rij[k] = datum(rij[k])
    rij["bsn"] = "" if rij["bsn"] is None else str(rij["bsn"])
    rij["cat_ruw"] = rij["cat"]
    rij["cat"] = str(rij["cat"])
    rij["pc"] = str(rij["pc"])
    rij["bestand"], rij["rij"] = bestand, nr
    return rij


def lees_suite4(pad: Path) -> list[dict]:
    tekst = pad.read_bytes().decode("utf-8-sig")
    regels = list(csv.reader(io.StringIO(tekst, newline=""), delimiter=";"))
    assert regels[2] == synth.KOPPEN[BESTAND_SUITE4]
    assert all(len(r) == 12 for r in regels[3:])
    return [_rij(BESTAND_SUITE4, i, r, lambda t: _csv_datum(t, "%d-%m-%Y")) for i, r in enumerate(regels[3:], 1)]


def lees_idos(pad: Path) -> list[dict]:
    tekst = pad.read_bytes().decode("cp1252")
    regels = list(csv.reader(io.StringIO(tekst, newline=""), delimiter=","))
    assert regels[0] == synth.KOPPEN[BESTAND_IDOS]
    assert all(len(r) == 11 for r in regels[1:])  # quoting kept every comma inside its field
    return [_rij(BESTAND_IDOS, i, r, lambda t: _csv_datum(t, "%Y-%m-%d")) for i, r in enumerate(regels[1:], 1)]


def lees_zorgned_cellen(pad: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(pad)
    try:
        assert wb.sheetnames == ["Beschikkingen"]
        return list(wb["Beschikkingen"].iter_rows(values_only=True))
    finally:
        wb.close()


def lees_zorgned(pad: Path) -> list[dict]:
    cellen = lees_zorgned_cellen(pad)
    assert list(cellen[2]) == synth.KOPPEN[BESTAND_ZORGNED]
    return [_rij(BESTAND_ZORGNED, i, list(r), _xlsx_datum) for i, r in enumerate(cellen[3:], 1)]


def lees_alles(out: Path) -> list[dict]:
    return lees_suite4(out / BESTAND_SUITE4) + lees_idos(out / BESTAND_IDOS) + lees_zorgned(out / BESTAND_ZORGNED)


def wet_canoniek(rij: dict) -> str | None:
    for w, spelling in synth.WET_SPELLING[rij["bestand"]].items():
        if rij["wet"] == spelling:
            return synth.WETTEN[w]
    return None


def pc6_tabel() -> dict[str, str]:
    with PC6.open(encoding="utf-8") as f:
        return {r["PC6"]: "BU" + r["Buurt2023"].zfill(8) for r in csv.DictReader(f, delimiter=";")}


def manifest(out: Path) -> dict:
    return json.loads((out / BESTAND_MANIFEST).read_text(encoding="utf-8"))


def fouten_per_rij(m: dict) -> dict[tuple[str, int], dict]:
    return {(f["bestand"], f["rij"]): f for f in m["fouten"]}


@pytest.fixture(scope="module")
def gegenereerd(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth_beschikkingen("GM0344", ROWS, out)
    return out


@pytest.fixture(scope="module")
def rijen(gegenereerd) -> list[dict]:
    return lees_alles(gegenereerd)


# --------------------------------------------------------------------------------------------------------------
# Determinism and file shapes
# --------------------------------------------------------------------------------------------------------------


def test_deterministisch_byte_identiek(tmp_path, gegenereerd):
    again = synth_beschikkingen("0344", ROWS, tmp_path / "a")
    other = synth_beschikkingen("GM0344", ROWS, tmp_path / "b", seed=7)
    namen = [BESTAND_SUITE4, BESTAND_IDOS, BESTAND_ZORGNED, BESTAND_MANIFEST]
    for naam in namen:
        assert (tmp_path / "a" / naam).read_bytes() == (gegenereerd / naam).read_bytes(), naam
    for naam in namen:
        assert (tmp_path / "b" / naam).read_bytes() != (gegenereerd / naam).read_bytes(), naam
    assert [p.name for p in again.bestanden] == namen[:3] and again.manifest.name == BESTAND_MANIFEST
    assert sum(other.rijen_per_bestand.values()) == pytest.approx(ROWS, rel=0.05)


def test_xlsx_metadata_is_de_exportdatum(gegenereerd):
    import zipfile

    with zipfile.ZipFile(gegenereerd / BESTAND_ZORGNED) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 12, 31, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2024-12-31T00:00:00Z</dcterms:modified>" in core
    assert "2024-12-31T00:00:00Z</dcterms:created>" in core


def test_drie_bestanden_en_manifest(gegenereerd):
    assert sorted(p.name for p in gegenereerd.iterdir()) == sorted(
        [BESTAND_SUITE4, BESTAND_IDOS, BESTAND_ZORGNED, BESTAND_MANIFEST]
    )
    assert all(p.name.startswith("synthetisch-") for p in gegenereerd.iterdir())
    m = manifest(gegenereerd)
    assert m["synthetisch"] is True and m["gemeente"] == "GM0344" and m["seed"] == 2026
    assert m["exportdatum"] == "2024-12-31"
    assert [b["naam"] for b in m["bestanden"]] == [BESTAND_SUITE4, BESTAND_IDOS, BESTAND_ZORGNED]
    totaal = sum(b["rijen"] for b in m["bestanden"])
    assert totaal == pytest.approx(ROWS, rel=0.05)


def test_suite4_bytes(gegenereerd):
    data = (gegenereerd / BESTAND_SUITE4).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"\r\n")
    regels = data[3:].decode("utf-8").split("\r\n")
    assert regels[0] == "Export beschikkingen Sociaal Domein — SYNTHETISCHE TESTDATA"
    assert regels[1] == "Exportdatum: 31-12-2024"
    assert regels[2] == (
        "BSN;Wet;Productcategorie;Product;Ingangsdatum;Einddatum;Postcode;Huisnummer;Geboortedatum;"
        "Leveringsvorm;Beschikkingnummer;Reden wijziging"
    )
    rows = lees_suite4(gegenereerd / BESTAND_SUITE4)
    assert len(rows) == manifest(gegenereerd)["bestanden"][0]["rijen"]
    assert {r["wet"] for r in rows} - {synth.WET_ONBEKEND} == {"Wmo 2015", "Jeugdwet"}
    assert {r["lv"] for r in rows} == {"ZIN", "PGB"}
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", r["begin_ruw"]) for r in rows)
    assert {r["cat"] for r in rows if r["cat"] != "99"} <= _codes("iWmo3.2") | _codes("iJw3.2")


def test_idos_bytes(gegenereerd):
    data = (gegenereerd / BESTAND_IDOS).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the en dash and ë are single cp1252 bytes
    assert b"\x96" in data  # '–' in cp1252
    tekst = data.decode("cp1252")
    assert tekst.split("\n")[0] == (
        "Burgerservicenummer,Regeling,Categorie,Omschrijving,Startdatum,Einddatum,Postcode,Huisnr,Geboortedatum,"
        "Leveringsvorm,Toewijzingnummer"
    )
    assert '"Begeleiding, individueel – dagbesteding"' in tekst or '"Begeleiding, individueel"' in tekst
    rows = lees_idos(gegenereerd / BESTAND_IDOS)
    assert len(rows) == manifest(gegenereerd)["bestanden"][1]["rijen"]
    assert {r["wet"] for r in rows} - {synth.WET_ONBEKEND} == {"Wmo", "Participatiewet", "Schuldhulpverlening", "Wlz"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["begin_ruw"]) for r in rows)


def test_zorgned_xlsx(gegenereerd):
    cellen = lees_zorgned_cellen(gegenereerd / BESTAND_ZORGNED)
    assert "SYNTHETISCHE TESTDATA" in cellen[0][0] and all(v is None for v in cellen[1])
    rows = lees_zorgned(gegenereerd / BESTAND_ZORGNED)
    assert len(rows) == manifest(gegenereerd)["bestanden"][2]["rijen"] > 0
    data = cellen[3:]
    # category codes as numbers (02 -> 2), local codes as text
    cat = [r[2] for r in data]
    assert sum(isinstance(c, int) for c in cat) > 0.8 * len(cat)
    assert 2 in cat and "02" not in cat and {c for c in cat if isinstance(c, str)} <= {"VV", "GGZ", "GZ"}
    # BSN as a number: leading zeros lost
    bsn = [r[0] for r in data if r[0] is not None]
    assert all(isinstance(b, int) for b in bsn)
    assert any(len(str(b)) == 8 for b in bsn)
    # dates: mostly real Excel dates, a few raw serial numbers
    datumcellen = [v for r in data for v in (r[4], r[5], r[8]) if v is not None]
    serie = [v for v in datumcellen if isinstance(v, int)]
    assert sum(isinstance(v, datetime) for v in datumcellen) > 0.9 * len(datumcellen)
    assert serie and all(40_000 < v < 46_000 or 0 < v < 40_000 for v in serie)
    assert any(44_197 <= v <= 45_657 for v in (r[4] for r in data if isinstance(r[4], int)))  # 2021..2024


# --------------------------------------------------------------------------------------------------------------
# BSNs, faults, verwijderd rows
# --------------------------------------------------------------------------------------------------------------


def test_elfproef_helper():
    # built here rather than written out: no BSN-shaped literal in the repository
    prefix = "99990004"
    controle = sum(int(c) * (9 - i) for i, c in enumerate(prefix)) % 11
    assert controle < 10
    geldig = prefix + str(controle)
    assert elfproef(geldig) and not elfproef(prefix + str((controle + 1) % 10))
    assert elfproef(12345672) and elfproef("012345672")  # Excel dropped the zero
    assert not elfproef("") and not elfproef(None) and not elfproef("000000000") and not elfproef("12345")


def test_bsn_elfproef_precies_zoals_manifest(gegenereerd, rijen):
    fouten = fouten_per_rij(manifest(gegenereerd))
    for r in rijen:
        fout = fouten.get((r["bestand"], r["rij"]), {}).get("soort")
        if fout == "bsn_leeg":
            assert r["bsn"] == "", r
        elif fout == "bsn_elfproef":
            assert r["bsn"] and not elfproef(r["bsn"]), r
        else:
            assert elfproef(r["bsn"]), r
            assert len(r["bsn"]) == 9 or r["bestand"] == BESTAND_ZORGNED, r
    # leading zeros: written with 9 digits in the CSVs, with 8 in the xlsx
    assert any(r["bsn"].startswith("0") for r in rijen if r["bestand"] != BESTAND_ZORGNED)
    assert any(len(r["bsn"]) == 8 for r in rijen if r["bestand"] == BESTAND_ZORGNED)


def test_bsn_per_client_in_een_bestand(gegenereerd, rijen):
    fouten = fouten_per_rij(manifest(gegenereerd))
    bestand_van = defaultdict(set)
    wet_van = defaultdict(set)
    for r in rijen:
        if (r["bestand"], r["rij"]) not in fouten:
            bestand_van[r["bsn"].zfill(9)].add(r["bestand"])
            wet_van[r["bsn"].zfill(9)].add(wet_canoniek(r))
    assert all(len(v) == 1 for v in bestand_van.values())
    assert all(len(v) == 1 for v in wet_van.values())
    per_client = Counter(r["bsn"].zfill(9) for r in rijen if (r["bestand"], r["rij"]) not in fouten)
    assert max(per_client.values()) <= 3 and Counter(per_client.values())[2] > 0


def _is_fout(soort: str, r: dict) -> bool:
    if soort == "bsn_elfproef":
        return r["bsn"] != "" and not elfproef(r["bsn"])
    if soort == "bsn_leeg":
        return r["bsn"] == ""
    if soort == "datum_onmogelijk":
        return r["begin"] == ONGELDIG
    if soort == "einde_voor_begin":
        return r["begin"] not in (None, ONGELDIG) and r["eind"] not in (None, ONGELDIG) and r["eind"] < r["begin"]
    if soort == "wet_onbekend":
        return wet_canoniek(r) is None
    if soort == "categorie_onbekend":
        return r["cat"] == "99"
    if soort == "postcode_misvormd":
        return not PC_GOED.fullmatch(r["pc"])
    raise AssertionError(soort)


def test_fouten_aantal_en_aanwezig(gegenereerd, rijen):
    m = manifest(gegenereerd)
    fouten = m["fouten"]
    assert len(fouten) == round(0.02 * len(rijen))
    per_soort = Counter(f["soort"] for f in fouten)
    assert set(per_soort) == set(FOUTSOORTEN)
    assert max(per_soort.values()) - min(per_soort.values()) <= 1  # cycled
    index = {(r["bestand"], r["rij"]): r for r in rijen}
    for f in fouten:
        r = index[(f["bestand"], f["rij"])]
        assert _is_fout(f["soort"], r), (f, r)
        assert f["kolom"] in synth.KOPPEN[f["bestand"]]
    # and nowhere else: every row that shows a fault is listed with exactly that kind
    gelijst = fouten_per_rij(m)
    for r in rijen:
        gevonden = [s for s in FOUTSOORTEN if _is_fout(s, r)]
        verwacht = [gelijst[(r["bestand"], r["rij"])]["soort"]] if (r["bestand"], r["rij"]) in gelijst else []
        assert gevonden == verwacht, r
    assert {"31-02-2023", "2023-02-31"} >= {r["begin_ruw"] for r in rijen if r["begin"] == ONGELDIG}


def test_geen_fouten_bij_fout_aandeel_nul(tmp_path):
    synth_beschikkingen("GM0344", 500, tmp_path, fout_aandeel=0.0)
    m = manifest(tmp_path)
    assert m["fouten"] == []
    assert not any(_is_fout(s, r) for r in lees_alles(tmp_path) for s in FOUTSOORTEN)


def test_reden_wijziging_13(gegenereerd, rijen):
    m = manifest(gegenereerd)
    verwijderd = {(v["bestand"], v["rij"]) for v in m["reden_wijziging_13"]}
    suite4 = [r for r in rijen if r["bestand"] == BESTAND_SUITE4]
    assert {(r["bestand"], r["rij"]) for r in suite4 if r["reden"] == "13"} == verwijderd
    assert len(verwijderd) == round(0.005 * len(suite4))
    assert not verwijderd & set(fouten_per_rij(m))
    assert {r["reden"] for r in suite4} <= {"", "13", "03", "04", "05", "08"}
    # every removed row's client keeps another beschikking
    bsn_13 = {r["bsn"] for r in suite4 if r["reden"] == "13"}
    over = Counter(r["bsn"] for r in suite4 if r["reden"] != "13")
    assert all(over[b] >= 1 for b in bsn_13)


def test_manifest_zonder_persoonsgegevens(gegenereerd, rijen):
    tekst = (gegenereerd / BESTAND_MANIFEST).read_text(encoding="utf-8")
    assert not re.search(r"\b\d{8,9}\b", tekst)
    assert not re.search(r"\b\d{4} ?[A-Za-z]{2}\b", tekst)
    assert not re.search(r"\d{4}-\d\d-\d\d", tekst.replace('"exportdatum": "2024-12-31"', ""))


# --------------------------------------------------------------------------------------------------------------
# Content: postcodes, ages, dates, categories
# --------------------------------------------------------------------------------------------------------------


def test_postcodes(gegenereerd, rijen):
    tabel = pc6_tabel()
    fouten = fouten_per_rij(manifest(gegenereerd))
    goed = [r for r in rijen if (r["bestand"], r["rij"]) not in fouten]
    assert all(PC_GOED.fullmatch(r["pc"]) for r in goed)
    vormen = Counter(("spatie" if " " in r["pc"] else "") + ("klein" if r["pc"].islower() else "") for r in goed)
    assert vormen[""] > 0.8 * len(goed) and vormen["spatie"] and vormen["spatieklein"] and vormen["klein"]
    pc_van = {r["bsn"].zfill(9): r["pc"].replace(" ", "").upper() for r in goed}
    buiten = [b for b, pc in pc_van.items() if pc not in tabel]
    assert 0.003 < len(buiten) / len(pc_van) < 0.025
    assert all(pc_van[b][0] == "9" for b in buiten)
    assert all(1 <= int(r["hnr"]) <= 200 for r in goed)


def test_leeftijden_en_datums(gegenereerd, rijen):
    fouten = fouten_per_rij(manifest(gegenereerd))
    goed = [r for r in rijen if (r["bestand"], r["rij"]) not in fouten]
    start = min(r["begin"] for r in goed)
    assert start >= date(2021, 1, 1) and max(r["begin"] for r in goed) <= EXPORTDATUM
    met_einde = [r for r in goed if r["eind"] is not None]
    assert all(r["begin"] < r["eind"] <= EXPORTDATUM for r in met_einde)
    assert 0.33 < len(met_einde) / len(goed) < 0.45

    def leeftijd(r):  # at the ingangsdatum; the client's first beschikking may be earlier, so only an upper bound
        return (r["begin"] - r["geb"]).days / 365.2425

    per_wet = defaultdict(list)
    for r in goed:
        assert r["geb"] <= r["begin"]
        per_wet[wet_canoniek(r)].append(leeftijd(r))
    assert min(per_wet["jeugdwet"]) >= 0 and np.mean(np.array(per_wet["jeugdwet"]) < 18) > 0.85
    assert max(per_wet["jeugdwet"]) < 27
    assert np.mean(np.array(per_wet["wmo"]) >= 65) > 0.45
    assert min(per_wet["participatiewet"]) >= 18 and min(per_wet["schuldhulp"]) >= 18
    assert min(per_wet["wlz"]) >= 75


def test_categorieen(gegenereerd, rijen):
    per_wet = defaultdict(Counter)
    for r in rijen:
        per_wet[wet_canoniek(r)][r["cat"].zfill(2) if r["cat"].isdigit() else r["cat"]] += 1
    assert {c for c, _ in per_wet["wmo"].most_common(2)} == {"01", "02"}
    assert per_wet["jeugdwet"].most_common(1)[0][0] == "45"
    assert set(per_wet["participatiewet"]) - {"99"} <= set(synth.PW_CATEGORIE)
    assert set(per_wet["schuldhulp"]) - {"99"} <= set(synth.SHV_CATEGORIE)
    assert set(per_wet["wlz"]) - {"99"} <= set(synth.WLZ_CATEGORIE)
    labels = {r["prod"] for r in rijen}
    assert "Hulp bij het huishouden" in labels and "Begeleiding" in labels and "Jeugdhulp ambulant" in labels


def _codes(standard: str) -> set[str]:
    with CODELIJST.open(encoding="utf-8") as f:
        rijen = csv.DictReader(f)
        return {r["code"] for r in rijen if r["standard"] == standard and r["type"] == "LDT_ProductCategorie"}


def test_constanten_kloppen_met_codelijst_en_profiel():
    assert set(synth.WMO_CATEGORIE_65PLUS) == set(synth.WMO_CATEGORIE_ONDER65) == _codes("iWmo3.2")
    assert set(synth.JEUGD_CATEGORIE) <= _codes("iJw3.2")
    assert {k for k in synth.PRODUCT_VARIANTEN if k.isdigit()} <= _codes("iWmo3.2") | _codes("iJw3.2")
    for varianten in synth.PRODUCT_VARIANTEN.values():
        for v in varianten:
            v.encode("cp1252")
    profiel = yaml.safe_load(PROFIEL_AUTO.read_text(encoding="utf-8"))
    lokaal = profiel["lokale_codes"]
    assert lokaal["participatiewet"] == synth.LOKALE_LABELS[synth.PW]
    assert lokaal["schuldhulp"] == synth.LOKALE_LABELS[synth.SHV]
    assert lokaal["wlz"] == synth.LOKALE_LABELS[synth.WLZ]
    spellingen = {w: {s.lower() for s in v} for w, v in profiel["waarden"]["wet"].items()}
    for per_wet in synth.WET_SPELLING.values():
        for w, spelling in per_wet.items():
            assert spelling.lower() in spellingen[synth.WETTEN[w]]
    assert not any(synth.WET_ONBEKEND.lower() in v for v in spellingen.values())
    lv = {s.lower() for v in profiel["waarden"]["leveringsvorm"].values() for s in v}
    assert all(s.lower() in lv for v in synth.LEVERINGSVORM_SPELLING.values() for s in v)


# --------------------------------------------------------------------------------------------------------------
# Calibration against the real CBS figures, and errors
# --------------------------------------------------------------------------------------------------------------


def _cbs(path: Path, kolom: str) -> pd.Series:
    df = pd.read_excel(path, dtype=str)
    df = df[df.gwb_code_10.str.startswith("BU")].set_index("gwb_code_10")[kolom]
    return pd.to_numeric(df.str.replace(",", ".", regex=False), errors="coerce")


def test_kalibratie_per_buurt_volgt_cbs(tmp_path):
    res = synth_beschikkingen("GM0344", 20000, tmp_path)
    assert sum(res.rijen_per_bestand.values()) == pytest.approx(20000, rel=0.03)
    m = manifest(tmp_path)
    tabel = pc6_tabel()
    fouten = fouten_per_rij(m)
    clienten = defaultdict(set)  # (buurt, wet) -> BSNs, counted from the files themselves
    for r in lees_alles(tmp_path):
        if (r["bestand"], r["rij"]) in fouten or r["reden"] == "13":
            continue
        buurt = tabel.get(r["pc"].replace(" ", "").upper())
        if buurt:
            clienten[(buurt, wet_canoniek(r))].add(r["bsn"].zfill(9))

    per_wet = Counter()
    for (_, wet), bsns in clienten.items():
        per_wet[wet] += len(bsns)
    totaal = sum(per_wet.values())
    for wet, aandeel in (("wmo", 0.55), ("jeugdwet", 0.30), ("participatiewet", 0.08), ("schuldhulp", 0.05)):
        assert per_wet[wet] / totaal == pytest.approx(aandeel, abs=0.02)

    for wet, kolom, path in (("wmo", "a_wmo_t", KWB_2023_LATER), ("jeugdwet", "a_jz_tn", KWB_2023_LATER)):
        cbs = _cbs(path, kolom).dropna()
        gen = pd.Series({b: len(clienten.get((b, wet), ())) for b in cbs.index})
        assert gen.corr(cbs, method="pearson") > 0.9, wet
        assert gen.rank().corr(cbs.rank()) > 0.9, wet  # Spearman without scipy
        # the manifest's counts agree with the files (faulty rows aside)
        uit_manifest = pd.Series({b: m["clienten_per_buurt"][b][wet] for b in cbs.index})
        assert (uit_manifest - gen).abs().sum() <= 0.03 * uit_manifest.sum()
    wlz = pd.Series({b: v["wlz"] for b, v in m["clienten_per_buurt"].items()})
    assert wlz.corr(_cbs(KWB_2023, "a_65_oo").reindex(wlz.index)) > 0.8
    assert m["buurten_zonder_postcodes"] == ["BU03440533", "BU03440952", "BU03440953"]
    assert all(sum(m["clienten_per_buurt"][b].values()) == 0 for b in m["buurten_zonder_postcodes"])


def test_andere_gemeente_geeft_duidelijke_fout(tmp_path):
    with pytest.raises(WijkprofielError, match=r"GM0363.*CBS files"):
        synth_beschikkingen("GM0363", 100, tmp_path)
    assert not any(tmp_path.iterdir())
    with pytest.raises(WijkprofielError):
        synth_beschikkingen("GM0344", 0, tmp_path)
    with pytest.raises(WijkprofielError):
        synth_beschikkingen("GM0344", 100, tmp_path, fout_aandeel=1.5)

"""The SYNTHETIC casuïstiek, signals, enquête, kansen and bespreking: deterministic bytes, the promised file shapes,
unmapped tags as the manifest says, and the built-in causes visible in the generated data. The files are parsed here
with csv and openpyxl only (independent of the project's loaders); tags are mapped with the generator's own
spelling table, so a tag the table does not know fails a test instead of passing silently.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import BUURTEN_2024, DATA, KWB_2023, KWB_2023_LATER

from wijkprofiel.demo import synth_rodedraden as srd
from wijkprofiel.demo.synth_rodedraden import (
    BESTAND_ENQUETE,
    BESTAND_KANSEN,
    BESTAND_MANIFEST,
    BESTAND_NOORD,
    BESTAND_SIGNALEN,
    BESTAND_ZUID,
    THEMAS,
    synth_rodedraden,
)
from wijkprofiel.errors import WijkprofielError

PC6 = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
BESPREKING = "synthetisch-bespreking-2024-06.csv"
OVERVECHT = "WK034403"
TAGSCHEIDING = re.compile(r"; |, | \| | / ")
BRONNEN = {"huisarts", "poh", "wijkagent", "woningcorporatie", "meldpunt_zorg_overlast", "ggz", "clientenraad",
           "overig"}  # fmt: skip
ROLLEN = {"wijkteam", "huisarts", "wijkagent", "woningcorporatie", "wmo-consulent", "jongerenwerker", "ggz",
          "klantmanager W&I", "meldpunt zorg & overlast"}  # fmt: skip
TAG_NAAR_THEMA = {spelling: thema for thema, lijst in srd.SPELLINGEN.items() for spelling in lijst}


# --------------------------------------------------------------------------------------------------------------
# Reading the files as a loader would see them
# --------------------------------------------------------------------------------------------------------------


def pc6_tabel() -> dict[str, str]:
    with PC6.open(encoding="utf-8") as f:
        return {r["PC6"]: "BU" + r["Buurt2023"].zfill(8) for r in csv.DictReader(f, delimiter=";")}


def lees_csv(pad: Path, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(pad.read_bytes().decode("utf-8"), newline=""), delimiter=delimiter))


def lees_noord(pad: Path) -> list[dict]:
    data = pad.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    regels = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert regels[0] == ["Casusnummer", "Wijkteam", "Registratiedatum", "Postcode", "Huisnummer", "Themas"]
    assert all(len(r) == 6 for r in regels[1:])
    return [
        {"id": r[0], "team": r[1], "datum": datetime.strptime(r[2], "%d-%m-%Y").date(), "postcode": r[3],
         "huisnummer": r[4], "cel": r[5], "tags": TAGSCHEIDING.split(r[5])}
        for r in regels[1:]
    ]  # fmt: skip


def lees_zuid_cellen(pad: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(pad)
    try:
        assert wb.sheetnames[0] == "Casussen"
        return list(wb["Casussen"].iter_rows(values_only=True))
    finally:
        wb.close()


def casussen(out: Path) -> dict[str, dict]:
    """Case id -> buurt, wijk, datum, tags (in file order), from both shapes."""
    pc = pc6_tabel()
    uit: dict[str, dict] = {}
    for r in lees_noord(out / BESTAND_NOORD):
        buurt = pc[r["postcode"].replace(" ", "").upper()]
        uit[r["id"]] = {"buurt": buurt, "wijk": "WK" + buurt[2:8], "datum": r["datum"], "tags": r["tags"]}
    for cid, team, dag, code, tag in lees_zuid_cellen(out / BESTAND_ZUID)[1:]:
        buurt = code if isinstance(code, str) else "BU" + str(code).zfill(8)
        c = uit.setdefault(cid, {"buurt": buurt, "wijk": "WK" + buurt[2:8], "datum": dag.date(), "tags": []})
        assert (c["buurt"], c["datum"]) == (buurt, dag.date())  # one case, one place and date on every tag row
        c["tags"].append(tag)
    return uit


def themas_van(tags: list[str]) -> set[str]:
    return {TAG_NAAR_THEMA[t] for t in tags if t in TAG_NAAR_THEMA}


def cbs(pad: Path, kolommen: list[str]) -> dict[str, dict[str, float | None]]:
    wb = openpyxl.load_workbook(pad, read_only=True, data_only=True)
    try:
        rijen = wb.worksheets[0].iter_rows(values_only=True)
        kop = list(next(rijen))
        uit = {}
        for r in rijen:
            waarden = {}
            for k in kolommen:
                v = r[kop.index(k)]
                try:
                    waarden[k] = float(str(v).replace(",", "."))
                except ValueError:
                    waarden[k] = None
            uit[str(r[0]).strip()] = waarden
        return uit
    finally:
        wb.close()


def manifest(out: Path) -> dict:
    return json.loads((out / BESTAND_MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gegenereerd(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rodedraden")
    synth_rodedraden("GM0344", out)
    return out


@pytest.fixture(scope="module")
def cases(gegenereerd) -> dict[str, dict]:
    return casussen(gegenereerd)


# --------------------------------------------------------------------------------------------------------------
# Determinism and files
# --------------------------------------------------------------------------------------------------------------


def test_deterministisch_byte_identiek(tmp_path, gegenereerd):
    res = synth_rodedraden("GM0344", tmp_path / "a")
    namen = sorted(p.name for p in gegenereerd.iterdir())
    assert namen == sorted(p.name for p in (tmp_path / "a").iterdir())
    for naam in namen:  # incl. the xlsx: fixed metadata and zip timestamps
        assert (tmp_path / "a" / naam).read_bytes() == (gegenereerd / naam).read_bytes(), naam
    anders = synth_rodedraden("GM0344", tmp_path / "b", seed=7)
    assert anders.casuistiek[1].read_bytes() != res.casuistiek[1].read_bytes()


def test_resultaat_en_bestandsnamen(tmp_path):
    res = synth_rodedraden("344", tmp_path, casussen=300)
    assert [p.name for p in res.casuistiek] == [BESTAND_NOORD, BESTAND_ZUID]
    assert (res.signalen.name, res.enquete.name, res.kansen.name) == (BESTAND_SIGNALEN, BESTAND_ENQUETE, BESTAND_KANSEN)
    assert res.bespreking.name == BESPREKING and res.manifest.name == BESTAND_MANIFEST
    assert all(p.is_file() and p.name.startswith("synthetisch-") for p in [*res.bestanden, res.manifest])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in [*res.bestanden, res.manifest])
    m = manifest(tmp_path)
    assert m["synthetisch"] is True and m["seed"] == 2026 and m["gemeente"] == "GM0344"
    assert {b["naam"]: b["rijen"] for b in m["bestanden"]} == res.rijen_per_bestand
    assert sum(m["casussen_per_wijk"].values()) == 300
    assert len(casussen(tmp_path)) == 300


def test_noord_csv_vorm(gegenereerd):
    data = (gegenereerd / BESTAND_NOORD).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rijen = lees_noord(gegenereerd / BESTAND_NOORD)
    assert len({r["id"] for r in rijen}) == len(rijen)  # one row per case
    assert all(re.fullmatch(r"C-20(23|24)-\d{6}", r["id"]) for r in rijen)
    assert all(date(2023, 1, 1) <= r["datum"] <= date(2024, 12, 31) for r in rijen)
    assert {r["datum"].year for r in rijen} == {2023, 2024}
    assert all(re.fullmatch(r"\d{4} ?[A-Za-z]{2}", r["postcode"]) for r in rijen)
    assert all(re.fullmatch(r"\d+( ?[A-Za-z]+|-\d+)?", r["huisnummer"]) for r in rijen)
    assert all(1 <= len(r["tags"]) <= 4 for r in rijen)
    assert all(t.strip() == t and t for r in rijen for t in r["tags"])
    # Several separators in multi-tag cells, '; ' the most common.
    seps = Counter(m.group(0) for r in rijen for m in TAGSCHEIDING.finditer(r["cel"]))
    assert set(seps) == {"; ", ", ", " | ", " / "}
    assert seps["; "] > sum(seps.values()) / 2
    # Cells holding '; ' are quoted (the delimiter is ';'), as Excel and csv writers do.
    regels = data.decode("utf-8-sig").split("\r\n")[1:]
    assert all(regel.endswith(f'"{r["cel"]}"') for regel, r in zip(regels, rijen) if "; " in r["cel"])
    pc = pc6_tabel()
    noord_wijken = {"WK" + pc[r["postcode"].replace(" ", "").upper()][2:8] for r in rijen}
    assert noord_wijken == set(srd.WIJKTEAM_NOORD)


def test_zuid_xlsx_een_rij_per_tag(gegenereerd):
    cellen = lees_zuid_cellen(gegenereerd / BESTAND_ZUID)
    assert list(cellen[0]) == ["Casus ID", "Team", "Datum registratie", "Buurtcode", "Thema"]
    rijen = cellen[1:]
    assert all(len(r) == 5 and None not in r for r in rijen)
    assert all(isinstance(r[2], datetime) for r in rijen)
    assert not any(TAGSCHEIDING.search(r[4]) for r in rijen)  # exactly one tag per row
    per_casus = Counter(r[0] for r in rijen)
    assert max(per_casus.values()) <= 4 and Counter(per_casus.values())[1] < len(per_casus)
    codes = [r[3] for r in rijen]
    assert any(isinstance(c, str) and re.fullmatch(r"BU0344\d{4}", c) for c in codes)
    assert any(isinstance(c, int) and re.fullmatch(r"344\d{4}", str(c)) for c in codes)  # bare number, zero lost
    wijken = {"WK" + (c[2:8] if isinstance(c, str) else str(c).zfill(8)[:6]) for c in codes}
    assert wijken.isdisjoint(srd.WIJKTEAM_NOORD) and len(wijken) == 5
    noord_ids = {r["id"] for r in lees_noord(gegenereerd / BESTAND_NOORD)}
    assert noord_ids.isdisjoint(per_casus)  # every case in exactly one team's file


def test_xlsx_metadata_is_de_peildatum(gegenereerd):
    wb = openpyxl.load_workbook(gegenereerd / BESTAND_ZUID)
    try:
        assert wb.properties.created == datetime(2024, 12, 31)
        assert wb.properties.modified == datetime(2024, 12, 31)
        assert "SYNTHETISCH" in str(wb["Toelichting"]["A1"].value)
    finally:
        wb.close()


def test_tags_spellingen_en_onherkenbare_tags(gegenereerd, cases):
    m = manifest(gegenereerd)
    tags = Counter(t for c in cases.values() for t in c["tags"])
    onbekend = {t: n for t, n in tags.items() if t not in TAG_NAAR_THEMA}
    assert onbekend == m["tags_zonder_thema"]  # exactly the tags the manifest lists, with their counts
    assert {"fietsdiefstal", "parkeeroverlast", "geldzrgen"} <= set(onbekend)
    assert m["tags_totaal"] == sum(tags.values())
    assert 0.02 <= sum(onbekend.values()) / sum(tags.values()) <= 0.04
    # Realistic spelling variety: synonyms and capitals of one theme.
    for spelling in ("Geldzorgen", "schulden", "Financiële problemen", "sociaal isolement", "Eenzaamheid",
                     "opvoedvragen", "GGZ", "burenoverlast"):  # fmt: skip
        assert tags[spelling] > 0, spelling
    assert all(1 <= len(c["tags"]) <= 4 for c in cases.values())
    assert all(len(themas_van(c["tags"])) == len([t for t in c["tags"] if t in TAG_NAAR_THEMA]) for c in cases.values())
    assert set(TAG_NAAR_THEMA.values()) == set(THEMAS)


def test_manifest_telt_wat_in_de_bestanden_staat(gegenereerd, cases):
    m = manifest(gegenereerd)
    per_wijk = Counter(c["wijk"] for c in cases.values())
    assert m["casussen_per_wijk"] == dict(sorted(per_wijk.items()))
    per_wijk_thema = defaultdict(Counter)
    for c in cases.values():
        per_wijk_thema[c["wijk"]].update(themas_van(c["tags"]))
    for wijk, tellingen in m["casussen_per_wijk_thema"].items():
        assert {t: n for t, n in tellingen.items() if n} == dict(per_wijk_thema[wijk]), wijk
    tekst = (gegenereerd / BESTAND_MANIFEST).read_text(encoding="utf-8")
    assert not re.search(r"C-\d{4}-\d{6}", tekst)  # no case ids
    assert not re.search(r"\b\d{4} ?[A-Z]{2}\b", tekst)  # no postcodes


# --------------------------------------------------------------------------------------------------------------
# The built-in causes
# --------------------------------------------------------------------------------------------------------------


def aandeel(cases: dict, thema: str, wie) -> float:
    sel = [c for c in cases.values() if wie(c)]
    return sum(thema in themas_van(c["tags"]) for c in sel) / len(sel)


def test_geldzorgen_oververtegenwoordigd_in_overvecht(cases):
    gemeente = aandeel(cases, "geldzorgen", lambda c: True)
    overvecht = aandeel(cases, "geldzorgen", lambda c: c["wijk"] == OVERVECHT)
    assert overvecht > 1.3 * gemeente


def test_eenzaamheid_volgt_eenpersoonshuishoudens(cases):
    kwb = cbs(KWB_2023, ["a_hh", "a_1p_hh"])
    wijken = sorted((k for k in kwb if k.startswith("WK")), key=lambda w: kwb[w]["a_1p_hh"] / kwb[w]["a_hh"])
    onder, boven = set(wijken[:3]), set(wijken[-3:])
    assert aandeel(cases, "eenzaamheid", lambda c: c["wijk"] in boven) > 1.3 * aandeel(
        cases, "eenzaamheid", lambda c: c["wijk"] in onder
    )


def test_geldzorgen_per_buurt_correleert_met_laag_inkomen(cases):
    li = cbs(KWB_2023_LATER, ["p_hh_li"])
    per_buurt = defaultdict(list)
    for c in cases.values():
        per_buurt[c["buurt"]].append("geldzorgen" in themas_van(c["tags"]))
    paren = [(li[b]["p_hh_li"], np.mean(v)) for b, v in per_buurt.items() if len(v) >= 20 and li[b]["p_hh_li"]]
    assert len(paren) >= 50
    x, y = np.array(paren).T
    assert np.corrcoef(x, y)[0, 1] > 0.5


def test_meer_casussen_waar_inkomens_laag_zijn(cases):
    kwb = cbs(KWB_2023, ["a_inw"])
    per_wijk = Counter(c["wijk"] for c in cases.values())
    per_inw = {w: n / kwb[w]["a_inw"] for w, n in per_wijk.items()}
    assert per_inw[OVERVECHT] > 1.8 * per_inw["WK034410"]  # p_hh_li 59.5 vs 22.5


def test_manifest_noemt_de_ingebouwde_oorzaken(gegenereerd):
    oorzaken = manifest(gegenereerd)["ingebouwde_oorzaken"]
    velden = {"wijk", "thema", "oorzaak", "cbs_kenmerk", "waarde_wijk", "waarde_gemeente"}
    assert all(velden <= set(o) for o in oorzaken)
    assert all(o["waarde_wijk"] > o["waarde_gemeente"] and o["verwachte_factor"] >= 1.25 for o in oorzaken)
    paren = {(o["wijk"], o["thema"]) for o in oorzaken}
    assert (OVERVECHT, "geldzorgen") in paren
    assert {("WK034405", "eenzaamheid"), ("WK034406", "eenzaamheid"), ("WK034409", "opvoeding")} <= paren
    assert {o["thema"] for o in oorzaken} <= set(srd.OORZAKEN)
    overvecht = next(o for o in oorzaken if (o["wijk"], o["thema"]) == (OVERVECHT, "geldzorgen"))
    assert overvecht["kenmerken"]["p_hh_li"] == {"wijk": 59.5, "gemeente": 45.8, "elasticiteit": 1.8}


# --------------------------------------------------------------------------------------------------------------
# Signals, enquête, kansen, bespreking
# --------------------------------------------------------------------------------------------------------------


def test_signalen(gegenereerd):
    data = (gegenereerd / BESTAND_SIGNALEN).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    regels = lees_csv(gegenereerd / BESTAND_SIGNALEN)
    assert regels[0] == ["bron", "periode", "wijkcode", "buurtcode", "thema", "aantal", "toelichting", "publiceerbaar"]
    rijen = [dict(zip(regels[0], r)) for r in regels[1:]]
    assert len(rijen) >= 20
    assert {r["bron"] for r in rijen} <= BRONNEN
    assert all(re.fullmatch(r"2024(-K[1-4])?", r["periode"]) for r in rijen)
    assert {len(r["periode"]) for r in rijen} == {4, 7}
    assert all(bool(r["wijkcode"]) != bool(r["buurtcode"]) for r in rijen)  # exactly one of the two
    assert any(r["wijkcode"] for r in rijen) and any(r["buurtcode"] for r in rijen)
    assert all(re.fullmatch(r"WK0344\d{2}|BU0344\d{4}", r["wijkcode"] or r["buurtcode"]) for r in rijen)
    assert {r["thema"] for r in rijen} <= set(THEMAS)
    assert all(r["aantal"] == "" or int(r["aantal"]) >= 1 for r in rijen) and any(r["aantal"] == "" for r in rijen)
    publiceerbaar = Counter(r["publiceerbaar"] for r in rijen)
    assert set(publiceerbaar) == {"ja", "nee"} and min(publiceerbaar.values()) >= len(rijen) / 4
    assert all("VERTROUWELIJK" in r["toelichting"] for r in rijen if r["publiceerbaar"] == "nee")
    assert not any("VERTROUWELIJK" in r["toelichting"] for r in rijen if r["publiceerbaar"] == "ja")
    # Consistent with the causes: huurachterstand (geldzorgen) from the woningcorporatie in Overvecht, eenzaamheid
    # from huisarts/POH only where one-person households and 65+ are many.
    wijk = [r["wijkcode"] or "WK" + r["buurtcode"][2:8] for r in rijen]
    assert any(w == OVERVECHT and r["bron"] == "woningcorporatie" and r["thema"] == "geldzorgen"
               for w, r in zip(wijk, rijen))  # fmt: skip
    eenzaam = {w for w, r in zip(wijk, rijen) if r["thema"] == "eenzaamheid"}
    assert eenzaam and eenzaam.isdisjoint({"WK034409", "WK034410"})


def test_enquete(gegenereerd):
    regels = lees_csv(gegenereerd / BESTAND_ENQUETE)
    assert regels[0] == ["wijkcode", "vraag", "thema", "percentage", "n"]
    rijen = [dict(zip(regels[0], r)) for r in regels[1:]]
    assert len({r["wijkcode"] for r in rijen}) == 10
    assert all(80 <= int(r["n"]) <= 400 and 0 <= float(r["percentage"]) <= 100 for r in rijen)
    assert {r["thema"] for r in rijen} <= set(THEMAS)
    vraag = {(r["vraag"], r["thema"]) for r in rijen}
    assert {("Ik voel me vaak eenzaam", "eenzaamheid"), ("Ik heb moeite om rond te komen", "geldzorgen")} <= vraag
    rond = {r["wijkcode"]: float(r["percentage"]) for r in rijen if r["thema"] == "geldzorgen"}
    assert rond[OVERVECHT] == max(rond.values())
    eenzaam = {r["wijkcode"]: float(r["percentage"]) for r in rijen if r["thema"] == "eenzaamheid"}
    assert min(eenzaam["WK034405"], eenzaam["WK034406"]) > max(eenzaam["WK034409"], eenzaam["WK034410"])


def test_kansen(gegenereerd):
    from pyproj import Transformer
    from shapely.geometry import Point, shape

    regels = lees_csv(gegenereerd / BESTAND_KANSEN)
    assert regels[0] == ["naam", "soort", "themas", "adres", "postcode", "buurtcode", "lat", "lon", "contact"]
    rijen = [dict(zip(regels[0], r)) for r in regels[1:]]
    assert all(r["naam"].endswith("(synthetisch)") for r in rijen) and len({r["naam"] for r in rijen}) == len(rijen)
    assert all(set(r["themas"].split("|")) <= set(THEMAS) for r in rijen)
    soorten = Counter(r["soort"] for r in rijen)
    assert soorten["buurthuis"] == 10 and len(soorten) >= 6  # a buurthuis in every wijk, and variety

    grenzen = json.loads(BUURTEN_2024.read_text(encoding="utf-8"))["features"]
    buurten = {f["properties"]["statcode"]: shape(f["geometry"]) for f in grenzen}
    naar_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    pc = pc6_tabel()
    vormen, per_wijk = Counter(), Counter()
    for r in rijen:
        vorm = [k for k in ("latlon", "buurtcode", "postcode") if r["lat" if k == "latlon" else k]]
        assert len(vorm) == 1, r  # exactly one way of giving the location
        vormen[vorm[0]] += 1
        if vorm[0] == "latlon":
            lat, lon = float(r["lat"]), float(r["lon"])
            assert 52.02 <= lat <= 52.15 and 4.95 <= lon <= 5.20
            punt = Point(*naar_rd.transform(lon, lat))
            binnen = [b for b, g in buurten.items() if g.contains(punt)]
            assert len(binnen) == 1, (r, binnen)  # inside one buurt of Utrecht
            buurt = binnen[0]
        elif vorm[0] == "buurtcode":
            buurt = r["buurtcode"]
        else:
            assert r["adres"] and r["postcode"] in pc
            buurt = pc[r["postcode"]]
        per_wijk["WK" + buurt[2:8]] += 1
    assert set(vormen) == {"latlon", "buurtcode", "postcode"}
    assert len(per_wijk) == 10 and all(3 <= n <= 6 for n in per_wijk.values()), per_wijk


def test_bespreking(gegenereerd):
    regels = lees_csv(gegenereerd / BESPREKING)
    assert regels[0] == ["wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer"]
    rijen = [dict(zip(regels[0], r)) for r in regels[1:]]
    assert 3 <= len({r["wijkcode"] for r in rijen}) <= 4
    assert {r["herkend"] for r in rijen} == {"ja", "deels", "nee"}
    assert all(r["datum"] == "2024-06-12" for r in rijen)
    assert {r["thema"] for r in rijen} <= set(THEMAS)
    assert {r["eigenaar"] for r in rijen} <= ROLLEN
    assert all(re.fullmatch(r"Q[1-4] \d{4}|\d{4}-\d{2}-\d{2}", r["wanneer"]) for r in rijen)
    assert all(r["verklaring"] and r["actie"] for r in rijen)
    assert {"wijkcode": OVERVECHT, "thema": "geldzorgen", "herkend": "ja"}.items() <= next(
        r for r in rijen if (r["wijkcode"], r["thema"]) == (OVERVECHT, "geldzorgen")
    ).items()


# --------------------------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------------------------


def test_andere_gemeente_geeft_duidelijke_fout(tmp_path):
    with pytest.raises(WijkprofielError, match="GM0363"):
        synth_rodedraden("GM0363", tmp_path)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "kwargs", [{"casussen": 0}, {"casussen": 2.5}, {"casussen": True}, {"peildatum": "2024-12-31"}]
)
def test_ongeldige_argumenten(tmp_path, kwargs):
    with pytest.raises(WijkprofielError):
        synth_rodedraden("GM0344", tmp_path, **kwargs)

"""`wijkprofiel synth landelijk`: a SYNTHETIC country in CBS's file layouts that the project's own readers load.

A country of 5 gemeenten (always with GM0363 and its alphanumeric codes) is made once per module; the tests check
determinism, CBS's layouts (against the bundled real releases), internal consistency, and that the real CLI
ingests the files and builds marts from them.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pyogrio
import pytest
import shapely
from conftest import KWB_2023, KWB_2023_LATER
from typer.testing import CliRunner

from wijkprofiel.cli import app
from wijkprofiel.demo.synth_landelijk import BUURTEN_PER_WIJK, NEDERLAND, WIJKEN_PER_GEMEENTE, synth_landelijk
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file
from wijkprofiel.ingest.readers.public.pdok import read_grenzen_file
from wijkprofiel.reference.areas import is_geldige_code

SEED = 11
GEMEENTEN = 5
ALFANUMERIEK = "GM0363"


def _cli(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def land(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("landelijk")
    _cli("synth", "landelijk", "--out", out, "--seed", SEED, "--gemeenten", GEMEENTEN)
    return out


def _blad(path: Path) -> tuple[str, list[str], list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        rijen = list(ws.iter_rows(values_only=True))
        return ws.title, list(rijen[0]), rijen[1:]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def kwb(land) -> dict[str, dict[str, object]]:
    """The full release as {code: {column: cell}}, in file order."""
    _titel, kop, rijen = _blad(land / "SYNTHETIC-kwb-2023.xlsx")
    return {r[0]: dict(zip(kop, r)) for r in rijen}


def _codes(kwb: dict, prefix: str, gemeente: str | None = None) -> list[str]:
    return [c for c in kwb if c.startswith(prefix) and (gemeente is None or c[2:6] == gemeente[2:])]


def test_every_file_is_marked_synthetic_and_the_same_seed_gives_the_same_bytes(land, tmp_path):
    namen = sorted(p.name for p in land.iterdir())
    assert namen == [
        "SYNTHETIC-kwb-2023-43cols.xlsx", "SYNTHETIC-kwb-2023.xlsx", "SYNTHETIC-manifest.json",
        "SYNTHETIC-pc6hnr-2023-gwb.csv", "SYNTHETIC-wijkenbuurten-2023.gpkg",
    ]  # fmt: skip
    opnieuw = synth_landelijk(tmp_path / "opnieuw", seed=SEED, gemeenten=GEMEENTEN)
    for pad in opnieuw.bestanden:
        assert pad.read_bytes() == (land / pad.name).read_bytes(), pad.name
    ander = synth_landelijk(tmp_path / "ander", seed=SEED + 1, gemeenten=GEMEENTEN)
    assert ander.kwb.read_bytes() != (land / ander.kwb.name).read_bytes()


def test_the_release_has_cbs_own_layout(land, kwb):
    titel, kop, rijen = _blad(land / "SYNTHETIC-kwb-2023.xlsx")
    _echt_titel, echte_kop, _ = _blad(KWB_2023)
    assert (titel, kop) == ("kwb-2023", echte_kop)
    assert rijen[0][:5] == ("NL00", "0", "Nederland", "Nederland", "Land")
    recs = [r[4] for r in rijen[1:]]
    assert recs[0] == "Gemeente" and set(recs) == {"Gemeente", "Wijk", "Buurt"}
    assert recs.count("Gemeente") == GEMEENTEN
    for rij in rijen[1:]:
        cellen = dict(zip(kop, rij))
        assert is_geldige_code(cellen["gwb_code_10"]) and cellen["gwb_code"] == cellen["gwb_code_10"]
        assert cellen["gwb_code_8"] == cellen["gwb_code_10"][2:]
        # Figures are numbers or CBS's '.', never empty and never numbers as text (as in the real release).
        assert all(isinstance(cellen[k], (int, float)) or cellen[k] == "." for k in kop[6:]), cellen["gwb_code_10"]
    # Hierarchical order: each buurt right after its wijk or after another buurt of that wijk.
    for vorige, code in itertools.pairwise(rijen):
        if code[0].startswith("BU"):
            assert vorige[0][2:8] == code[0][2:8]
    # The columns that neither bundled real release fills in stay unknown; the care columns are filled.
    assert {kwb[c]["g_ele"] for c in kwb} == {"."}
    assert all(isinstance(kwb[c]["a_wmo_t"], int) for c in _codes(kwb, "GM"))


def test_codes_follow_cbs_formats_with_alphanumeric_wijken_in_gm0363(kwb):
    assert ALFANUMERIEK in kwb
    wijken = _codes(kwb, "WK", ALFANUMERIEK)
    buurten = _codes(kwb, "BU", ALFANUMERIEK)
    assert wijken[0] == "WK0363AA"
    assert all(re.fullmatch(r"WK0363[A-Z]{2}", c) for c in wijken)
    assert all(re.fullmatch(r"BU0363[A-Z]{2}\d{2}", c) for c in buurten)
    anderen = [c for c in kwb if c[:2] in ("WK", "BU") and c[2:6] != ALFANUMERIEK[2:]]
    assert anderen and all(c[2:].isdigit() for c in anderen)
    # Every buurt lies in a wijk of the file, every wijk in a gemeente of the file.
    assert all("WK" + c[2:8] in kwb for c in _codes(kwb, "BU"))
    assert all("GM" + c[2:6] in kwb for c in _codes(kwb, "WK"))


def test_buurten_add_up_to_their_wijk_and_wijken_to_their_gemeente(kwb):
    for gemeente in _codes(kwb, "GM"):
        wijken = _codes(kwb, "WK", gemeente)
        # Wijk and buurt counts are rounded to 5 (as CBS does), the gemeente's are exact.
        assert abs(sum(kwb[w]["a_inw"] for w in wijken) - kwb[gemeente]["a_inw"]) <= 2.5 * len(wijken)
        for wijk in wijken:
            buurten = [b for b in _codes(kwb, "BU", gemeente) if b[2:8] == wijk[2:]]
            assert buurten
            assert abs(sum(kwb[b]["a_inw"] for b in buurten) - kwb[wijk]["a_inw"]) <= 2.5 * (len(buurten) + 1)
            assert kwb[wijk]["a_opp_ha"] == pytest.approx(sum(kwb[b]["a_opp_ha"] for b in buurten), abs=len(buurten))
        leeftijden = sum(kwb[gemeente][k] for k in ("a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"))
        assert leeftijden == pytest.approx(kwb[gemeente]["a_inw"], rel=0.02)
        assert kwb[gemeente]["p_wmo_t"] == round(kwb[gemeente]["a_wmo_t"] / kwb[gemeente]["a_inw"] * 1000)


def test_buurt_figures_are_drawn_from_real_utrecht_buurten(kwb):
    _titel, kop, echt = _blad(KWB_2023)
    echte_buurten = [dict(zip(kop, r)) for r in echt if r[0].startswith("BU")]
    for kolom in ("p_koopw", "g_wozbag", "ste_oad"):
        echte_waarden = {b[kolom] for b in echte_buurten}
        ons = {kwb[b][kolom] for b in _codes(kwb, "BU")} - {"."}
        assert ons and ons <= echte_waarden, kolom


def test_the_later_variant_lacks_the_age_columns_and_agrees_cell_for_cell(land, kwb):
    titel, kop, rijen = _blad(land / "SYNTHETIC-kwb-2023-43cols.xlsx")
    _t, echte_kop, echte_rijen = _blad(KWB_2023_LATER)
    assert (titel, kop, len(kop)) == ("Sheet1", echte_kop, 43)
    assert not {"regio", "recs", "a_65_oo", "a_00_14"} & set(kop)
    assert all(isinstance(c, str) for r in rijen for c in r)  # every cell text, as in the real later release
    komma_echt = {k for r in echte_rijen for k, v in zip(echte_kop, r) if "," in v}
    komma_ons = {k for r in rijen for k, v in zip(kop, r) if "," in v}
    assert komma_ons == komma_echt
    for rij in rijen:
        volledig = kwb[rij[0]]
        for k, v in zip(kop[2:], rij[2:]):
            verwacht = volledig[k] if volledig[k] == "." else pytest.approx(volledig[k])
            assert (v if v == "." else float(v.replace(",", "."))) == verwacht, (rij[0], k)
    release = read_cbs_file(land / "SYNTHETIC-kwb-2023-43cols.xlsx", 2023)
    assert {"inwoners_65_plus", "inwoners_0_14"} <= set(release.ontbrekend)
    assert "wmo_clienten" in release.indicatoren


def test_the_geopackage_has_three_layers_the_boundary_reader_reads_per_layer(land, kwb):
    pad = land / "SYNTHETIC-wijkenbuurten-2023.gpkg"
    assert [naam for naam, _type in pyogrio.list_layers(pad)] == ["buurten", "wijken", "gemeenten"]
    kolommen = pyogrio.read_info(pad, layer="buurten")["fields"].tolist()
    assert kolommen[:5] == ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"]
    vlakken = {}
    for niveau, prefix in (("buurt", "BU"), ("wijk", "WK"), ("gemeente", "GM")):
        frame = read_grenzen_file(pad, niveau=niveau)
        assert frame.crs.to_epsg() == 28992
        assert frame["gebied_code"].tolist() == sorted(_codes(kwb, prefix))
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()
        minx, miny, maxx, maxy = frame.total_bounds
        assert NEDERLAND[0] <= minx and NEDERLAND[1] <= miny and maxx <= NEDERLAND[2] and maxy <= NEDERLAND[3]
        assert frame["gebied_naam"].tolist() == [kwb[c]["regio"] for c in frame["gebied_code"]]
        vlakken[niveau] = dict(zip(frame["gebied_code"], frame.geometry))
    # Nested by construction: the buurten of a wijk tile it, the wijken of a gemeente tile it.
    for kind, ouder, lengte in (("buurt", "wijk", 8), ("wijk", "gemeente", 6)):
        for code, vlak in vlakken[ouder].items():
            delen = [g for c, g in vlakken[kind].items() if c[2:lengte] == code[2:lengte]]
            assert shapely.union_all(delen).symmetric_difference(vlak).area < 1e-6 * vlak.area, code
    # Per gemeente too, as a run loads one gemeente's boundaries.
    alleen = read_grenzen_file(pad, niveau="buurt", gemeente=ALFANUMERIEK)
    assert alleen["gebied_code"].tolist() == sorted(_codes(kwb, "BU", ALFANUMERIEK))


def test_the_postcode_table_places_addresses_in_every_buurt(land, kwb, tmp_path):
    pad = land / "SYNTHETIC-pc6hnr-2023-gwb.csv"
    regels = pad.read_text(encoding="utf-8").splitlines()
    assert regels[0] == "PC6;Huisnummer;Buurt2023;Wijk2023;Gemeente2023"
    velden = [r.split(";") for r in regels[1:]]
    assert all(re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", v[0]) and v[0][4:] not in ("SA", "SD", "SS") for v in velden)
    assert len({(v[0], v[1]) for v in velden}) == len(velden)  # an address is in one buurt
    result = ingest_koppeltabel(tmp_path / "k.duckdb", pad, ALFANUMERIEK)
    assert result.loaded > 0 and result.quarantined == 0
    with duckdb.connect(str(tmp_path / "k.duckdb"), read_only=True) as con:
        buurten = {r[0] for r in con.execute("select distinct buurtcode from raw.cbs_koppeltabel").fetchall()}
    assert buurten == set(_codes(kwb, "BU", ALFANUMERIEK))


def test_the_cli_ingests_the_country_and_builds_marts_for_its_gemeenten(land, kwb, tmp_path):
    db = tmp_path / "landelijk.duckdb"
    gemeenten = [ALFANUMERIEK, next(g for g in _codes(kwb, "GM") if g != ALFANUMERIEK)]
    for gemeente in gemeenten:
        for bestand in ("SYNTHETIC-kwb-2023.xlsx", "SYNTHETIC-kwb-2023-43cols.xlsx"):
            _cli("ingest", "cbs", "--gemeente", gemeente, "--jaar", 2023, "--file", land / bestand, "--db", db)
        _cli("ingest", "grenzen", "--gemeente", gemeente, "--jaar", 2023, "--niveau", "buurt",
             "--file", land / "SYNTHETIC-wijkenbuurten-2023.gpkg", "--db", db)  # fmt: skip
    _cli("build", "--db", db)

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select sum(quarantined) from meta.loads").fetchone()[0] == 0
        for gemeente in gemeenten:
            gebieden = {
                r[0]
                for r in con.execute(
                    "select distinct gebied_code from marts.indicator_waarden where indicator = 'inwoners' "
                    "and gebied_code[3:6] = ?",
                    [gemeente[2:]],
                ).fetchall()
            }
            assert gebieden == {c for c in kwb if c[2:6] == gemeente[2:]}
            grenzen = con.execute(
                "select gebied_code from marts.gebied_grenzen where gemeente_code = ? order by 1", [gemeente]
            ).fetchall()
            assert [r[0] for r in grenzen] == sorted(_codes(kwb, "BU", gemeente))
        waarde = con.execute(
            "select waarde from marts.indicator_waarden where gebied_code = 'WK0363AA' and indicator = 'wmo_clienten'"
        ).fetchone()[0]
    assert waarde == kwb["WK0363AA"]["a_wmo_t"]


def test_the_country_has_the_size_asked_for(land, kwb):
    aantallen = {p: len(_codes(kwb, p)) for p in ("GM", "WK", "BU")}
    assert aantallen["GM"] == GEMEENTEN
    # 1 + a mean of 8.65 wijken per gemeente and 1 + 3.4 buurten per wijk: the real totals of 2023 at 342 gemeenten.
    assert aantallen["WK"] == GEMEENTEN + round(GEMEENTEN * WIJKEN_PER_GEMEENTE[0])
    assert aantallen["BU"] == aantallen["WK"] + round(aantallen["WK"] * BUURTEN_PER_WIJK[0])
    assert np.mean([kwb[c]["a_inw"] for c in _codes(kwb, "BU")]) == pytest.approx(1230, rel=0.5)


@pytest.mark.parametrize("gemeenten", [0, 401, True, 2.5])
def test_a_country_size_out_of_range_is_refused(gemeenten, tmp_path):
    with pytest.raises(WijkprofielError, match="gemeenten must be a whole number from 1 to 400"):
        synth_landelijk(tmp_path, gemeenten=gemeenten)

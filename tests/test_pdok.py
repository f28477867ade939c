"""Boundaries from files and from PDOK's WFS (served locally by pytest-httpserver, no internet)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from werkzeug import Request, Response

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public.http import HttpClient
from wijkprofiel.ingest.readers.public.pdok import (
    KOLOMMEN,
    fetch_grenzen_pdok,
    read_grenzen_file,
    read_grenzen_snapshot,
)

GEO = Path(__file__).resolve().parents[1] / "data" / "geo"
BUURTEN = GEO / "buurten-2024-utrecht.geojson"
WIJKEN = GEO / "wijken-2024-utrecht.geojson"
WFS_PAD = "/cbs/wijkenbuurten/2024/wfs/v1_0"


# ----------------------------------------------------------------------------------------------- files


def test_buurten_utrecht_uit_geojson():
    frame = read_grenzen_file(BUURTEN)
    assert list(frame.columns) == KOLOMMEN
    assert len(frame) == 111
    assert frame.crs.to_epsg() == 28992
    assert set(frame["niveau"]) == {"buurt"}
    rij = frame.set_index("gebied_code").loc["BU03440111"]
    assert rij["gebied_naam"] == "Welgelegen, Den Hommel"
    assert frame["gebied_code"].is_unique
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert frame.is_valid.all()


def test_wijken_utrecht_uit_geojson():
    frame = read_grenzen_file(WIJKEN)
    assert list(frame["gebied_code"]) == [f"WK0344{i:02d}" for i in range(1, 11)]
    assert set(frame["niveau"]) == {"wijk"}
    assert frame.crs.to_epsg() == 28992


def test_gemeente_filter_accepteert_kale_code():
    assert len(read_grenzen_file(BUURTEN, gemeente="344")) == 111
    assert len(read_grenzen_file(BUURTEN, gemeente="GM0344", niveau="buurt")) == 111


def test_andere_gemeente_is_een_duidelijke_fout():
    with pytest.raises(SourceError, match="GM0363") as info:
        read_grenzen_file(BUURTEN, gemeente="GM0363")
    assert "\n" not in str(info.value)
    assert "GM0344" in str(info.value)  # says what the file does cover


def test_verkeerd_niveau_in_bestand():
    with pytest.raises(SourceError, match=r"no wijk codes \(WK\.\.\.\)"):
        read_grenzen_file(BUURTEN, niveau="wijk")


def test_wgs84_bestand_wordt_rd(tmp_path):
    bron = gpd.read_file(BUURTEN)
    pad = tmp_path / "buurten-4326.geojson"
    bron.to_crs(4326).to_file(pad, driver="GeoJSON")
    assert gpd.read_file(pad).crs.to_epsg() == 4326

    frame = read_grenzen_file(pad)
    assert frame.crs.to_epsg() == 28992
    assert len(frame) == 111
    assert frame.total_bounds == pytest.approx(read_grenzen_file(BUURTEN).total_bounds, abs=1.0)


def test_rd_coordinaten_zonder_crs_lid(tmp_path):
    # GeoJSON without a `crs` member reads as WGS84; RD coordinates in it must not be "reprojected".
    ruw = json.loads(BUURTEN.read_text(encoding="utf-8"))
    del ruw["crs"]
    pad = tmp_path / "zonder-crs.geojson"
    pad.write_text(json.dumps(ruw), encoding="utf-8")
    frame = read_grenzen_file(pad)
    assert frame.total_bounds == pytest.approx(read_grenzen_file(BUURTEN).total_bounds)


def test_geopackage_kiest_laag_per_niveau(tmp_path):
    pad = tmp_path / "wijkbuurtkaart.gpkg"
    # CBS's GeoJSON has a 'FID' property, which clashes with GeoPackage's own FID column.
    gpd.read_file(BUURTEN).drop(columns="FID").to_file(pad, layer="buurten", driver="GPKG")
    gpd.read_file(WIJKEN).drop(columns="FID").to_file(pad, layer="wijken", driver="GPKG")

    wijken = read_grenzen_file(pad, niveau="wijk")
    assert len(wijken) == 10
    assert set(wijken["niveau"]) == {"wijk"}
    assert len(read_grenzen_file(pad, niveau="buurt")) == 111
    with pytest.raises(SourceError, match="no layer for niveau 'gemeente'"):
        read_grenzen_file(pad, niveau="gemeente")
    # Without niveau: every layer named after a level, as in CBS's wijk- en buurtkaart.
    alle = read_grenzen_file(pad)
    assert alle["niveau"].value_counts().to_dict() == {"buurt": 111, "wijk": 10}
    assert alle.crs.to_epsg() == 28992


def test_geopackage_zonder_laag_per_niveau_vraagt_om_niveau(tmp_path):
    pad = tmp_path / "kaart.gpkg"
    gpd.read_file(BUURTEN).drop(columns="FID").to_file(pad, layer="laag_a", driver="GPKG")
    gpd.read_file(WIJKEN).drop(columns="FID").to_file(pad, layer="laag_b", driver="GPKG")

    with pytest.raises(SourceError, match=r"several layers \(laag_a, laag_b\) and none is named .*pass niveau"):
        read_grenzen_file(pad)


def test_ontbrekend_bestand(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        read_grenzen_file(tmp_path / "bestaat-niet.geojson")


def test_geen_codekolom(tmp_path):
    pad = tmp_path / "zonder-code.geojson"
    _schrijf(pad, [_vlak({"naam": "Oog in Al"}, [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]])])
    with pytest.raises(SourceError, match="no code column .*statcode, buurtcode, wijkcode, gemeentecode"):
        read_grenzen_file(pad)


def test_ongeldige_geometrie_wordt_geldig_en_een_lijn_blijft_zonder_vlak(tmp_path):
    pad = tmp_path / "vlinder.geojson"
    vlinder = [[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]  # self-intersecting "bow tie"
    lijn = {"type": "LineString", "coordinates": [[0, 0], [10, 10]]}
    _schrijf(
        pad,
        [
            _vlak({"buurtcode": "BU03440001 ", "buurtnaam": " Vlinder "}, vlinder),
            {"type": "Feature", "properties": {"buurtcode": "BU03440002", "buurtnaam": "Lijn"}, "geometry": lijn},
        ],
    )
    frame = read_grenzen_file(pad)
    assert list(frame["gebied_code"]) == ["BU03440001", "BU03440002"]
    assert list(frame["gebied_naam"]) == ["Vlinder", "Lijn"]
    assert list(frame["bron_rij"]) == [1, 2]
    # the line is no area: it keeps its row without geometry, for the load to quarantine (test_corpus)
    assert frame.geom_type.iloc[0] == "MultiPolygon" and frame.geometry.iloc[1] is None
    assert frame.geometry.iloc[:1].is_valid.all()
    assert frame.area.iloc[0] == pytest.approx(50.0)


# ------------------------------------------------------------------------------------------------- WFS


def _pdok_features(pad: Path, soort: str) -> list[dict]:
    """The real Utrecht features with the property names PDOK's wijkenbuurten layers use."""
    out = []
    for f in json.loads(pad.read_text(encoding="utf-8"))["features"]:
        code, naam = f["properties"]["statcode"], f["properties"]["statnaam"]
        props = {f"{soort}code": code, f"{soort}naam": naam, "gemeentecode": "GM0344", "gemeentenaam": "Utrecht"}
        if soort == "buurt":
            props["wijkcode"] = "WK" + code[2:8]
        props["water"] = "NEE"
        out.append({"type": "Feature", "id": code, "geometry": f["geometry"], "properties": props})
    return out


def _wfs_handler(features: list[dict], *, number_matched: bool = False):
    """Answer GetFeature like PDOK: apply the XML filter's gemeentecode, then startIndex/count."""

    def handler(request: Request) -> Response:
        literal = re.search(r"<fes:Literal>(.*?)</fes:Literal>", request.args.get("filter", ""))
        gekozen = [f for f in features if literal and f["properties"]["gemeentecode"] == literal.group(1)]
        start, count = int(request.args["startIndex"]), int(request.args["count"])
        body = {"type": "FeatureCollection", "features": gekozen[start : start + count]}
        if number_matched:
            body["numberMatched"] = len(gekozen)
        return Response(json.dumps(body), content_type="application/json")

    return handler


def _base(httpserver) -> str:
    return httpserver.url_for("/cbs/wijkenbuurten")


def _starts(httpserver) -> list[int]:
    return [int(req.args["startIndex"]) for req, _resp in httpserver.log]


def test_wfs_pagineert_met_xml_filter(httpserver, tmp_path):
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(_pdok_features(BUURTEN, "buurt")))
    frame = fetch_grenzen_pdok(
        2024, "GM0344", "buurt", snapshot_dir=tmp_path, base_url=_base(httpserver), page_size=50
    )
    assert len(frame) == 111
    assert _starts(httpserver) == [0, 50, 100]
    args = httpserver.log[0][0].args
    assert args["typeNames"] == "wijkenbuurten:buurten"
    assert args["service"] == "WFS" and args["version"] == "2.0.0" and args["request"] == "GetFeature"
    assert args["srsName"] == "EPSG:28992"
    assert args["outputFormat"] == "application/json"
    assert args["count"] == "50"
    assert "gemeentecode" in args["filter"] and "GM0344" in args["filter"]
    assert "CQL_FILTER" not in args
    # buurtcode wins over the wijkcode/gemeentecode that PDOK puts on every buurt.
    assert_geodataframe_equal(frame, read_grenzen_file(BUURTEN))


def test_wfs_wijken_stopt_bij_number_matched(httpserver, tmp_path):
    features = _pdok_features(WIJKEN, "wijk")
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(features, number_matched=True))
    frame = fetch_grenzen_pdok(
        2024, "344", "wijk", snapshot_dir=tmp_path, base_url=_base(httpserver), page_size=5
    )
    assert list(frame["gebied_code"]) == [f"WK0344{i:02d}" for i in range(1, 11)]
    assert httpserver.log[0][0].args["typeNames"] == "wijkenbuurten:wijken"
    assert _starts(httpserver) == [0, 5]  # 10 of 10 matched: no third request


def test_wfs_zonder_number_matched_leest_tot_korte_pagina(httpserver, tmp_path):
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(_pdok_features(WIJKEN, "wijk")))
    frame = fetch_grenzen_pdok(
        2024, "GM0344", "wijk", snapshot_dir=tmp_path, base_url=_base(httpserver), page_size=5
    )
    assert len(frame) == 10
    assert _starts(httpserver) == [0, 5, 10]  # the empty third page ends the loop


def test_wfs_herhaalt_na_503(httpserver, tmp_path):
    httpserver.expect_oneshot_request(WFS_PAD).respond_with_data("busy", status=503)
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(_pdok_features(BUURTEN, "buurt")))
    slaap: list[float] = []
    client = HttpClient(sleep=slaap.append)
    frame = fetch_grenzen_pdok(
        2024,
        "GM0344",
        "buurt",
        snapshot_dir=tmp_path,
        base_url=_base(httpserver),
        client=client,
        page_size=50,
    )
    assert len(frame) == 111
    assert slaap == [1.0]
    assert [resp.status_code for _req, resp in httpserver.log] == [503, 200, 200, 200]


def test_snapshot_teruglezen_zonder_server(httpserver, tmp_path):
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(_pdok_features(BUURTEN, "buurt")))
    online = fetch_grenzen_pdok(
        2024, "GM0344", "buurt", snapshot_dir=tmp_path, base_url=_base(httpserver), page_size=50
    )
    verzoeken = len(httpserver.log)

    offline = read_grenzen_snapshot(2024, "344", "buurt", snapshot_dir=tmp_path)
    assert len(httpserver.log) == verzoeken
    assert_geodataframe_equal(offline, online)
    (folder,) = (tmp_path / "pdok_wfs" / "2024-GM0344-buurt").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-buurten-0.json",
        "002-buurten-50.json",
        "003-buurten-100.json",
        "COMPLETE.json",
    ]
    info = json.loads((folder / "COMPLETE.json").read_text(encoding="utf-8"))
    assert (info["paginas"], info["features"], info["gebieden"]) == (3, 111, 111)


def test_wfs_onbekende_gemeente_laat_geen_complete_snapshot_achter(httpserver, tmp_path):
    httpserver.expect_request(WFS_PAD).respond_with_handler(_wfs_handler(_pdok_features(BUURTEN, "buurt")))
    with pytest.raises(SourceError, match="no features for GM0363"):
        fetch_grenzen_pdok(
            2024, "GM0363", "buurt", snapshot_dir=tmp_path, base_url=_base(httpserver)
        )
    with pytest.raises(SourceError, match="no snapshot of pdok_wfs 2024-GM0363-buurt"):
        read_grenzen_snapshot(2024, "GM0363", "buurt", snapshot_dir=tmp_path)


def test_wfs_die_startindex_negeert_loopt_niet_eindeloos(httpserver, tmp_path):
    features = _pdok_features(BUURTEN, "buurt")[:5]
    httpserver.expect_request(WFS_PAD).respond_with_json({"type": "FeatureCollection", "features": features})
    with pytest.raises(SourceError, match="ignores startIndex"):
        fetch_grenzen_pdok(
            2024, "GM0344", "buurt", snapshot_dir=tmp_path, base_url=_base(httpserver), page_size=5
        )
    assert _starts(httpserver) == [0, 5]


# ------------------------------------------------------------------------------------------------ helpers


def _vlak(props: dict, ring: list[list[float]]) -> dict:
    # Shift the toy square into the RD New box so the file reads as RD, as CBS files do.
    ring = [[x + 130_000, y + 450_000] for x, y in ring]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _schrijf(pad: Path, features: list[dict]) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    pad.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}), encoding="utf-8")


def _wijk_en_buurtkaart(pad: Path) -> Path:
    """A CBS wijk- en buurtkaart-like GeoPackage: layers buurten, wijken and gemeenten (the gemeente dissolved)."""
    buurten = gpd.read_file(BUURTEN).drop(columns="FID")
    wijken = gpd.read_file(WIJKEN).drop(columns="FID")
    gemeente = gpd.GeoDataFrame(
        {"gemeentecode": ["GM0344"], "gemeentenaam": ["Utrecht"]}, geometry=[wijken.union_all()], crs=wijken.crs
    )
    for laag, frame in (("buurten", buurten), ("wijken", wijken), ("gemeenten", gemeente)):
        frame.to_file(pad, layer=laag, driver="GPKG")
    return pad


def test_a_configured_geopackage_loads_all_its_layers_or_one_per_entry(prefect_harness, tmp_path):
    """`niveau` in [[grenzen_bestanden]] reads one layer; two entries for two layers of one file are two loads."""
    import duckdb

    from flows.ingest import ingest_cbs
    from wijkprofiel.config import load_config
    from wijkprofiel.pipeline.plan import BronBestand, parameters_uit_config

    kaart = _wijk_en_buurtkaart(tmp_path / "wijkenbuurten_2024.gpkg")
    kwb = Path(__file__).resolve().parents[1] / "data" / "cbs" / "kwb-2024-utrecht.xlsx"
    (tmp_path / "per-laag.toml").write_text(
        f'gemeenten = ["GM0344"]\nonline = false\n[[cbs_bestanden]]\npad = "{kwb}"\njaar = 2024\n'
        f'[[grenzen_bestanden]]\npad = "{kaart}"\njaar = 2024\nniveau = "buurt"\n'
        f'[[grenzen_bestanden]]\npad = "{kaart}"\njaar = 2024\nniveau = "wijk"\n',
        encoding="utf-8",
    )
    params = parameters_uit_config(load_config(tmp_path / "per-laag.toml"), ["cbs"])
    per_laag = [BronBestand(**b) for b in params["grenzen_bestanden"]]

    loads = ingest_cbs(str(tmp_path / "per-laag.duckdb"), "GM0344", grenzen_bestanden=per_laag)
    alles = ingest_cbs(str(tmp_path / "alles.duckdb"), "GM0344", grenzen_bestanden=[BronBestand(pad=str(kaart), jaar=2024)])

    assert [(load["loaded"], load["duplicate"]) for load in loads] == [(111, False), (10, False)]
    assert [load["loaded"] for load in alles] == [122]
    with duckdb.connect(str(tmp_path / "alles.duckdb"), read_only=True) as con:
        niveaus = dict(con.execute("select niveau, count(*) from raw.cbs_grenzen group by niveau").fetchall())
    assert niveaus == {"buurt": 111, "wijk": 10, "gemeente": 1}

"""The CBS OData Feed client against a local stand-in for opendata.cbs.nl holding the real 2024 Utrecht rows.

The stand-in (`FakeFeed`) serves DataProperties, WijkenEnBuurten and TypedDataSet the way the Feed does:
codes padded to 10 characters, null for '.', pages linked by an absolute `odata.nextLink`. Faults (HTTP 500,
a slow answer, a truncated body) are queued per resource, so each test says exactly which request fails.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file
from wijkprofiel.ingest.readers.public.cbs_odata import fetch_kwb_odata, read_kwb_snapshot
from wijkprofiel.ingest.readers.public.http import HttpClient
from wijkprofiel.reference.catalogue import variabele_voor_kort

XLSX = Path(__file__).resolve().parents[1] / "data" / "cbs" / "kwb-2024-utrecht.xlsx"
TABEL = "85984NED"
JAAR = 2024
GEMEENTE = "GM0344"

# Served although no indicator uses them, to show that unknown topics are ignored.
_EXTRA_NIET_IN_CATALOGUS = {"a_ongeh": "Ongehuwd", "a_gehuwd": "Gehuwd"}
# Characters CBS leaves unescaped in the $filter of a nextLink.
_FILTER_SAFE = "'(),"


def _odata_sleutels(kolommen: list[str]) -> dict[str, str]:
    """Release-file column → OData key as in the 2024 table (a_inw → AantalInwoners_5).

    The suffix is the column's position in the table: up to GemiddeldeHuishoudensgrootte that is the release
    file's position; after it the Feed table has three columns more than the file, which puts bijstand at
    PersonenPerSoortUitkeringBijstand_87 as in 85984NED.
    """
    out = {}
    for positie, kort in enumerate(kolommen):
        var = variabele_voor_kort(kort)
        basis = var.odata_sleutels[0] if var else _EXTRA_NIET_IN_CATALOGUS.get(kort)
        if basis is None or kort == "ind_wbi":
            continue
        nummer = positie - 2 if positie <= kolommen.index("g_hhgro") else positie + 1
        out[kort] = f"{basis}_{nummer}"
    return out


@cache
def _release_bestand() -> pd.DataFrame:
    return pd.read_excel(XLSX, dtype=object)


def _waarde(cel: object, datatype: str) -> object:
    """A release-file cell as the Feed gives it: '.' (unknown or secret) is null, Double columns are floats."""
    if isinstance(cel, str):
        assert cel.strip() == ".", f"unexpected text in a numeric column: {cel!r}"
        return None
    if datatype == "Double":
        return float(cel)
    return cel


def _pad(value: object, breedte: int) -> str:
    # CBS pads codes and short texts with spaces to a fixed width.
    return str(value).ljust(breedte)


@dataclass
class FeedTabel:
    """One KWB table in the Feed's shapes."""

    properties: list[dict]
    gebieden: list[dict]
    rijen: list[dict]


def feed_tabel_uit_release(frame: pd.DataFrame) -> FeedTabel:
    """DataProperties, WijkenEnBuurten and TypedDataSet rows built from a release file's rows."""
    sleutels = _odata_sleutels(list(frame.columns))
    # openpyxl gives whole numbers as int even in a decimal column (2 in g_hhgro), so one float makes a Double.
    datatypes = {kort: "Double" if any(isinstance(v, float) for v in frame[kort]) else "Long" for kort in sleutels}
    properties = [
        {"odata.type": "Cbs.OData.GeoDimension", "ID": 0, "Position": 0, "ParentID": None, "Type": "GeoDimension",
         "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "Description": None, "MapYear": "2024",
         "ReleasePolicy": True},
        {"odata.type": "Cbs.OData.TopicGroup", "ID": 1, "Position": None, "ParentID": None, "Type": "TopicGroup",
         "Key": "Regioaanduiding", "Title": "Regioaanduiding", "Description": None},
    ]
    for nummer, (key, titel) in enumerate(
        [("Gemeentenaam", "Gemeentenaam"), ("SoortRegio", "Soort regio"), ("Codering", "Codering"),
         ("IndelingswijzigingWijkenEnBuurten", "Indelingswijziging wijken en buurten")], start=1
    ):
        properties.append(_topic(len(properties), nummer, 1, f"{key}_{nummer}", titel, "String", ""))
    properties.append({"odata.type": "Cbs.OData.TopicGroup", "ID": len(properties), "Position": None,
                       "ParentID": None, "Type": "TopicGroup", "Key": "Bevolking", "Title": "Bevolking",
                       "Description": None})
    groep = len(properties) - 1
    for kort, key in sleutels.items():
        var = variabele_voor_kort(kort)
        positie = int(key.rsplit("_", 1)[1])
        properties.append(_topic(len(properties), positie, groep, key, var.label if var else key.rsplit("_", 1)[0],
                                 datatypes[kort], var.eenheid if var else "aantal"))

    gebieden, rijen = [], []
    for index, rec in enumerate(frame.to_dict("records")):
        code = _pad(rec["gwb_code_10"], 10)
        gebieden.append({"Key": code, "Title": rec["regio"], "Description": None})
        rij = {
            "ID": 14000 + index,
            "WijkenEnBuurten": code,
            "Gemeentenaam_1": _pad(rec["gm_naam"], 10),
            "SoortRegio_2": _pad(rec["recs"], 10),
            "Codering_3": code,
            "IndelingswijzigingWijkenEnBuurten_4": None if rec["ind_wbi"] == "." else _pad(rec["ind_wbi"], 5),
        }
        for kort, key in sleutels.items():
            rij[key] = _waarde(rec[kort], datatypes[kort])
        rijen.append(rij)
    return FeedTabel(properties, gebieden, rijen)


def _topic(id_: int, positie: int, parent: int, key: str, titel: str, datatype: str, eenheid: str) -> dict:
    return {"odata.type": "Cbs.OData.Topic", "ID": id_, "Position": positie, "ParentID": parent, "Type": "Topic",
            "Key": key, "Title": titel, "Description": None, "Datatype": datatype, "Unit": eenheid,
            "Decimals": 1 if datatype == "Double" else 0, "Default": "Impossible", "PresentationType": "Absolute"}


def _filter(veld: str) -> str:
    return " or ".join(f"startswith({veld},'{p}0344')" for p in ("GM", "WK", "BU"))


Storing = Callable[["FakeFeed", Request], Response]


@dataclass
class FakeFeed:
    """opendata.cbs.nl/ODataFeed/odata/<TABEL> for one gemeente, as a pytest-httpserver handler."""

    server: HTTPServer
    tabel: FeedTabel
    page_size: int = 50
    #: Per resource (DataProperties, WijkenEnBuurten, TypedDataSet): faults for its next requests, in order.
    storingen: dict[str, list[Storing]] = field(default_factory=dict)
    #: (resource, raw query string) of every request, logged on arrival.
    verzoeken: list[tuple[str, str]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def aantal(self, resource: str) -> int:
        return sum(1 for r, _ in self.verzoeken if r == resource)

    def __call__(self, request: Request) -> Response:
        resource = request.path.rsplit("/", 1)[-1]
        self.verzoeken.append((resource, request.query_string.decode()))
        wachtrij = self.storingen.get(resource)
        if wachtrij:
            return wachtrij.pop(0)(self, request)
        return self.antwoord(request)

    def antwoord(self, request: Request) -> Response:
        resource = request.path.rsplit("/", 1)[-1]
        if request.args.get("$format") != "json":
            return Response("only $format=json in this stand-in", status=400)
        metadata = f"{self.base_url}/{TABEL}/$metadata#Cbs.OData.WebAPI.{resource}"
        if resource == "DataProperties":
            return _json({"odata.metadata": metadata, "value": self.tabel.properties})
        if resource == "WijkenEnBuurten":
            if request.args.get("$filter") != _filter("Key"):
                return Response(f"unexpected $filter {request.args.get('$filter')!r}", status=400)
            return _json({"odata.metadata": metadata, "value": self.tabel.gebieden})
        if resource == "TypedDataSet":
            if request.args.get("$filter") != _filter("WijkenEnBuurten"):
                return Response(f"unexpected $filter {request.args.get('$filter')!r}", status=400)
            return _json(self.pagina(request.args.get("$skiptoken"), metadata))
        return Response("Resource not found for the segment", status=404)

    def pagina(self, skiptoken: str | None, metadata: str) -> dict:
        start = 0
        if skiptoken:
            laatste_id = int(re.fullmatch(r"Id eq (\d+)", skiptoken).group(1))
            start = next(i for i, r in enumerate(self.tabel.rijen) if r["ID"] == laatste_id) + 1
        rijen = self.tabel.rijen[start : start + self.page_size]
        payload = {"odata.metadata": metadata, "value": rijen}
        if start + self.page_size < len(self.tabel.rijen):
            # Absolute, and carrying the whole query, as on opendata.cbs.nl.
            payload["odata.nextLink"] = (
                self.server.url_for(f"/{TABEL}/TypedDataSet")
                + f"?$format=json&$filter={quote(_filter('WijkenEnBuurten'), safe=_FILTER_SAFE)}"
                + f"&$skiptoken=Id%20eq%20{rijen[-1]['ID']}"
            )
        return payload


def _json(payload: dict) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), content_type="application/json;charset=utf-8")


# Faults -------------------------------------------------------------------------------------------------


def fout_500(feed: FakeFeed, request: Request) -> Response:
    return Response("Internal Server Error", status=500)


def te_laat(seconden: float) -> Storing:
    def storing(feed: FakeFeed, request: Request) -> Response:
        time.sleep(seconden)
        return feed.antwoord(request)

    return storing


def afgekapt(feed: FakeFeed, request: Request) -> Response:
    """A valid answer cut in half, sent as a complete HTTP response (as a proxy that gives up may do)."""
    goed = feed.antwoord(request)
    body = goed.get_data()
    return Response(body[: len(body) // 2], content_type="application/json;charset=utf-8")


# Fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_httpserver():
    # Threaded, unlike the plugin's default: in the timeout tests a handler is still sleeping while the client
    # retries, and a single-threaded server would queue the retry behind it.
    server = HTTPServer(host="localhost", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def feed(httpserver: HTTPServer) -> FakeFeed:
    stand_in = FakeFeed(httpserver, feed_tabel_uit_release(_release_bestand()))
    httpserver.expect_request(re.compile(rf"^/{TABEL}/")).respond_with_handler(stand_in)
    return stand_in


@pytest.fixture
def wachttijden() -> list[float]:
    return []


@pytest.fixture
def client(wachttijden: list[float]) -> HttpClient:
    # Backoff delays are recorded instead of slept, so a retry costs no time and its delays can be asserted.
    return HttpClient(timeout=2.0, retries=2, sleep=wachttijden.append)


@pytest.fixture
def ongeduldige_client(wachttijden: list[float]) -> HttpClient:
    """A 0.5 s timeout for the timeout tests; the other tests keep 2 s so a busy CI machine does not flake."""
    return HttpClient(timeout=0.5, retries=2, sleep=wachttijden.append)


def _fetch(feed: FakeFeed, client: HttpClient, snapshot_dir: Path, gemeente: str = GEMEENTE):
    return fetch_kwb_odata(TABEL, gemeente, JAAR, snapshot_dir=snapshot_dir, base_url=feed.base_url, client=client)


def _rij(release, code: str) -> dict:
    rijen = release.rijen[release.rijen["gebied_code"] == code]
    assert len(rijen) == 1, code
    return rijen.iloc[0].to_dict()


# Tests --------------------------------------------------------------------------------------------------


def test_three_pages_via_nextlink_give_all_122_areas(feed, client, wachttijden, tmp_path):
    release = _fetch(feed, client, tmp_path)

    assert feed.aantal("TypedDataSet") == 3
    assert wachttijden == []
    assert release.tabel_id == TABEL and release.jaar == JAAR
    assert len(release.rijen) == 122
    assert release.rijen["gebied_code"].tolist() == [c.strip() for c in _release_bestand()["gwb_code_10"]]
    assert not release.rijen["gebied_code"].str.contains(" ").any()

    assert _rij(release, "WK034401")["inwoners"] == "29710"
    assert _rij(release, "BU03440111")["inwoners"] == "1800"
    gemeente = _rij(release, "GM0344")
    assert gemeente["inwoners"] == "374238"
    assert gemeente["gebied_naam"] == "Utrecht"
    assert gemeente["ind_wbi"] == "1"
    assert gemeente["gemiddelde_huishoudensgrootte"] == "1.9"
    assert _rij(release, "WK034401")["gebied_naam"] == "Wijk 01 West"
    assert _rij(release, "BU03440111")["gebied_naam"] == "Welgelegen, Den Hommel"

    # Bijstand is '.' for every area of the 2024 release; the Feed sends null, which stays None, never '0'.
    assert gemeente["personen_bijstand"] is None
    assert release.rijen["personen_bijstand"].map(lambda v: v is None).all()
    assert "Ongehuwd" not in "".join(release.rijen.columns)


def test_nextlink_is_requested_exactly_as_given(feed, client, tmp_path):
    _fetch(feed, client, tmp_path)

    queries = [q for r, q in feed.verzoeken if r == "TypedDataSet"]
    filter_ = quote(_filter("WijkenEnBuurten"), safe=_FILTER_SAFE)
    assert queries == [
        f"$format=json&$filter={filter_}",
        f"$format=json&$filter={filter_}&$skiptoken=Id%20eq%2014049",
        f"$format=json&$filter={filter_}&$skiptoken=Id%20eq%2014099",
    ]


def test_feed_release_equals_release_file(feed, client, tmp_path):
    """Same 2024 rows through the Feed and through the Excel release: same codes, names, values."""
    release = _fetch(feed, client, tmp_path)
    bestand = read_cbs_file(XLSX, JAAR)

    # The file keeps CBS's '.' as text for staging; the Feed sends null for the same cells.
    verwacht = [{k: None if v == "." else v for k, v in rec.items()} for rec in bestand.rijen.to_dict("records")]
    assert sorted(release.rijen.columns) == sorted(bestand.rijen.columns)
    assert release.rijen.to_dict("records") == verwacht
    assert release.ontbrekend == bestand.ontbrekend


def test_http_500_is_retried(feed, client, wachttijden, tmp_path):
    feed.storingen["TypedDataSet"] = [fout_500]

    release = _fetch(feed, client, tmp_path)

    assert len(release.rijen) == 122
    assert feed.aantal("TypedDataSet") == 4  # 500, then the three pages
    assert wachttijden == [1.0]


def test_slow_answer_is_retried(feed, ongeduldige_client, wachttijden, tmp_path):
    feed.storingen["TypedDataSet"] = [te_laat(1.0)]

    release = _fetch(feed, ongeduldige_client, tmp_path)

    assert _rij(release, "GM0344")["inwoners"] == "374238"
    assert feed.aantal("TypedDataSet") == 4
    assert wachttijden == [1.0]


def test_no_answer_at_all_is_one_clear_error(feed, ongeduldige_client, wachttijden, tmp_path):
    feed.storingen["TypedDataSet"] = [te_laat(1.0)] * 3

    with pytest.raises(SourceError) as exc:
        _fetch(feed, ongeduldige_client, tmp_path)

    melding = str(exc.value)
    assert "no answer within 0.5 s" in melding
    assert f"CBS {TABEL} TypedDataSet" in melding
    assert "gave up after 3 attempts" in melding
    assert "\n" not in melding
    assert wachttijden == [1.0, 2.0]


def test_truncated_body_is_retried(feed, client, wachttijden, tmp_path):
    feed.storingen["TypedDataSet"] = [afgekapt]

    release = _fetch(feed, client, tmp_path)

    assert len(release.rijen) == 122
    assert feed.aantal("TypedDataSet") == 4
    assert wachttijden == [1.0]


def test_always_truncated_is_one_clear_error(feed, client, tmp_path):
    feed.storingen["TypedDataSet"] = [afgekapt] * 3

    with pytest.raises(SourceError, match=r"incomplete or invalid JSON") as exc:
        _fetch(feed, client, tmp_path)
    assert "\n" not in str(exc.value)


def test_missing_aantal_inwoners_names_table_and_column(feed, client, tmp_path):
    feed.tabel.properties = [p for p in feed.tabel.properties if not p["Key"].startswith("AantalInwoners")]

    with pytest.raises(SourceError) as exc:
        _fetch(feed, client, tmp_path)

    assert str(exc.value) == (
        "CBS table 85984NED: expected column AantalInwoners (indicator inwoners) is missing from DataProperties"
    )
    # Checked before any data is fetched, and the broken fetch leaves no snapshot to read back.
    assert feed.aantal("TypedDataSet") == 0
    with pytest.raises(SourceError, match="no snapshot"):
        read_kwb_snapshot(TABEL, GEMEENTE, JAAR, snapshot_dir=tmp_path)


def test_renumbered_columns_are_still_found(feed, client, tmp_path):
    """Next year's table shifts every suffix by one; the mapping must not care."""
    hernoemd = {}
    for prop in feed.tabel.properties:
        if prop["Type"] == "Topic":
            basis, nummer = prop["Key"].rsplit("_", 1)
            hernoemd[prop["Key"]] = f"{basis}_{int(nummer) + 1}"
            prop["Key"] = hernoemd[prop["Key"]]
    feed.tabel.rijen = [{hernoemd.get(k, k): v for k, v in rij.items()} for rij in feed.tabel.rijen]

    release = _fetch(feed, client, tmp_path)

    assert _rij(release, "WK034401")["inwoners"] == "29710"
    assert _rij(release, "WK034401")["ind_wbi"] == "1"


def test_snapshot_gives_the_same_release_offline(feed, client, tmp_path):
    online = _fetch(feed, client, tmp_path)
    aantal_verzoeken = len(feed.verzoeken)

    offline = read_kwb_snapshot(TABEL, "0344", JAAR, snapshot_dir=tmp_path)

    assert len(feed.verzoeken) == aantal_verzoeken
    pd.testing.assert_frame_equal(offline.rijen, online.rijen)
    assert offline.ontbrekend == online.ontbrekend
    assert offline.bron == online.bron
    info = json.loads(next(tmp_path.glob(f"cbs_odata/{TABEL}-{GEMEENTE}/*/COMPLETE.json")).read_text())
    assert {k: info[k] for k in ("tabel", "gemeente", "jaar", "base_url", "rijen")} == {
        "tabel": TABEL, "gemeente": GEMEENTE, "jaar": JAAR, "base_url": feed.base_url, "rijen": 122
    }
    assert "fetched_at" in info


def test_failed_fetch_keeps_the_previous_snapshot(feed, client, tmp_path):
    eerste = _fetch(feed, client, tmp_path)
    feed.storingen["TypedDataSet"] = [fout_500] * 3

    with pytest.raises(SourceError, match="HTTP 500"):
        _fetch(feed, client, tmp_path)

    pd.testing.assert_frame_equal(read_kwb_snapshot(TABEL, GEMEENTE, JAAR, snapshot_dir=tmp_path).rijen, eerste.rijen)


def test_no_snapshot_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match=r"no snapshot of cbs_odata 85984NED-GM0344"):
        read_kwb_snapshot(TABEL, GEMEENTE, JAAR, snapshot_dir=tmp_path)


def test_a_table_without_the_age_columns_loads_without_their_indicators(feed, client, tmp_path):
    """A table without k_65JaarOfOuder (as later releases lack the age columns) is no error: the indicator is
    listed as missing, and the report falls back to another map indicator (tests/test_elke_release.py)."""
    feed.tabel.properties = [p for p in feed.tabel.properties if not p["Key"].startswith("k_65JaarOfOuder")]

    release = _fetch(feed, client, tmp_path)

    assert len(release.rijen) == 122
    assert "inwoners_65_plus" in release.ontbrekend and "inwoners_65_plus" not in release.indicatoren
    assert _rij(release, GEMEENTE)["inwoners"] == "374238"

"""Fault tests for the public sources: a local stand-in for CBS's OData Feed and PDOK's WFS that fails on cue.

The stand-in is a stdlib http.server in a thread (not a mock of requests), so the client meets real sockets:
a 500, a 503 with Retry-After, an answer later than the client's timeout, a connection reset halfway through
the body, a body cut short, a nextLink loop, a renamed column and an empty result. It serves real recordings:
CBS's DataProperties of table 85984NED (tests/fixtures/cbs/odata-85984NED-DataProperties.json, as CBS sent
it) with the TypedDataSet rows of the real 2024 Utrecht release file under those keys, and the real 2024
Utrecht buurten under the property names of PDOK's wijkenbuurten layer.

Expected of every fault: retries back off within bounds (delays recorded, never slept), no loop runs for
ever, every error is one line, a failed fetch leaves no snapshot folder, and the scheduled refresh then
loads the last good snapshot and marks it stale where the report and the run summary show it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, quote, urlsplit

import duckdb
import pandas as pd
import pytest
from modeltest import bouw, rijen

from wijkprofiel.db import connect
from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public.cbs_odata import fetch_kwb_odata, read_kwb_snapshot
from wijkprofiel.ingest.readers.public.http import HttpClient
from wijkprofiel.ingest.readers.public.pdok import fetch_grenzen_pdok
from wijkprofiel.pipeline.refresh import cbs_verversen, grenzen_verversen
from wijkprofiel.pipeline.summary import run_samenvatting
from wijkprofiel.reference.catalogue import variabele_voor_odata

ROOT = Path(__file__).resolve().parents[1]
DATAPROPERTIES = ROOT / "tests" / "fixtures" / "cbs" / "odata-85984NED-DataProperties.json"
XLSX = ROOT / "data" / "cbs" / "kwb-2024-utrecht.xlsx"
BUURTEN = ROOT / "data" / "geo" / "buurten-2024-utrecht.geojson"
TABEL, JAAR, GEMEENTE = "85984NED", 2024, "GM0344"
CBS_PAGINA = 50  # rows per TypedDataSet page: 122 rows are three pages, as 10,000 are on opendata.cbs.nl
PDOK_PAGINA = 50  # features per GetFeature page: 111 buurten are three pages
TIMEOUT = 0.5  # the client's timeout in the timeout cases; a slow answer comes after TRAAG seconds
TRAAG = 1.2


# ------------------------------------------------------------------------------------------ recordings


@cache
def _cbs_tabel() -> tuple[list[dict], list[dict], list[dict]]:
    """(DataProperties, WijkenEnBuurten, TypedDataSet rows): the recorded properties, the release file's rows."""
    properties = json.loads(DATAPROPERTIES.read_text(encoding="utf-8"))
    release = pd.read_excel(XLSX, dtype=object)
    vast = {"Gemeentenaam_1": "gm_naam", "SoortRegio_2": "recs", "IndelingswijzigingGemeenteWijkBuurt_4": "ind_wbi"}
    gebieden, data = [], []
    for index, rec in enumerate(release.to_dict("records")):
        code = str(rec["gwb_code_10"]).ljust(10)  # CBS pads keys to 10 characters
        gebieden.append({"Key": code, "Title": rec["regio"], "Description": None})
        rij = {"ID": 14000 + index, "WijkenEnBuurten": code, "Codering_3": code}
        for prop in properties:
            key = prop["Key"]
            if prop["Type"] != "Topic" or key in rij:
                continue
            var = variabele_voor_odata(key)
            kort = vast.get(key) or (var.kwb_kort if var else None)
            cel = rec.get(kort) if kort else None
            # The Feed sends null where the release file has '.', and numbers as numbers.
            rij[key] = None if cel is None or (isinstance(cel, str) and cel.strip() == ".") else (
                float(cel) if prop.get("Datatype") == "Double" and not isinstance(cel, str) else cel
            )
        data.append(rij)
    return properties, gebieden, data


@cache
def _pdok_buurten() -> list[dict]:
    """The real buurten with the properties PDOK's wijkenbuurten:buurten layer has."""
    out = []
    for f in json.loads(BUURTEN.read_text(encoding="utf-8"))["features"]:
        code, naam = f["properties"]["statcode"], f["properties"]["statnaam"]
        props = {"buurtcode": code, "buurtnaam": naam, "wijkcode": "WK" + code[2:8], "gemeentecode": GEMEENTE,
                 "gemeentenaam": "Utrecht", "water": "NEE"}
        out.append({"type": "Feature", "id": f"buurten.{code}", "geometry": f["geometry"], "properties": props})
    return out


def _hernoem(rijen_: list[dict], oud: str, nieuw: str) -> list[dict]:
    return [{(nieuw if k == oud else k): v for k, v in r.items()} for r in rijen_]


# ------------------------------------------------------------------------------------------ stand-in

#: A fault answers one request in its own way (and may break the connection); it gets the stand-in and handler.
Storing = Callable[["StandIn", "_Handler"], None]


@dataclass
class StandIn:
    """opendata.cbs.nl/ODataFeed/odata/<TABEL>/… and service.pdok.nl/cbs/wijkenbuurten/<jaar>/wfs/v1_0."""

    base: str = ""
    properties: list[dict] = field(default_factory=list)
    gebieden: list[dict] = field(default_factory=list)
    data: list[dict] = field(default_factory=list)
    buurten: list[dict] = field(default_factory=list)
    #: How TypedDataSet pages link on: "skiptoken" (as CBS), "zelf" (a page links to itself), "kring" (the
    #: third page links back to the first), "eindeloos" (always a new link), "v4" (@odata.nextLink).
    paginering: str = "skiptoken"
    #: How the WFS treats startIndex: "ok", "negeert" (always the first page), "kring" (back to page 1 after 2),
    #: "eindeloos" (always a full page of new features).
    wfs: str = "ok"
    #: Per resource (DataProperties, WijkenEnBuurten, TypedDataSet, wfs): faults for its next requests.
    storingen: dict[str, list[Storing]] = field(default_factory=dict)
    verzoeken: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def cbs_url(self) -> str:
        return f"{self.base}/ODataFeed/odata"

    @property
    def pdok_url(self) -> str:
        return f"{self.base}/cbs/wijkenbuurten"

    def storing(self, resource: str, fout: Storing, keer: int = 1000) -> None:
        """`fout` for the next `keer` requests of `resource` (the default: for every request of this test)."""
        self.storingen[resource] = [fout] * keer

    def aantal(self, resource: str) -> int:
        return self.verzoeken.count(resource)

    def beantwoord(self, handler: "_Handler") -> None:
        resource = _resource(handler.path)
        with self.lock:
            self.verzoeken.append(resource)
            wachtrij = self.storingen.get(resource)
            fout = wachtrij.pop(0) if wachtrij else None
        if fout is not None:
            fout(self, handler)
        else:
            status, body = self.antwoord(handler.path)
            _stuur(handler, status, body)

    def antwoord(self, path: str) -> tuple[int, bytes]:
        resource, query = _resource(path), parse_qs(urlsplit(path).query)
        if resource == "wfs":
            return 200, _json(self.wfs_pagina(query))
        if query.get("$format") != ["json"]:
            return 400, b"only $format=json in this stand-in"
        if resource == "DataProperties":
            return 200, _json({"odata.metadata": "…", "value": self.properties})
        if resource == "WijkenEnBuurten":
            return 200, _json({"odata.metadata": "…", "value": self.gebieden})
        if resource == "TypedDataSet":
            return 200, _json(self.cbs_pagina(path, query))
        return 404, b"Resource not found for the segment"

    def cbs_pagina(self, path: str, query: dict) -> dict:
        start = int(query.get("$skiptoken", ["Id eq 13999"])[0].split()[-1]) - 13999
        rijen_ = self.data[start : start + CBS_PAGINA]
        pagina = {"odata.metadata": "…", "value": rijen_}
        volgende = start + CBS_PAGINA
        if self.paginering == "eindeloos" or volgende < len(self.data):
            link = self.base + urlsplit(path).path + "?$format=json&$filter=" + quote(query["$filter"][0], safe="'(),")
            if self.paginering == "zelf":
                pagina["odata.nextLink"] = self.base + path
            elif self.paginering == "kring" and volgende >= 2 * CBS_PAGINA:
                pagina["odata.nextLink"] = link  # the first page again
            else:
                sleutel = "@odata.nextLink" if self.paginering == "v4" else "odata.nextLink"
                pagina[sleutel] = f"{link}&$skiptoken=Id%20eq%20{13999 + volgende}"
        return pagina

    def wfs_pagina(self, query: dict) -> dict:
        literal = re.search(r"<fes:Literal>(.*?)</fes:Literal>", query["filter"][0]).group(1)
        gekozen = [f for f in self.buurten if f["properties"]["gemeentecode"] == literal]
        start, count = int(query["startIndex"][0]), int(query["count"][0])
        if self.wfs == "negeert":
            start = 0
        elif self.wfs == "kring":
            start %= 2 * count
        elif self.wfs == "eindeloos":
            gekozen = [dict(f, id=f"{f['id']}-{start}") for f in gekozen[:count]]
            return {"type": "FeatureCollection", "features": gekozen}
        return {"type": "FeatureCollection", "features": gekozen[start : start + count]}


def _resource(path: str) -> str:
    pad = urlsplit(path).path
    return "wfs" if pad.endswith("/wfs/v1_0") else pad.rsplit("/", 1)[-1]


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _stuur(handler: "_Handler", status: int, body: bytes, headers: dict | None = None, lengte: int | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json;charset=utf-8")
    handler.send_header("Content-Length", str(len(body) if lengte is None else lengte))
    for naam, waarde in (headers or {}).items():
        handler.send_header(naam, waarde)
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up first (a timeout case): nothing to do


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.stand_in.beantwoord(self)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping in a timeout case must not hold up the end of a test

    def handle_error(self, request, client_address) -> None:
        pass  # a reset or a client that gave up is the point of these tests, not noise for the log


@pytest.fixture
def server():
    """The stand-in on a free local port, fresh for every test (its recordings are read once per session)."""
    properties, gebieden, data = _cbs_tabel()
    stand_in = StandIn(properties=json.loads(json.dumps(properties)), gebieden=list(gebieden),
                       data=[dict(r) for r in data], buurten=list(_pdok_buurten()))
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.stand_in = stand_in
    stand_in.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield stand_in
    httpd.shutdown()
    httpd.server_close()


# ------------------------------------------------------------------------------------------ faults


def status(code: int, retry_after: str | None = None) -> Storing:
    def fout(stand_in: StandIn, handler: _Handler) -> None:
        _stuur(handler, code, b"Service Unavailable", {"Retry-After": retry_after} if retry_after else None)

    return fout


def te_laat(stand_in: StandIn, handler: _Handler) -> None:
    """The right answer, but only after the client's timeout."""
    time.sleep(TRAAG)
    _stuur(handler, *stand_in.antwoord(handler.path))


def reset_halverwege(stand_in: StandIn, handler: _Handler) -> None:
    """Headers and half the body, then a TCP reset (SO_LINGER 0) instead of the rest."""
    _, body = stand_in.antwoord(handler.path)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json;charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    time.sleep(0.05)
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def afgekapt(stand_in: StandIn, handler: _Handler) -> None:
    """A complete HTTP response holding half a JSON body (as a proxy that gives up may send)."""
    _, body = stand_in.antwoord(handler.path)
    _stuur(handler, 200, body[: len(body) // 2])


def leeg(stand_in: StandIn, handler: _Handler) -> None:
    """A well-formed answer without any rows or features."""
    if _resource(handler.path) == "wfs":
        _stuur(handler, 200, _json({"type": "FeatureCollection", "features": []}))
    else:
        _stuur(handler, 200, _json({"odata.metadata": "…", "value": []}))


# ------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def wachttijden() -> list[float]:
    return []


def _client(wachttijden: list[float], timeout: float = 10.0, **extra) -> HttpClient:
    # Delays are recorded instead of slept: a retry costs no time, and the delays asked for can be asserted.
    return HttpClient(timeout=timeout, retries=2, sleep=wachttijden.append, **extra)


def _cbs(stand_in: StandIn, client: HttpClient, snapshots: Path, **extra):
    return fetch_kwb_odata(TABEL, GEMEENTE, JAAR, snapshot_dir=snapshots, base_url=stand_in.cbs_url, client=client,
                           **extra)


def _pdok(stand_in: StandIn, client: HttpClient, snapshots: Path, **extra):
    return fetch_grenzen_pdok(JAAR, GEMEENTE, "buurt", snapshot_dir=snapshots, base_url=stand_in.pdok_url,
                              client=client, page_size=PDOK_PAGINA, **extra)


BRONNEN = {"cbs": ("TypedDataSet", _cbs), "pdok": ("wfs", _pdok)}


def _controleer_cbs(release) -> None:
    per_code = release.rijen.set_index("gebied_code")
    assert len(per_code) == 122
    assert per_code.loc["GM0344", "inwoners"] == "374238"
    assert per_code.loc["WK034401", "inwoners"] == "29710"
    assert per_code.loc["BU03440111", "inwoners"] == "1800"
    assert per_code.loc["WK034401", "gebied_naam"] == "Wijk 01 West"
    # 85984NED calls this topic IndelingswijzigingGemeenteWijkBuurt_4, not IndelingswijzigingWijkenEnBuurten.
    assert per_code.loc["GM0344", "ind_wbi"] == "1"


def _controleer_pdok(frame) -> None:
    assert len(frame) == 111
    rij = frame.set_index("gebied_code").loc["BU03440111"]
    assert rij["gebied_naam"] == "Welgelegen, Den Hommel"


CONTROLE = {"cbs": _controleer_cbs, "pdok": _controleer_pdok}


def _mappen(snapshots: Path) -> list[str]:
    """Every snapshot folder (<bron>/<sleutel>/<folder>), empty and hidden working folders included."""
    return sorted(str(p.relative_to(snapshots)) for p in snapshots.glob("*/*/*") if p.is_dir())


def _een_regel(exc: pytest.ExceptionInfo) -> str:
    melding = str(exc.value)
    assert "\n" not in melding and "Traceback" not in melding
    assert isinstance(exc.value, SourceError)
    return melding


# ------------------------------------------------------------------------------------------ the recordings


@pytest.mark.parametrize("bron", ["cbs", "pdok"])
def test_the_stand_in_serves_the_recordings_in_three_pages(server, wachttijden, tmp_path, bron):
    resource, fetch = BRONNEN[bron]

    CONTROLE[bron](fetch(server, _client(wachttijden), tmp_path))

    assert server.aantal(resource) == 3
    assert wachttijden == []
    (map_,) = _mappen(tmp_path)
    assert re.fullmatch(r"\w+/[\w-]+/\d{8}T\d{12}Z", map_)


# ------------------------------------------------------------------------------------------ retried faults

#: (id, fault, client timeout, backoff delays asked for after one failure, after every attempt failed, message).
#: A reset normally arrives mid-body; on a busy machine it may beat the headers, which is a failed connection.
HERSTELBAAR = [
    ("500", status(500), 10.0, [1.0], [1.0, 2.0], r"HTTP 500"),
    ("503-retry-after", status(503, "7"), 10.0, [7.0], [7.0, 7.0], r"HTTP 503"),
    ("timeout", te_laat, TIMEOUT, [1.0], [1.0, 2.0], rf"no answer within {TIMEOUT:g} s"),
    ("reset-mid-body", reset_halverwege, 10.0, [1.0], [1.0, 2.0],
     r"the connection broke off during the answer|connection failed \(ConnectionError\)"),
    ("truncated-json", afgekapt, 10.0, [1.0], [1.0, 2.0], r"incomplete or invalid JSON \(.*\)"),
]


@pytest.mark.parametrize("bron", ["cbs", "pdok"])
@pytest.mark.parametrize(("fout", "timeout", "een_keer", "steeds"), [h[1:5] for h in HERSTELBAAR],
                         ids=[h[0] for h in HERSTELBAAR])
def test_one_failure_is_retried_after_the_backoff(server, wachttijden, tmp_path, bron, fout, timeout, een_keer, steeds):
    resource, fetch = BRONNEN[bron]
    server.storing(resource, fout, keer=1)

    CONTROLE[bron](fetch(server, _client(wachttijden, timeout), tmp_path))

    assert server.aantal(resource) == 4  # the failed request, then the three pages
    assert wachttijden == een_keer


@pytest.mark.parametrize("bron", ["cbs", "pdok"])
@pytest.mark.parametrize(("fout", "timeout", "steeds", "melding"), [(h[1], h[2], h[4], h[5]) for h in HERSTELBAAR],
                         ids=[h[0] for h in HERSTELBAAR])
def test_a_lasting_failure_gives_up_in_one_line_and_leaves_no_snapshot(
    server, wachttijden, tmp_path, bron, fout, timeout, steeds, melding
):
    resource, fetch = BRONNEN[bron]
    server.storing(resource, fout)

    with pytest.raises(SourceError) as exc:
        fetch(server, _client(wachttijden, timeout), tmp_path)

    tekst = _een_regel(exc)
    assert re.search(rf"gave up after 3 attempts: ({melding})$", tekst)
    assert server.aantal(resource) == 3  # 1 + 2 retries, then no more
    assert wachttijden == steeds
    assert _mappen(tmp_path) == []


@pytest.mark.parametrize(
    ("retry_after", "verwacht"),
    [("3600", [30.0, 30.0]), ("0", [0.0, 0.0]), ("later", [1.0, 2.0]), ("datum", [30.0, 30.0])],
    ids=["an-hour-capped", "zero", "unreadable-falls-back-to-backoff", "http-date-capped"],
)
def test_retry_after_is_honoured_up_to_the_cap(server, wachttijden, tmp_path, retry_after, verwacht):
    if retry_after == "datum":
        retry_after = format_datetime(datetime.now(timezone.utc) + timedelta(hours=2), usegmt=True)
    server.storing("DataProperties", status(503, retry_after))

    with pytest.raises(SourceError, match="HTTP 503"):
        _cbs(server, _client(wachttijden, max_delay=30.0), tmp_path)

    assert wachttijden == verwacht


def test_the_backoff_itself_is_capped(server, wachttijden, tmp_path):
    server.storing("DataProperties", status(500))
    client = HttpClient(timeout=10.0, retries=6, backoff=4.0, max_delay=20.0, sleep=wachttijden.append)

    with pytest.raises(SourceError, match="gave up after 7 attempts"):
        _cbs(server, client, tmp_path)

    assert wachttijden == [4.0, 8.0, 16.0, 20.0, 20.0, 20.0]


# ------------------------------------------------------------------------------------------ loops


@pytest.mark.parametrize(
    ("bron", "modus", "melding", "verzoeken"),
    [
        ("cbs", "zelf", r"TypedDataSet: page 2 links back to a page already fetched", 1),
        ("cbs", "kring", r"TypedDataSet: page 3 links back to a page already fetched", 2),
        ("cbs", "eindeloos", r"TypedDataSet: stopped after 5 pages; the server keeps sending more", 5),
        ("pdok", "negeert", r"returned a page it sent before; it ignores startIndex", 2),
        ("pdok", "kring", r"returned a page it sent before; it ignores startIndex", 3),
        ("pdok", "eindeloos", r"stopped after 5 pages; the server keeps sending more", 5),
    ],
    ids=["cbs-nextlink-to-itself", "cbs-nextlink-cycle", "cbs-endless-nextlinks", "pdok-ignores-startindex",
         "pdok-page-cycle", "pdok-endless-pages"],
)
def test_no_paging_loop_runs_for_ever(server, wachttijden, tmp_path, bron, modus, melding, verzoeken):
    resource, fetch = BRONNEN[bron]
    if bron == "cbs":
        server.paginering = modus
    else:
        server.wfs = modus

    with pytest.raises(SourceError) as exc:
        fetch(server, _client(wachttijden), tmp_path, max_paginas=5)

    assert re.search(melding, _een_regel(exc))
    assert server.aantal(resource) == verzoeken
    assert _mappen(tmp_path) == []


def test_v4_nextlink_is_followed_too(server, wachttijden, tmp_path):
    server.paginering = "v4"

    _controleer_cbs(_cbs(server, _client(wachttijden), tmp_path))

    assert server.aantal("TypedDataSet") == 3


# ------------------------------------------------------------------------------------------ schema and empty


def _hernoem_inwoners(stand_in: StandIn) -> None:
    """CBS renames AantalInwoners in DataProperties and in the rows."""
    for prop in stand_in.properties:
        if prop["Key"] == "AantalInwoners_5":
            prop["Key"] = "Inwoners_5"
    stand_in.data = _hernoem(stand_in.data, "AantalInwoners_5", "Inwoners_5")


def _inwoners_alleen_in_rijen(stand_in: StandIn) -> None:
    """DataProperties still promises AantalInwoners_5, but the rows carry another key."""
    stand_in.data = _hernoem(stand_in.data, "AantalInwoners_5", "AantalInwonersTotaal_5")


def _gebied_kolom(stand_in: StandIn) -> None:
    stand_in.data = _hernoem(stand_in.data, "WijkenEnBuurten", "Regio")


def _pdok_kolom(oud: str, nieuw: str) -> Callable[[StandIn], None]:
    def wijzig(stand_in: StandIn) -> None:
        stand_in.buurten = [dict(f, properties=_hernoem([f["properties"]], oud, nieuw)[0]) for f in stand_in.buurten]

    return wijzig


def _leeg(resource: str) -> Callable[[StandIn], None]:
    return lambda stand_in: stand_in.storing(resource, leeg)


KAPOT = [
    ("cbs-renamed-topic", "cbs", _hernoem_inwoners,
     r"^CBS table 85984NED: expected column AantalInwoners \(indicator inwoners\) is missing from DataProperties$"),
    ("cbs-topic-renamed-in-rows-only", "cbs", _inwoners_alleen_in_rijen,
     r"^CBS table 85984NED: TypedDataSet has no column AantalInwoners_5 \(indicator inwoners\) although"),
    ("cbs-area-column-renamed", "cbs", _gebied_kolom, r"^CBS table 85984NED: TypedDataSet has no column WijkenEnBuurten"),
    ("cbs-empty-result", "cbs", _leeg("TypedDataSet"), r"^CBS table 85984NED: no rows for GM0344 in the OData Feed"),
    ("pdok-renamed-name", "pdok", _pdok_kolom("buurtnaam", "naam"),
     r"^PDOK WFS wijkenbuurten 2024 buurten: no name column for 'buurtcode' \(expected buurtnaam or statnaam\)"),
    ("pdok-renamed-code", "pdok", _pdok_kolom("buurtcode", "code"),
     r"^PDOK WFS wijkenbuurten 2024 buurten: no code column \(expected one of statcode, buurtcode\); columns are code,"),
    ("pdok-empty-result", "pdok", _leeg("wfs"), r"^PDOK WFS wijkenbuurten 2024 buurten: no features for GM0344"),
]


@pytest.mark.parametrize(("bron", "wijzig", "melding"), [k[1:] for k in KAPOT], ids=[k[0] for k in KAPOT])
def test_a_changed_schema_or_empty_answer_is_one_line_and_no_snapshot(server, wachttijden, tmp_path, bron, wijzig,
                                                                        melding):
    _, fetch = BRONNEN[bron]
    wijzig(server)

    with pytest.raises(SourceError) as exc:
        fetch(server, _client(wachttijden), tmp_path)

    assert re.search(melding, _een_regel(exc))
    assert wachttijden == []  # a wrong answer is not retried: it would be just as wrong
    assert _mappen(tmp_path) == []


def test_an_optional_column_missing_from_the_rows_makes_the_release_smaller(server, wachttijden, tmp_path):
    server.data = [{k: v for k, v in r.items() if k != "WmoClienten_100"} for r in server.data]

    release = _cbs(server, _client(wachttijden), tmp_path)

    assert "wmo_clienten" not in release.rijen.columns
    assert "wmo_clienten" in release.ontbrekend
    _controleer_cbs(release)


# ------------------------------------------------------------------------------------------ stale fallback


def _ververs(stand_in: StandIn, bron: str, client: HttpClient, tmp_path: Path):
    kwargs = dict(snapshot_dir=tmp_path / "snapshots", max_leeftijd_dagen=0, client=client)
    if bron == "cbs":
        return [cbs_verversen(tmp_path / "w.duckdb", GEMEENTE, JAAR, base_url=stand_in.cbs_url, **kwargs)]
    return grenzen_verversen(tmp_path / "w.duckdb", GEMEENTE, JAAR, niveaus=("buurt",), base_url=stand_in.pdok_url,
                             **kwargs)


def _waarde_gm0344(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """select waarde from raw.cbs_kwb where indicator = 'inwoners' and gebied_code = 'GM0344'
               and load_id = (select max(load_id) from meta.loads where bron = 'cbs_kwb')"""
        ).fetchone()[0]


def _buurtnaam(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """select gebied_naam from raw.cbs_grenzen where gebied_code = 'BU03440111'
               and load_id = (select max(load_id) from meta.loads where bron = 'grenzen')"""
        ).fetchone()[0]


STALE = [
    ("cbs-503", "cbs", lambda s: s.storing("DataProperties", status(503, "5")), "HTTP 503"),
    ("cbs-timeout", "cbs", lambda s: s.storing("TypedDataSet", te_laat), f"no answer within {TIMEOUT:g} s"),
    ("cbs-nextlink-loop", "cbs", lambda s: setattr(s, "paginering", "zelf"), "links back to a page already fetched"),
    ("cbs-renamed-topic", "cbs", _hernoem_inwoners, "expected column AantalInwoners"),
    ("cbs-empty-result", "cbs", _leeg("TypedDataSet"), "no rows for GM0344"),
    ("pdok-reset", "pdok", lambda s: s.storing("wfs", reset_halverwege), "connection"),
    ("pdok-renamed-name", "pdok", _pdok_kolom("buurtnaam", "naam"), "no name column for 'buurtcode'"),
]


@pytest.mark.parametrize(("bron", "storing", "reden"), [s[1:] for s in STALE], ids=[s[0] for s in STALE])
def test_a_failed_refresh_loads_the_last_snapshot_shown_as_stale(server, tmp_path, bron, storing, reden):
    db = tmp_path / "w.duckdb"
    wachttijden: list[float] = []
    client = _client(wachttijden, TIMEOUT * 4)
    vers = _ververs(server, bron, client, tmp_path)
    snapshots_voor = _mappen(tmp_path / "snapshots")
    storing(server)
    client.timeout = TIMEOUT

    oud = _ververs(server, bron, client, tmp_path)

    # The old data, loaded again as its own (stale) event; nothing of the failed answer is loaded.
    assert [r.loaded for r in oud] == [r.loaded for r in vers] and not any(r.duplicate for r in oud)
    if bron == "cbs":
        assert _waarde_gm0344(db) == "374238"
    else:
        assert _buurtnaam(db) == "Welgelegen, Den Hommel"
    assert _mappen(tmp_path / "snapshots") == snapshots_voor  # the failed fetch left no folder
    with duckdb.connect(str(db), read_only=True) as con:
        via, toelichting = con.execute("select via, toelichting from meta.loads order by load_id desc limit 1").fetchone()
    assert via == "snapshot"
    assert toelichting.startswith("verouderd: ophalen mislukt (") and reden in toelichting
    assert "\n" not in toelichting
    # The run summary a data team reads lists it under the stale sources.
    samenvatting = run_samenvatting(db, GEMEENTE, oud, {"rapporten": {}, "mislukt": {}, "index": []})
    verouderd = samenvatting.split("## Verouderde bronnen")[1].split("## Rapporten")[0]
    assert f"| {'cbs_kwb' if bron == 'cbs' else 'grenzen'} | {JAAR} |" in verouderd and "ophalen mislukt" in verouderd


@pytest.mark.parametrize("bron", ["cbs", "pdok"])
def test_the_report_marks_the_fallback_stale_until_a_fetch_succeeds(server, wachttijden, tmp_path, bron):
    """pub.bronnen is what the report's "Actualiteit van de bronnen" shows (uit bewaarde kopie / verouderd)."""
    resource = BRONNEN[bron][0]
    naam = "cbs_kwb" if bron == "cbs" else "grenzen"
    client = _client(wachttijden)

    def stand() -> list[tuple]:
        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            return rijen(con, "select via, uit_snapshot, verouderd from pub.bronnen where bron = ?", [naam])

    _ververs(server, bron, client, tmp_path)
    con = connect(tmp_path / "w.duckdb")
    try:
        bouw(con, "pub.bronnen")  # a view: it reads meta.loads anew after every refresh below
    finally:
        con.close()
    assert stand() == [("online", False, False)]
    server.storing(resource, status(503, "5"))
    _ververs(server, bron, client, tmp_path)
    assert stand() == [("snapshot", True, True)]
    server.storingen.clear()
    _ververs(server, bron, client, tmp_path)
    assert stand() == [("online", False, False)]


def test_a_failed_refresh_without_a_snapshot_loads_and_publishes_nothing(server, wachttijden, tmp_path):
    _hernoem_inwoners(server)

    with pytest.raises(SourceError) as exc:
        _ververs(server, "cbs", _client(wachttijden), tmp_path)

    assert _een_regel(exc).endswith("; no earlier snapshot to fall back on")
    assert _mappen(tmp_path / "snapshots") == []
    if (tmp_path / "w.duckdb").exists():
        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from meta.loads").fetchone() == (0,)


def test_a_killed_fetch_is_never_read_back_and_its_working_folder_is_cleaned_later(server, wachttijden, tmp_path):
    """A run killed mid-fetch (even between COMPLETE.json and the rename) leaves only a hidden working folder: the
    offline path does not see it, and a later fetch removes it once it is old enough to belong to no running fetch."""
    _cbs(server, _client(wachttijden), tmp_path)
    basis = tmp_path / "cbs_odata" / f"{TABEL}-{GEMEENTE}"
    (goed,) = basis.iterdir()
    werkmappen = [basis / ".20991231T235959000000Z.deel", basis / ".20991231T235959000001Z.deel"]
    for werkmap in werkmappen:
        werkmap.mkdir()
        (werkmap / "001-dataproperties.json").write_text("{}", encoding="utf-8")
        (werkmap / "COMPLETE.json").write_text("{}", encoding="utf-8")
    zeven_uur_geleden = time.time() - 7 * 3600
    os.utime(werkmappen[0], (zeven_uur_geleden, zeven_uur_geleden))

    release = read_kwb_snapshot(TABEL, GEMEENTE, JAAR, snapshot_dir=tmp_path)
    assert str(goed) in release.bron
    _controleer_cbs(release)

    _cbs(server, _client(wachttijden), tmp_path)
    over = sorted(p.name for p in basis.iterdir())
    assert werkmappen[0].name not in over and werkmappen[1].name in over  # the young one may be a running fetch
    assert len(over) == 3

"""The scheduled CBS refresh: a snapshot cache with an expiry, and a stale fallback when the feed fails."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_cbs_odata import GEMEENTE, JAAR, client, feed, fout_500, make_httpserver, wachttijden  # noqa: F401 (fixtures)

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.loads import LoadResult
from wijkprofiel.pipeline.refresh import cbs_verversen
from wijkprofiel.pipeline.summary import run_samenvatting


def _ververs(feed, client, tmp_path: Path, max_dagen: float) -> LoadResult:
    return cbs_verversen(
        tmp_path / "w.duckdb", GEMEENTE, JAAR, snapshot_dir=tmp_path / "snapshots", max_leeftijd_dagen=max_dagen,
        base_url=feed.base_url, client=client,
    )


def _loads(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select via, loaded, toelichting from meta.loads order by load_id").fetchall()


def test_a_young_snapshot_is_read_back_instead_of_fetched_again(feed, client, tmp_path):
    eerste = _ververs(feed, client, tmp_path, max_dagen=25)
    verzoeken = len(feed.verzoeken)

    tweede = _ververs(feed, client, tmp_path, max_dagen=25)

    assert (eerste.loaded, eerste.duplicate) == (122, False)
    assert len(feed.verzoeken) == verzoeken  # nothing fetched the second time
    assert tweede.duplicate and tweede.load_id == eerste.load_id
    assert _loads(tmp_path / "w.duckdb") == [("online", 122, "")]


def test_an_expired_snapshot_is_fetched_again(feed, client, tmp_path):
    _ververs(feed, client, tmp_path, max_dagen=25)
    verzoeken = len(feed.verzoeken)

    _ververs(feed, client, tmp_path, max_dagen=0)

    assert feed.aantal("DataProperties") == 2 and len(feed.verzoeken) == 2 * verzoeken
    assert len(list((tmp_path / "snapshots" / "cbs_odata" / f"85984NED-{GEMEENTE}").iterdir())) == 2


def test_a_failed_fetch_loads_the_last_snapshot_marked_stale_until_a_fetch_succeeds(feed, client, tmp_path):
    db = tmp_path / "w.duckdb"
    vers = _ververs(feed, client, tmp_path, max_dagen=0)
    feed.storingen["DataProperties"] = [fout_500] * 3  # every attempt of the client (1 + 2 retries) fails

    oud = _ververs(feed, client, tmp_path, max_dagen=0)

    assert not oud.duplicate and oud.loaded == 122
    via, loaded, toelichting = _loads(db)[-1]
    assert via == "snapshot" and loaded == 122
    assert toelichting.startswith("verouderd: ophalen mislukt (CBS 85984NED DataProperties")
    assert "HTTP 500" in toelichting and "snapshot van " in toelichting
    samenvatting = run_samenvatting(db, GEMEENTE, [vers, oud], {"rapporten": {}, "mislukt": {}, "index": []})
    assert "| cbs_kwb | 2024 |" in samenvatting.split("## Verouderde bronnen")[1]

    # The same failure again (same snapshot) records nothing new ...
    feed.storingen["DataProperties"] = [fout_500] * 3
    nog_eens = _ververs(feed, client, tmp_path, max_dagen=0)
    assert nog_eens.duplicate and nog_eens.load_id == oud.load_id
    # ... and a successful fetch ends the stale state, although its content was loaded before.
    weer_vers = _ververs(feed, client, tmp_path, max_dagen=0)
    assert not weer_vers.duplicate
    assert [via for via, _, _ in _loads(db)] == ["online", "snapshot", "online"]
    samenvatting = run_samenvatting(db, GEMEENTE, [weer_vers], {"rapporten": {}, "mislukt": {}, "index": []})
    assert "Geen: elke bron is actueel." in samenvatting


def test_a_failed_fetch_without_any_snapshot_fails_clearly(feed, client, tmp_path):
    feed.storingen["DataProperties"] = [fout_500] * 3

    with pytest.raises(SourceError, match="HTTP 500; no earlier snapshot to fall back on"):
        _ververs(feed, client, tmp_path, max_dagen=0)

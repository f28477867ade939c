"""Scale-out: the parent flow fans three gemeenten (two SYNTHETIC) out over a Dask LocalCluster of 2 workers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from synthetische_gemeenten import synthetische_release
from flows.wijkprofiel import BronBestand, wijkprofiel
from wijkprofiel import orkestratie
from wijkprofiel.errors import WijkprofielError

GEMEENTEN = ["GM0344", "GM9901", "GM9902"]


def test_three_gemeenten_run_on_a_dask_localcluster_each_in_its_own_database(prefect_harness, tmp_path: Path):
    from distributed import LocalCluster, get_task_stream, Client

    release = synthetische_release(tmp_path, ["9901", "9902"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        parent = orkestratie.met_runner(wijkprofiel, cluster.scheduler_address)
        with get_task_stream(client) as stream:
            published = parent(
                gemeenten=GEMEENTEN,
                db_path=str(tmp_path / "{gemeente}" / "wijkprofiel.duckdb"),
                out_dir=str(tmp_path / "rapporten" / "{gemeente}"),
                cbs_bestanden=[BronBestand(pad=str(release), jaar=2024)],
                landelijk_db=str(tmp_path / "landelijk.duckdb"),
            )
        workers = {t["worker"] for t in stream.data}

    # Every gemeente's chain ran as a task on the cluster, spread over both workers.
    assert len(stream.data) >= 3
    assert len(workers) == 2
    assert sorted(published["rapporten"]) == sorted(f"WK{n}{w:02d}" for n in ("0344", "9901", "9902") for w in range(1, 11))
    assert published["mislukt"] == {}
    for gemeente in GEMEENTEN:
        with duckdb.connect(str(tmp_path / gemeente / "wijkprofiel.duckdb"), read_only=True) as con:
            assert con.execute("select distinct gemeente from meta.loads").fetchall() == [(gemeente,)]
        assert (tmp_path / "rapporten" / gemeente / "index.html").is_file()
    with duckdb.connect(str(tmp_path / "landelijk.duckdb"), read_only=True) as con:
        per_gemeente = con.execute(
            "select gemeente_code, count(*), sum(inwoners) from marts.wijk_profiel where jaar = 2024 group by 1 order by 1"
        ).fetchall()
        schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    # The synthetic copies carry Utrecht's real figures, so each sums to the same inwoners.
    assert [(g, n) for g, n, _ in per_gemeente] == [("GM0344", 10), ("GM9901", 10), ("GM9902", 10)]
    assert len({s for _, _, s in per_gemeente}) == 1
    assert schemas == {"marts", "pub"}


def test_several_gemeenten_need_one_database_each(tmp_path: Path):
    with pytest.raises(WijkprofielError, match=r"db_path: with several gemeenten it must contain \{gemeente\}"):
        orkestratie.plan(["GM0344", "GM9901"], str(tmp_path / "een.duckdb"), str(tmp_path / "{gemeente}"))

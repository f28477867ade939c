"""Scale-out: the parent flow fans three gemeenten (two SYNTHETIC) out over a Dask LocalCluster of 2 workers."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from conftest import KWB_2024
from synthetische_gemeenten import synthetische_release

from flows.wijkprofiel import BronBestand, wijkprofiel
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.pipeline import plan

GEMEENTEN = ["GM0344", "GM9901", "GM9902"]


def test_three_gemeenten_run_on_a_dask_localcluster_each_in_its_own_database(prefect_harness, tmp_path: Path, monkeypatch):
    from distributed import Client, LocalCluster, get_task_stream

    from wijkprofiel.config import Export
    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.ingest.pseudonymise import DEMO_SLEUTEL
    from wijkprofiel.pipeline.keys import ENV_KEY

    release = synthetische_release(tmp_path, ["9901", "9902"])
    # SYNTHETIC beschikkingen for Utrecht (made from its real CBS figures), pseudonymised on the Dask workers
    # with the demo's throw-away key, which the worker processes inherit from this environment.
    monkeypatch.setenv(ENV_KEY, DEMO_SLEUTEL)
    synth = synth_beschikkingen("GM0344", 1500, tmp_path / "exports")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        parent = plan.met_runner(wijkprofiel, cluster.scheduler_address)
        with get_task_stream(client) as stream:
            published = parent(
                gemeenten=GEMEENTEN,
                db_path=str(tmp_path / "{gemeente}" / "wijkprofiel.duckdb"),
                out_dir=str(tmp_path / "rapporten" / "{gemeente}"),
                cbs_bestanden=[BronBestand(pad=str(release), jaar=2024)],
                snapshot_dir=str(tmp_path / "snapshots"),  # where the national file's split goes
                landelijk_db=str(tmp_path / "landelijk.duckdb"),
                koppeltabel=str(KWB_2024.parent / "pc6-buurt-2023-utrecht-approx.csv"),
                exports=[Export(gemeente="GM0344", soort="beschikkingen", pad=str(tmp_path / "exports" / "*-beschikkingen.*"))],
            )
        workers = {t["worker"] for t in stream.data}

    # Every gemeente's chain ran as a task on the cluster, spread over both workers.
    assert len(stream.data) >= 3
    assert len(workers) == 2
    assert sorted(published["rapporten"]) == sorted(f"WK{n}{w:02d}" for n in ("0344", "9901", "9902") for w in range(1, 11))
    assert published["mislukt"] == {}
    for gemeente in GEMEENTEN:
        with duckdb.connect(str(tmp_path / gemeente / "wijkprofiel.duckdb"), read_only=True) as con:
            assert con.execute("select distinct gemeente from meta.loads where bron = 'cbs_kwb'").fetchall() == [(gemeente,)]
            exports = con.execute("select count(*), sum(loaded) from meta.loads where bestand like '%beschikkingen.%'").fetchone()
        # Only Utrecht has exports (and so the postcode table); its three synthetic files were loaded.
        if gemeente == "GM0344":
            assert exports[0] == len(synth.bestanden) and exports[1] > 1000
        else:
            assert exports == (0, None)
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
    # The national front page above the gemeenten's folders, from the national database: a row and a link each.
    voorpagina = (tmp_path / "rapporten" / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'<th scope="row"><a href="([^"]+)">', voorpagina)) == [f"{g}/index.html" for g in GEMEENTEN]


def test_several_gemeenten_need_one_database_each(tmp_path: Path):
    with pytest.raises(WijkprofielError, match=r"db_path: with several gemeenten it must contain \{gemeente\}"):
        plan.maak_plan(["GM0344", "GM9901"], str(tmp_path / "een.duckdb"), str(tmp_path / "{gemeente}"))


def test_one_failing_gemeente_fails_the_run_but_not_the_others(prefect_harness, tmp_path: Path):
    from prefect.artifacts import Artifact

    state = wijkprofiel(
        gemeenten=["GM0344", "GM9903"],  # GM9903 is in no file: its ingest fails
        db_path=str(tmp_path / "{gemeente}.duckdb"),
        out_dir=str(tmp_path / "rapporten" / "{gemeente}"),
        cbs_bestanden=[BronBestand(pad=str(KWB_2024), jaar=2024)],
        snapshot_dir=str(tmp_path / "snapshots"),
        return_state=True,
    )

    assert state.is_failed()
    assert "no areas of GM9903 in this file" in state.message
    assert len(list((tmp_path / "rapporten" / "GM0344").glob("WK??????.html"))) == 10
    # The front page, from the databases of the gemeenten that succeeded, lists those.
    voorpagina = (tmp_path / "rapporten" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<th scope="row">(.*?)</th>', voorpagina) == ['<a href="GM0344/index.html">Utrecht</a>']
    artifact = Artifact.get("wijkprofiel-run").data
    assert "| GM0344 | gelukt | 10 | 0 |" in artifact
    assert "| GM9903 | mislukt: SourceError: kwb-2024-utrecht.xlsx: no areas of GM9903 in this file | 0 | - |" in artifact
    # The failing gemeente's own summary says what failed, though it failed in ingest, before any build.
    eigen = Artifact.get("wijkprofiel-gm9903").data
    assert "- mislukt: 1" in eigen and "no areas of GM9903 in this file" in eigen


def test_a_configuration_that_fails_in_a_served_run_writes_its_own_summary(prefect_harness, tmp_path: Path):
    """`serve` reads the file anew for every run: a setting broken since must not leave the last run's summary."""
    from prefect.artifacts import Artifact

    from flows.wijkprofiel import wijkprofiel_verversen

    config = tmp_path / "wijkprofiel.toml"
    config.write_text('gemeenten = ["GM0344"]\njaren = [1850]\n', encoding="utf-8")

    state = wijkprofiel_verversen(config=str(config), return_state=True)

    assert state.is_failed() and "setting jaren: 1850 is not a CBS year" in state.message
    artifact = Artifact.get("wijkprofiel-run").data
    assert artifact.startswith("# wijkprofiel run\n\nMislukt voordat er een gemeente werd bijgewerkt: WijkprofielError:")
    assert "setting jaren: 1850 is not a CBS year" in artifact

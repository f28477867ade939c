"""Benchmark: Prefect's own cost per gemeente in a fanned-out run, with no work at all (issue 13).

On a 2-worker Dask LocalCluster (as `bench_landelijk.py --runner dask`) under a temporary Prefect server, a parent
flow starts N empty "gemeenten" as tasks, each shaped like a layer of wijkprofiel's run:

- `taak`: the task that starts a gemeente, and nothing in it (the baseline);
- `flow`: that task runs a gemeente flow run (with Prefect's heartbeat, as by default);
- `flow_zonder_hartslag`: the same without the flow run's own heartbeat (`plan.zonder_eigen_hartslag`, what
  wijkprofiel does for its subflow runs);
- `flow_3_taken`: the flow without heartbeat runs three tasks (wijkprofiel's ingest, build and publish);
- `flow_subflow`: as `flow_3_taken` plus a subflow with two tasks (an ingest subflow, as wijkprofiel had).

Prints each variant's seconds per gemeente of a worker and its ratio to the baseline measured in the same run;
writes benchmarks/results/prefect_overhead.json. Nothing is asserted.
Usage: python benchmarks/bench_prefect_overhead.py [--gemeenten 40]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
WORKERS = 2
VARIANTEN = ("taak", "flow", "flow_zonder_hartslag", "flow_3_taken", "flow_subflow")


def meet(variant: str, gemeenten: int, cluster_address: str) -> float:
    """Wall seconds of a parent flow that starts `gemeenten` empty gemeenten of this variant on the cluster."""
    from prefect import flow, task
    from prefect_dask import DaskTaskRunner

    from wijkprofiel.pipeline.plan import zonder_eigen_hartslag

    @task
    def leeg(i: int) -> int:
        return i

    @flow
    def ingest_subflow(i: int) -> int:
        return leeg(i) + leeg(i)

    @flow
    def gemeente(i: int, taken: int, subflow: bool) -> int:
        return (ingest_subflow(i) if subflow else 0) + sum(leeg(j) for j in range(taken))

    @task
    def start(i: int) -> int:
        if variant == "taak":
            return i
        if variant == "flow":
            return gemeente(i, 0, False)
        with zonder_eigen_hartslag():
            return gemeente(i, 0 if variant == "flow_zonder_hartslag" else 3, variant == "flow_subflow")

    @flow(task_runner=DaskTaskRunner(address=cluster_address))
    def land() -> list[int]:
        futures = [start.submit(i) for i in range(gemeenten)]
        return [f.result() for f in futures]

    begin = time.perf_counter()
    land()
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="wijkprofiel-bench-prefect-"))

    from distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    uitkomst: dict[str, dict] = {}
    with prefect_test_harness(server_startup_timeout=180):
        cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            meet("taak", 4, cluster.scheduler_address)  # warm-up: the workers import Prefect once
            for variant in VARIANTEN:
                wall = meet(variant, args.gemeenten, cluster.scheduler_address)
                per_gemeente = round(wall * WORKERS / args.gemeenten, 3)
                uitkomst[variant] = {"wall_s": round(wall, 2), "s_per_gemeente_per_worker": per_gemeente}
        finally:
            cluster.close()
    basis = uitkomst["taak"]["wall_s"]
    for variant, r in uitkomst.items():
        r["ratio_to_taak"] = round(r["wall_s"] / basis, 2)
        print(f"{variant:22} {r['wall_s']:7.1f} s  {r['s_per_gemeente_per_worker']:.2f} s per gemeente per worker  "
              f"{r['ratio_to_taak']:.1f}x the task alone", flush=True)
    RESULTS.mkdir(exist_ok=True)
    doel = RESULTS / "prefect_overhead.json"
    doel.write_text(json.dumps({
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": os.getloadavg()[0],
        "command": "python benchmarks/bench_prefect_overhead.py " + " ".join(sys.argv[1:]),
        "gemeenten": args.gemeenten,
        "workers": WORKERS,
        "varianten": uitkomst,
    }, indent=1), encoding="utf-8")
    print(f"written {doel}")


if __name__ == "__main__":
    main()

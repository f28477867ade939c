"""Benchmark: every gemeente of the SYNTHETIC country end to end, `wijkprofiel run` with `gemeenten = "alle"`.

The country (`wijkprofiel synth landelijk`: ~342 gemeenten, ~3,300 wijken, ~14,500 buurten) is written once into
benchmarks/work/ and kept. Each run reads its KWB release and its GeoPackage (CBS data only: no gemeente exports)
and does ingest, build, publish and the national front page, once with the local runner (Prefect's thread pool) and
once with `--runner dask` on a 2-worker Dask LocalCluster. Each runner runs in a child process of its own (a fresh
interpreter, so one run's memory does not count in the other's), which calls the command line `wijkprofiel run`
under a temporary Prefect server and then reads the per-stage times of the subflow runs from that server. This
process samples the RSS of the whole process tree (the run, the Prefect server, the Dask scheduler and workers).

Reports wall time, peak RSS, reports per second, bytes per report, the share of the run spent reading the national
file (the run's own log line), the time per stage, and whether every wijk of every gemeente got a report.
Writes benchmarks/results/landelijk.json. Usage:
    python benchmarks/bench_landelijk.py [--gemeenten N] [--runner local|dask|beide] [--tijdslimiet MIN]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
JAAR = 2023
#: the issue's targets on a 2-core machine (docs/performance.md, "National scale")
DOEL_WALL_S = 15 * 60
DOEL_RSS_MB = 4096
DOEL_LEZEN_AANDEEL = 0.05
STAGES = ("ingest_cbs", "build_marts", "publish_reports", "wijkprofiel_gemeente")


def land(gemeenten: int):
    """The SYNTHETIC country of `gemeenten` gemeenten, written once (the generator is deterministic)."""
    from wijkprofiel.demo.synth_landelijk import synth_landelijk

    doel = WORK / f"landelijk-{gemeenten}"
    begin = time.perf_counter()
    result = synth_landelijk(doel, gemeenten=gemeenten, jaar=JAAR) if not (doel / "SYNTHETIC-manifest.json").is_file() \
        else None
    if result is not None:
        print(f"synth landelijk: {result.aantallen} in {time.perf_counter() - begin:.0f} s", flush=True)
    return doel


def verwachte_wijken(grenzen: Path) -> set[str]:
    import pyogrio

    return set(pyogrio.read_dataframe(grenzen, layer="wijken", read_geometry=False)["wijkcode"])


class Geheugen:
    """Peak RSS of this process and all its descendants, sampled every 0.25 s in a thread."""

    def __init__(self):
        import psutil

        self.psutil = psutil
        self.piek = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._meet, daemon=True)

    def _meet(self):
        ik = self.psutil.Process()
        while not self._stop.is_set():
            totaal = 0
            for p in [ik, *ik.children(recursive=True)]:
                try:
                    totaal += p.memory_info().rss
                except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
                    pass
            self.piek = max(self.piek, totaal)
            self._stop.wait(0.25)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def schrijf_config(map_: Path, kwb: Path, grenzen: Path) -> Path:
    config = map_ / "wijkprofiel.toml"
    config.write_text(
        f'gemeenten = "alle"\nonline = false\n'
        f'[paden]\ndatabase = "{map_}/data/{{gemeente}}/wijkprofiel.duckdb"\nrapporten = "{map_}/out/rapporten/{{gemeente}}"\n'
        f'snapshots = "{map_}/data/snapshots"\nlandelijk = "{map_}/data/landelijk.duckdb"\n'
        f'[[cbs_bestanden]]\npad = "{kwb}"\njaar = {JAAR}\n'
        f'[[grenzen_bestanden]]\npad = "{grenzen}"\njaar = {JAAR}\n',
        encoding="utf-8",
    )
    return config


def stage_tijden() -> dict:
    """Per subflow name and per task name ("task: ..."): how many runs and the sum of their durations (s), from the
    temporary Prefect server. A task's sum beside its flow's shows Prefect's own cost around the work."""
    from prefect.client.orchestration import get_client

    tijden: dict[str, dict] = {}

    def tel(naam: str, run) -> None:
        if run.start_time and run.end_time:
            t = tijden.setdefault(naam, {"runs": 0, "som_s": 0.0})
            t["runs"] += 1
            t["som_s"] += (run.end_time - run.start_time).total_seconds()

    with get_client(sync_client=True) as client:
        namen = {f.id: f.name for f in client.read_flows(limit=200)}
        for lees, naam_van in ((client.read_flow_runs, lambda r: namen.get(r.flow_id, "?")),
                               (client.read_task_runs, lambda r: "task: " + re.sub(r"-[0-9a-f]+$", "", r.task_key))):
            offset = 0
            while runs := lees(limit=200, offset=offset):
                for r in runs:
                    tel(naam_van(r), r)
                offset += len(runs)
    return {k: {"runs": v["runs"], "som_s": round(v["som_s"], 1)} for k, v in sorted(tijden.items())}


def kind(runner: str, config: Path, log: Path) -> None:
    """In the child process: `wijkprofiel run` (on a Dask LocalCluster for `dask`), then the stage times as JSON."""
    import logging

    from prefect.testing.utilities import prefect_test_harness

    from wijkprofiel.cli import main

    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # The CLI's logging.basicConfig does nothing once the root logger has a handler: set its level here.
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    with prefect_test_harness(server_startup_timeout=180):
        argv = ["wijkprofiel", "run", "--config", str(config), "--bron", "cbs"]
        cluster = None
        if runner == "dask":
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            argv += ["--runner", "dask", "--address", cluster.scheduler_address]
        sys.argv = argv
        begin = time.perf_counter()
        try:
            main()
        except SystemExit as exc:
            if exc.code:
                raise
        finally:
            wall = time.perf_counter() - begin
            if cluster is not None:
                cluster.close()
        print("STAGES " + json.dumps({"run_s": round(wall, 1), "stages": stage_tijden()}), flush=True)


def meet(runner: str, kwb: Path, grenzen: Path, gemeenten: int, tijdslimiet_s: float | None) -> dict:
    map_ = WORK / f"run-{runner}-{gemeenten}"
    shutil.rmtree(map_, ignore_errors=True)
    map_.mkdir(parents=True)
    config = schrijf_config(map_, kwb, grenzen)
    log = map_ / "run.log"
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_HOME": tempfile.mkdtemp(prefix="prefect-", dir=map_)}
    commando = [sys.executable, __file__, "--kind", runner, "--config", str(config), "--log", str(log)]
    begin = time.perf_counter()
    with Geheugen() as geheugen, (map_ / "stdout.log").open("w", encoding="utf-8") as uit:
        # A session of its own: at the time limit the run, its Prefect server and Dask workers stop together.
        proc = subprocess.Popen(commando, cwd=map_, env=env, stdout=uit, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            proc.wait(timeout=tijdslimiet_s)
            voltooid = True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            voltooid = False
    wall = time.perf_counter() - begin
    uitvoer = (map_ / "stdout.log").read_text(encoding="utf-8")
    if voltooid and proc.returncode:
        raise SystemExit(f"{runner}: the run failed ({proc.returncode}); see {map_ / 'stdout.log'}")
    gevonden = re.search(r"^STAGES (.*)$", uitvoer, flags=re.M)
    stages = json.loads(gevonden.group(1)) if gevonden else {"run_s": None, "stages": None}

    rapporten = map_ / "out" / "rapporten"
    wijk_rapporten = {p.stem for p in rapporten.glob("GM*/WK??????.html")}
    verwacht = verwachte_wijken(grenzen)
    bytes_totaal = sum(p.stat().st_size for p in rapporten.rglob("*") if p.is_file())
    html_bytes = sum((p.stat().st_size for p in rapporten.glob("GM*/WK??????.html")))
    voorpagina = (rapporten / "index.html").read_text(encoding="utf-8") if (rapporten / "index.html").is_file() else ""
    gelinkt = set(re.findall(r'<th scope="row"><a href="(GM[0-9]{4})/index.html">', voorpagina))
    tekst = log.read_text(encoding="utf-8")
    lezen = re.search(r"read once for (\d+) gemeenten in ([\d.]+) s", tekst)
    lezen_s = float(lezen.group(2)) if lezen else None
    n = len(wijk_rapporten)
    return {
        "runner": runner if runner == "local" else "dask (LocalCluster, 2 workers x 1 thread, processes)",
        # False: stopped at --tijdslimiet; the figures are those of the part done, the wall time extrapolated.
        "voltooid": voltooid,
        "geextrapoleerd_wall_s": None if voltooid or not n else round(wall * len(verwacht) / n),
        "wall_s": round(wall, 1),
        "run_s": stages["run_s"],
        "peak_rss_mb": round(geheugen.piek / 2**20),
        "wijk_rapporten": n,
        "verwachte_wijken": len(verwacht),
        "elke_wijk_een_rapport": wijk_rapporten == verwacht,
        "ontbrekend": sorted(verwacht - wijk_rapporten)[:20],
        "voorpagina_gemeenten": len(gelinkt),
        "rapporten_per_s": round(n / wall, 2),
        "bytes_per_rapport": round(bytes_totaal / n) if n else None,
        "html_bytes_per_rapport": round(html_bytes / n) if n else None,
        "landelijk_bestand_lezen_s": lezen_s,
        "lezen_aandeel": round(lezen_s / wall, 4) if lezen_s is not None else None,
        "stages": stages["stages"],
        "load_average_na": [round(x, 2) for x in os.getloadavg()],
    }


def oordeel(r: dict) -> dict:
    return {
        "wall_le_15_min": r["voltooid"] and r["wall_s"] <= DOEL_WALL_S,
        "peak_rss_le_4_gb": r["peak_rss_mb"] <= DOEL_RSS_MB,
        "lezen_le_5_procent": r["lezen_aandeel"] is not None and r["lezen_aandeel"] <= DOEL_LEZEN_AANDEEL
        and r["voltooid"],
        "elke_wijk_een_rapport": r["elke_wijk_een_rapport"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=342, help="gemeenten in the SYNTHETIC country (default 342)")
    parser.add_argument("--runner", choices=("local", "dask", "beide"), default="beide")
    parser.add_argument("--tijdslimiet", type=float, default=None,
                        help="stop a run after this many minutes and report the part done (voltooid: false)")
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if args.kind:
        kind(args.kind, Path(args.config), Path(args.log))
        return

    map_ = land(args.gemeenten)
    manifest = json.loads((map_ / "SYNTHETIC-manifest.json").read_text(encoding="utf-8"))
    kwb, grenzen = map_ / f"SYNTHETIC-kwb-{JAAR}.xlsx", map_ / f"SYNTHETIC-wijkenbuurten-{JAAR}.gpkg"
    load_start = [round(x, 2) for x in os.getloadavg()]
    runs = []
    for runner in (("local", "dask") if args.runner == "beide" else (args.runner,)):
        print(f"{runner}: running {args.gemeenten} gemeenten ...", flush=True)
        r = meet(runner, kwb, grenzen, args.gemeenten, args.tijdslimiet * 60 if args.tijdslimiet else None)
        r["targets_met"] = oordeel(r)
        print(json.dumps(r, indent=2), flush=True)
        runs.append(r)

    uitkomst = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": load_start,
        "command": f"python benchmarks/bench_landelijk.py --gemeenten {args.gemeenten} --runner {args.runner}"
                   + (f" --tijdslimiet {args.tijdslimiet:g}" if args.tijdslimiet else ""),
        "country": {"gemeenten": args.gemeenten, **manifest.get("aantallen", {}),
                    "kwb_mb": round(kwb.stat().st_size / 1e6, 1), "gpkg_mb": round(grenzen.stat().st_size / 1e6, 1)},
        "targets": {"wall_s": DOEL_WALL_S, "peak_rss_mb": DOEL_RSS_MB, "lezen_aandeel": DOEL_LEZEN_AANDEEL,
                    "note": "targets are for the full country (342 gemeenten) on a 2-core machine"},
        "runs": runs,
    }
    if len(runs) == 2:
        uitkomst["ratio_dask_over_local_wall"] = round(runs[1]["wall_s"] / runs[0]["wall_s"], 3)
    RESULTS.mkdir(exist_ok=True)
    naam = "landelijk.json" if args.gemeenten == 342 else f"landelijk-{args.gemeenten}.json"
    (RESULTS / naam).write_text(json.dumps(uitkomst, indent=2) + "\n", encoding="utf-8")
    print(f"written: {RESULTS / naam}")


if __name__ == "__main__":
    main()

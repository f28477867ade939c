"""Benchmark: beschikkingen from files to marts, against DuckDB's floor and a pandas and a polars peer (issue 12).

For each size (default 1M, 3M and 10M rows) it writes a SYNTHETIC ';' export (genereer_export.py, ~15% distinct
BSNs) and runs, each step in a fresh process so that its peak RSS is its own:
- scan: DuckDB's bare `count(*)` of the file; copy: DuckDB storing the file as text in a database table, the
  least any load that keeps the records pays (bench_ingest.py has the same two);
- wijkprofiel: ingest (the postcode table, then the export: read, validate, pseudonymise, place, write) and build
  (every model and audit, as `wijkprofiel build`), through the library functions the CLI calls; then the same
  ingest and build again on the unchanged database: the rerun, as a fraction of the first run;
- the pandas and polars peers (benchmarks/peers/): the same job, and a check that their distinct clients per
  buurt × wet × year equal wijkprofiel's (intermediate.beschikkingen_per_periode), cell by cell, both ways.
Once per run it times `wijkprofiel demo` with the virtualenv present.

Times are measured inside each process, after its imports (the peers' too); peak RSS and CPU seconds are the
process's (os.wait4; on a shared machine the CPU seconds are the steadier figure). A watchdog stops a step whose
RSS passes --max-rss-mb (default 8000) and records it as stopped, so a run cannot take the machine's memory;
--memory-limit sets wijkprofiel's own memory_limit in its steps, as `wijkprofiel --memory-limit` does.
Nothing is asserted: the figures go to benchmarks/results/files_to_marts.json, or with --quick (1M rows, the
`make bench-quick` of the issue) to benchmarks/results/quick.json.

Usage: python benchmarks/bench_files_to_marts.py [ROWS ...] [--quick] [--no-demo] [--no-rerun]
       [--memory-limit 1500MB] [--max-rss-mb 8000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
REPO = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "results"
KOPPELTABEL = REPO / "data" / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
#: A key for SYNTHETIC people only, strong enough for wijkprofiel's key check; never for real data.
SLEUTEL = "benchmark-sleutel-alleen-synthetisch-0f3a9c71e5d24b8a"
#: The cells the peers are compared on: distinct clients per buurt × wet × year.
WIJKPROFIEL_CELLEN = """
    select gebied_code as buurtcode, wet, jaar, clienten from intermediate.beschikkingen_per_periode
    where gebied_niveau = 'buurt' and periode_soort = 'jaar' and voorziening_code = '*' and clienten > 0
"""


# ------------------------------------------------------------------------------------------ one step, in a child


def _child(mode: str, csv: str, db: str, memory_limit: str) -> None:
    """Run one step and print a JSON line with its seconds (after imports)."""
    import duckdb

    if memory_limit != "-":  # the user's own setting (`wijkprofiel --memory-limit`, memory_limit in wijkprofiel.toml)
        from wijkprofiel.db import stel_geheugenlimiet_in

        stel_geheugenlimiet_in(memory_limit)
    if mode in ("ingest", "build"):
        from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
        from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
        from wijkprofiel.transform.build import build_marts
    started = time.perf_counter()
    if mode == "scan":
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        con.execute("select count(*) from read_csv(?, delim = ';', header = true)", [csv]).fetchone()
    elif mode == "copy":
        con = duckdb.connect(db)
        con.execute("set enable_progress_bar = false")
        con.execute("create table kopie as select * from read_csv(?, delim = ';', header = true, all_varchar = true)", [csv])
        con.close()
    elif mode == "ingest":
        ingest_koppeltabel(db, KOPPELTABEL)
        ingest_beschikkingen(db, csv, sleutel=SLEUTEL)
    elif mode == "build":
        build_marts(db)
    else:
        raise SystemExit(f"unknown step {mode}")
    print(json.dumps({"seconds": time.perf_counter() - started}))


# ------------------------------------------------------------------------------------------ measuring a process


def _vmrss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _meet(argv: list[str], max_rss_mb: float, env: dict | None = None) -> dict:
    """Run `argv`; its wall seconds, peak RSS (MB), the seconds it printed last (if any), and whether the
    watchdog stopped it for passing `max_rss_mb`."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    gestopt, klaar = threading.Event(), threading.Event()

    def waak() -> None:  # reads /proc only: reaping the child is left to os.wait4 below
        while not klaar.wait(0.1):
            if _vmrss_mb(proc.pid) > max_rss_mb:
                gestopt.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                return

    threading.Thread(target=waak, daemon=True).start()
    uitvoer: dict[str, str] = {}
    lezers = [threading.Thread(target=lambda n=naam, f=fh: uitvoer.__setitem__(n, f.read()), daemon=True)
              for naam, fh in (("out", proc.stdout), ("err", proc.stderr))]
    for lezer in lezers:
        lezer.start()
    _, status, rusage = os.wait4(proc.pid, 0)  # the child's own resource use, peak RSS included
    klaar.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for lezer in lezers:
        lezer.join()
    out, err = uitvoer.get("out", ""), uitvoer.get("err", "")
    resultaat = {"wall_s": round(time.perf_counter() - started, 2), "rss_mb": round(rusage.ru_maxrss / 1024),
                 # CPU seconds of the whole process (imports too): steadier than wall time on a shared machine
                 "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 2)}
    if gestopt.is_set():
        return {**resultaat, "stopped": f"RSS above {max_rss_mb:.0f} MB"}
    if proc.returncode != 0:
        regels = err.strip().splitlines()
        return {**resultaat, "failed": regels[-1] if regels else f"exit {proc.returncode}"}
    laatste = out.strip().splitlines()[-1] if out.strip() else ""
    try:
        waarde = json.loads(laatste)
        resultaat["seconds"] = round(waarde["seconds"] if isinstance(waarde, dict) else float(waarde), 2)
    except (ValueError, KeyError, TypeError):
        resultaat["seconds"] = resultaat["wall_s"]
    return resultaat


# ------------------------------------------------------------------------------------------ one size


def _omgeving() -> dict:
    """The environment of every step: the worktree's code first, no telemetry, a Prefect home of its own."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", WIJKPROFIEL_PSEUDO_KEY=SLEUTEL)
    return env


def _stap(mode: str, csv: Path, db: Path, args) -> dict:
    return _meet([sys.executable, __file__, "--child", mode, str(csv), str(db), args.memory_limit or "-"],
                 args.max_rss_mb, _omgeving())


def _peer(naam: str, csv: Path, uit: Path, args) -> dict:
    script = HERE / "peers" / f"{naam}_peer.py"
    return _meet([sys.executable, str(script), str(csv), str(KOPPELTABEL), SLEUTEL, str(uit)], args.max_rss_mb, _omgeving())


def _vergelijk(db: Path, peers: dict[str, Path]) -> dict:
    """Cells (buurt × wet × year with clients) in wijkprofiel, and per peer the cells that differ, both ways."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        uitkomst = {"cells": con.execute(f"select count(*) from ({WIJKPROFIEL_CELLEN})").fetchone()[0]}
        for naam, pad in peers.items():
            if not pad.is_file():
                continue
            peer = f"select buurtcode, wet, jaar::integer, clienten::bigint from read_csv('{pad}', all_varchar = false)"
            uitkomst[f"cells_differing_{naam}"] = sum(
                con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
                for a, b in ((WIJKPROFIEL_CELLEN, peer), (peer, WIJKPROFIEL_CELLEN))
            )
        return uitkomst
    finally:
        con.close()


def _deel(a: dict, b: dict) -> float | None:
    """a's seconds over b's, when both steps finished."""
    if "seconds" in a and "seconds" in b and b["seconds"] > 0:
        return round(a["seconds"] / b["seconds"], 2)
    return None


def _in_cpu_tijd(stappen: dict) -> dict:
    """The same ratios in CPU seconds of whole processes (imports included): on a machine shared with other
    work, wall times swing with the load; CPU times much less."""
    def cpu(*namen: str) -> dict:
        if not all("seconds" in stappen.get(n, {}) for n in namen):
            return {}
        return {"seconds": sum(stappen[n]["cpu_s"] for n in namen)}

    return {
        "ratio_vs_copy_cpu": _deel(cpu("ingest"), cpu("copy")),
        "speedup_vs_pandas_cpu": _deel(cpu("pandas"), cpu("ingest", "build")),
        "speedup_vs_polars_cpu": _deel(cpu("polars"), cpu("ingest", "build")),
        "rerun_fraction_cpu": _deel(cpu("rerun_ingest", "rerun_build"), cpu("ingest", "build")),
    }


def meet_grootte(rows: int, args) -> dict:
    sys.path.insert(0, str(HERE))
    from genereer_export import genereer

    WORK.mkdir(exist_ok=True)
    csv = WORK / f"beschikkingen-{rows}.csv"
    if not csv.is_file():
        print(f"writing a synthetic export of {rows:,} rows ...", flush=True)
        genereer(csv, rows)
    map_ = Path(tempfile.mkdtemp(prefix=f"wijkprofiel-bench-{rows}-"))
    db, kopie = map_ / "wijkprofiel.duckdb", map_ / "kopie.duckdb"
    try:
        stappen = {"scan": _stap("scan", csv, kopie, args), "copy": _stap("copy", csv, kopie, args)}
        kopie.unlink(missing_ok=True)
        for naam in ("ingest", "build"):
            stappen[naam] = _stap(naam, csv, db, args)
            _meld(rows, naam, stappen[naam])
        for naam in ("ingest", "build") if args.rerun else ():  # the same files again: an unchanged rerun
            stappen[f"rerun_{naam}"] = _stap(naam, csv, db, args)
            _meld(rows, f"rerun {naam}", stappen[f"rerun_{naam}"])
        uitvoer = {naam: map_ / f"{naam}.csv" for naam in ("pandas", "polars")}
        for naam, pad in uitvoer.items():
            stappen[naam] = _peer(naam, csv, pad, args)
            _meld(rows, naam, stappen[naam])
        klaar = all("seconds" in stappen[s] for s in ("ingest", "build"))
        vergelijking = _vergelijk(db, uitvoer) if klaar else {}
    finally:
        shutil.rmtree(map_, ignore_errors=True)

    eerste = {"seconds": round(stappen["ingest"]["seconds"] + stappen["build"]["seconds"], 2)} if klaar else {}
    herhaald = klaar and all("seconds" in stappen.get(f"rerun_{s}", {}) for s in ("ingest", "build"))
    tweede = {"seconds": round(stappen["rerun_ingest"]["seconds"] + stappen["rerun_build"]["seconds"], 2)} if herhaald else {}
    uitkomst = {
        "rows": rows,
        "file_mb": round(csv.stat().st_size / 2**20),
        "steps": stappen,
        "files_to_marts_s": eerste.get("seconds"),
        "peak_rss_mb": max(stappen[s]["rss_mb"] for s in ("ingest", "build", "rerun_ingest", "rerun_build") if s in stappen),
        "ratio_vs_copy": _deel(stappen["ingest"], stappen["copy"]),
        "ratio_vs_scan": _deel(stappen["ingest"], stappen["scan"]),
        **_in_cpu_tijd(stappen),
        "speedup_vs_pandas": _deel(stappen["pandas"], eerste),
        "speedup_vs_polars": _deel(stappen["polars"], eerste),
        "rerun_fraction": _deel(tweede, eerste),
        **vergelijking,
    }
    print(
        f"{rows:>11,} rows  files to marts {uitkomst['files_to_marts_s']} s (ingest {uitkomst['ratio_vs_copy']}x the copy),"
        f" peak {uitkomst['peak_rss_mb']:,} MB; pandas {uitkomst['speedup_vs_pandas']}x, polars {uitkomst['speedup_vs_polars']}x"
        f" our time; rerun {uitkomst['rerun_fraction']} of the first; cells {vergelijking}",
        flush=True,
    )
    return uitkomst


def _meld(rows: int, naam: str, stap: dict) -> None:
    uitkomst = f"{stap['seconds']:.1f} s" if "seconds" in stap else stap.get("stopped") or stap.get("failed")
    print(f"{rows:>11,} rows  {naam:<13} {uitkomst}  peak RSS {stap['rss_mb']:,} MB", flush=True)


def meet_demo(args) -> dict:
    """`wijkprofiel demo` as a user runs it with the virtualenv present: wall time of the whole command."""
    map_ = Path(tempfile.mkdtemp(prefix="wijkprofiel-bench-demo-"))
    # a busy machine can take longer than Prefect's default 20 s to start the demo's temporary server
    env = {**_omgeving(), "PREFECT_HOME": str(map_ / "prefect"), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    env.pop("WIJKPROFIEL_PSEUDO_KEY")  # the demo makes a key of its own
    try:
        stap = _meet([sys.executable, "-m", "wijkprofiel", "demo", "--out", str(map_ / "demo")], args.max_rss_mb, env)
    finally:
        shutil.rmtree(map_, ignore_errors=True)
    print(f"demo: {stap.get('wall_s')} s, peak RSS {stap['rss_mb']:,} MB {stap.get('failed', '')}", flush=True)
    return {"demo_s": stap["wall_s"] if "failed" not in stap and "stopped" not in stap else None, "demo": stap}


def _meta(args) -> dict:
    return {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}",
        "load_average_at_start": os.getloadavg()[0],
        "memory_limit": args.memory_limit,
        "command": " ".join(["python", "benchmarks/bench_files_to_marts.py", *sys.argv[1:]]),
    }


QUICK_KEYS = ("ratio_vs_copy", "speedup_vs_pandas", "speedup_vs_polars", "peak_rss_mb", "rerun_fraction")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", type=int)
    parser.add_argument("--quick", action="store_true", help="1M rows, written to results/quick.json")
    parser.add_argument("--no-demo", action="store_true", help="do not time `wijkprofiel demo`")
    parser.add_argument("--no-rerun", dest="rerun", action="store_false", help="do not measure the unchanged rerun")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit for the wijkprofiel steps, e.g. 4GB")
    parser.add_argument("--max-rss-mb", type=float, default=8000, help="stop a step whose RSS passes this (MB)")
    args = parser.parse_args()
    meta = _meta(args)
    sizes = args.rows or ([1_000_000] if args.quick else [1_000_000, 3_000_000, 10_000_000])
    results = [meet_grootte(rows, args) for rows in sizes]
    demo = {} if args.no_demo else meet_demo(args)
    RESULTS.mkdir(exist_ok=True)
    if args.quick:
        r = results[0]
        quick = {**{k: r[k] for k in QUICK_KEYS}, "demo_s": demo.get("demo_s"), "rows": r["rows"], **meta, "details": r,
                 "demo": demo.get("demo")}
        pad = RESULTS / "quick.json"
        pad.write_text(json.dumps(quick, indent=2) + "\n", encoding="utf-8")
    else:
        schaal = {}
        per_rows = {r["rows"]: r for r in results}
        if 1_000_000 in per_rows and 10_000_000 in per_rows:
            schaal["time_1m_to_10m"] = _deel({"seconds": per_rows[10_000_000]["files_to_marts_s"] or 0},
                                              {"seconds": per_rows[1_000_000]["files_to_marts_s"] or 0})
        pad = RESULTS / "files_to_marts.json"
        pad.write_text(json.dumps({**meta, **demo, **schaal, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"written {pad.relative_to(REPO)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:6])
    else:
        main()

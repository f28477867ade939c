"""Benchmark: the model intermediate.beschikkingen_per_periode on a large SYNTHETIC export, old against new.

For each size (default 100k and 300k rows) it writes a synthetic ';' export (genereer_export.py, ~15% distinct
BSNs), ingests it and builds what the model reads (staging.beschikkingen, intermediate.beschikking_perioden)
once into benchmarks/work/per-periode-<rows>.duckdb. Then, each in a fresh process so peak RSS is its own, it
builds the model from the working tree ("nieuw") and, with --oud REV, from git revision REV ("oud"), and
prints seconds, CPU seconds and peak RSS; with both it also checks that the two tables hold the same rows (EXCEPT
ALL both ways) and the ratios old / new. DuckDB runs with memory_limit (--memory-limit, default 3GB). Nothing is asserted;
the figures go to benchmarks/results/per_periode.json.

Usage: python benchmarks/bench_per_periode.py [ROWS ...] [--oud REV] [--memory-limit 3GB]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
MODEL = "sql/intermediate/beschikkingen_per_periode.sql"
SLEUTEL = "benchmark-sleutel-alleen-synthetisch"
RESULTS = HERE / "results" / "per_periode.json"


def _model_sql(rev: str | None) -> str:
    from wijkprofiel.db import split_statements

    tekst = (REPO / MODEL).read_text() if rev is None else subprocess.run(
        ["git", "-C", str(REPO), "show", f"{rev}:{MODEL}"], capture_output=True, text=True, check=True
    ).stdout
    return split_statements(tekst)[0]


def _child(db: str, tabel: str, rev: str, memory_limit: str) -> None:
    """Build the model into `tabel` and print a JSON line with seconds, peak RSS (MB) and rows."""
    import duckdb

    sql = _model_sql(None if rev == "-" else rev)
    con = duckdb.connect(db)
    con.execute("set enable_progress_bar = false")
    con.execute(f"set memory_limit = '{memory_limit}'")
    started = time.perf_counter()
    con.execute(f"create or replace table {tabel} as\n{sql}")
    seconds = time.perf_counter() - started
    rows = con.execute(f"select count(*) from {tabel}").fetchone()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = usage.ru_utime + usage.ru_stime  # the machine may be shared: CPU seconds are disturbed less than wall
    print(json.dumps({"seconds": seconds, "cpu_s": cpu_s, "rss_mb": usage.ru_maxrss / 1024, "rows": rows}))


def _prepare(rows: int) -> Path:
    """The database with the synthetic export ingested and the model's inputs built (kept for the next run)."""
    sys.path.insert(0, str(HERE))
    from genereer_export import genereer

    from wijkprofiel.db import connect, create_sql_functions
    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
    from wijkprofiel.transform.build import build_graph
    from wijkprofiel.transform.graph import select

    WORK.mkdir(exist_ok=True)
    db = WORK / f"per-periode-{rows}.duckdb"
    if db.is_file():
        return db
    csv = WORK / f"beschikkingen-{rows}.csv"
    if not csv.is_file():
        genereer(csv, rows)
    ingest_koppeltabel(db, REPO / "data" / "cbs" / "pc6-buurt-2023-utrecht-approx.csv")
    ingest_beschikkingen(db, csv, sleutel=SLEUTEL)
    con = connect(db)
    create_sql_functions(con)
    for node in select(build_graph(), ["+intermediate.beschikking_perioden"]):  # the inputs only, no audits
        node.run(con)
    con.close()
    return db


def _measure(db: Path, tabel: str, rev: str, memory_limit: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), tabel, rev, memory_limit], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="*", type=int, default=[100_000, 300_000])
    parser.add_argument("--oud", help="git revision of the model to compare with")
    parser.add_argument("--memory-limit", default="3GB")
    args = parser.parse_args()
    uitkomsten = []
    for rows in args.rows:
        db = _prepare(rows)
        versies = [("nieuw", "-")] + ([("oud", args.oud)] if args.oud else [])
        gemeten = {}
        for naam, rev in versies:
            r = gemeten[naam] = _measure(db, f"bench_{naam}", rev, args.memory_limit)
            print(
                f"{rows:>10,} rows  {naam:5}  {r['seconds']:7.2f} s  CPU {r['cpu_s']:7.2f} s  "
                f"peak RSS {r['rss_mb']:7,.0f} MB  {r['rows']:,} rows out",
                flush=True,
            )
        uitkomst = {"rows": rows, "memory_limit": args.memory_limit, "oud_rev": args.oud, **gemeten}
        if args.oud:
            uitkomst["speedup"] = gemeten["oud"]["seconds"] / gemeten["nieuw"]["seconds"]
            uitkomst["cpu_ratio"] = gemeten["oud"]["cpu_s"] / gemeten["nieuw"]["cpu_s"]
            uitkomst["rss_ratio"] = gemeten["oud"]["rss_mb"] / gemeten["nieuw"]["rss_mb"]
            print(
                f"{'':>16}old / new: {uitkomst['speedup']:.1f}x the time, {uitkomst['cpu_ratio']:.1f}x the CPU, "
                f"{uitkomst['rss_ratio']:.1f}x the memory",
                flush=True,
            )
        uitkomsten.append(uitkomst)
        if args.oud:
            import duckdb

            con = duckdb.connect(str(db))
            verschil = [
                con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0]
                for a, b in (("bench_oud", "bench_nieuw"), ("bench_nieuw", "bench_oud"))
            ]
            print(f"{'':>16}old except all new: {verschil[0]:,}; new except all old: {verschil[1]:,}", flush=True)
            con.close()
            uitkomst["verschil_rijen"] = verschil
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": uitkomsten}, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:6])
    else:
        main()

"""Benchmark: ingest of a large beschikking export, against DuckDB's bare scan of the same file.

For each size (default 1M and 10M rows) it writes a SYNTHETIC ';' export (about 15% distinct BSNs, like real
exports where clients return), then runs, each in a fresh process so peak memory is its own:
- the baseline: DuckDB `select count(*) from read_csv(...)` of the file;
- wijkprofiel's ingest: read, validate, pseudonymise, place and write to a new database.
- a second reference: DuckDB copying the file as it is (every column as text) into a table of a database
  file, the least any load that stores the records must do (SYNTHETIC data, so no BSN is at stake here);
It prints rows per second, peak RSS and the ratios to both, and writes benchmarks/results/ingest.json and
ingest.md. Usage: python benchmarks/bench_ingest.py [ROWS ...]
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
SLEUTEL = "benchmark-sleutel-alleen-synthetisch"


def _child(mode: str, csv: str, db: str) -> None:
    """Run one measurement and print a JSON line with seconds and peak RSS (MB)."""
    import duckdb

    started = time.perf_counter()
    if mode == "scan":
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        rows = con.execute("select count(*) from read_csv(?, delim = ';', header = true)", [csv]).fetchone()[0]
        extra = {"rows": rows}
    elif mode == "copy":
        con = duckdb.connect(db)
        con.execute("set enable_progress_bar = false")
        con.execute("create table kopie as select * from read_csv(?, delim = ';', header = true, all_varchar = true)", [csv])
        extra = {"rows": con.execute("select count(*) from kopie").fetchone()[0]}
        con.close()
    else:
        from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
        from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel

        ingest_koppeltabel(db, HERE.parent / "data" / "cbs" / "pc6-buurt-2023-utrecht-approx.csv")
        started = time.perf_counter()  # the postcode table is set-up, not part of the measured ingest
        result = ingest_beschikkingen(db, csv, sleutel=SLEUTEL)
        extra = {"rows": result.rows_in, "loaded": result.loaded, "quarantined": result.quarantined}
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, **extra}))


def _measure(mode: str, csv: Path, db: Path) -> dict:
    for path in (db, db.with_suffix(".duckdb.wal")):
        path.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(csv), str(db)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from genereer_export import genereer

    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    results = []
    for rows in sizes:
        csv = WORK / f"beschikkingen-{rows}.csv"
        if not csv.is_file():
            print(f"writing a synthetic export of {rows:,} rows ...", flush=True)
            genereer(csv, rows)
        db = Path(tempfile.gettempdir()) / f"wijkprofiel-bench-{rows}.duckdb"
        scan = _measure("scan", csv, db)
        kopie = _measure("copy", csv, db)
        ingest = _measure("ingest", csv, db)
        result = {
            "rows": rows,
            "file_mb": round(csv.stat().st_size / 2**20),
            "scan_s": round(scan["seconds"], 2),
            "copy_s": round(kopie["seconds"], 2),
            "copy_rss_mb": round(kopie["rss_mb"]),
            "ingest_s": round(ingest["seconds"], 2),
            "ratio_to_scan": round(ingest["seconds"] / scan["seconds"], 1),
            "ratio_to_copy": round(ingest["seconds"] / kopie["seconds"], 1),
            "rows_per_s": round(rows / ingest["seconds"]),
            "peak_rss_mb": round(ingest["rss_mb"]),
            "loaded": ingest["loaded"],
            "quarantined": ingest["quarantined"],
        }
        results.append(result)
        print(
            f"{rows:>11,} rows  {result['file_mb']:>5} MB  scan {result['scan_s']:6.2f} s  ingest {result['ingest_s']:6.2f} s"
            f"  = {result['ratio_to_scan']:4.1f}x scan, {result['ratio_to_copy']:3.1f}x copy ({result['copy_s']:.2f} s)"
            f"  {result['rows_per_s']:>9,} rows/s  peak RSS {result['peak_rss_mb']:,} MB",
            flush=True,
        )
        db.unlink(missing_ok=True)
    _write(results)
    return results


def _write(results: list[dict]) -> None:
    meta = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "target": "ingest at most 6x the bare scan and at most 2 GB peak RSS at 10M rows",
    }
    (RESULTS / "ingest.json").write_text(json.dumps({**meta, "results": results}, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Ingest benchmark (synthetic beschikking export, ';', ~15% distinct BSNs)",
        "",
        f"Measured {meta['measured_at']} on {meta['machine']}. Target: {meta['target']}.",
        "",
        "The second reference, *copy*, is DuckDB storing the file as it is (all columns as text) in a table of a",
        "database file: what any load that keeps the records pays at least.",
        "",
        "| rows | file MB | bare scan s | copy s (peak RSS MB) | ingest s | ratio to scan | ratio to copy | rows/s | peak RSS MB | loaded | quarantined |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['file_mb']} | {r['scan_s']} | {r['copy_s']} ({r['copy_rss_mb']:,}) | {r['ingest_s']} | "
            f"{r['ratio_to_scan']}x | {r['ratio_to_copy']}x | {r['rows_per_s']:,} | {r['peak_rss_mb']:,} | {r['loaded']:,} | "
            f"{r['quarantined']:,} |"
        )
    groot = max(results, key=lambda r: r["rows"])
    tijd_ok, geheugen_ok = groot["ratio_to_scan"] <= 6, groot["peak_rss_mb"] <= 2048
    lines += [
        "",
        f"At {groot['rows']:,} rows: time target (at most 6x the scan) {'met' if tijd_ok else 'NOT met'} "
        f"({groot['ratio_to_scan']}x); memory target (at most 2 GB) {'met' if geheugen_ok else 'NOT met'} "
        f"({groot['peak_rss_mb']:,} MB).",
    ]
    (RESULTS / "ingest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main([int(a) for a in sys.argv[1:]] or [1_000_000, 10_000_000])

"""Benchmark: publishing the 10 Utrecht wijk reports of the demo, against the floor cost of self-contained files.

Input is the demo database (`wijkprofiel demo --out benchmarks/work/demo`, built on the first run and kept in
benchmarks/work/, not in git; or pass --db PATH). Each measurement runs in a fresh process, REPEATS times, and the
median counts:
- the baseline: read pub.* (lees_pub) and write 10 HTML files holding only the inlined Leaflet JS/CSS, which
  every self-contained report must carry: what publishing costs before any report content;
- publish: `publish_reports` end to end (10 wijk reports with their CSV/XLSX downloads, the index, atomic swap);
- the parts, in one process: reading pub, each wijk report (the first one also simplifies the gemeente's
  buurten once), the downloads alone, and the index.
Sizes come from the published folder. The national estimate (3,300 wijken in 342 gemeenten) is built from the
measured per-report and per-gemeente costs. Writes benchmarks/results/publish.json and publish.md.
Usage: python benchmarks/bench_publish.py [--db PATH]
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
REPEATS = 3
WIJKEN_NL, GEMEENTEN_NL = 3300, 342
MAX_RAPPORT_BYTES = 1.5 * 2**20
DOEL_S = 10.0


def _child(mode: str, db: str, out: str) -> None:
    """One measurement in this fresh process; prints a JSON line."""
    from wijkprofiel.db import connect
    from wijkprofiel.publish import STANDAARD_INDICATOR, publish_reports
    from wijkprofiel.publish.assets import leaflet_css, leaflet_js
    from wijkprofiel.publish.downloads import schrijf_downloads
    from wijkprofiel.publish.gegevens import lees_pub
    from wijkprofiel.publish.rapport import schrijf_index, schrijf_wijkrapport

    def lees():
        con = connect(db, read_only=True)
        try:
            return lees_pub(con)
        finally:
            con.close()

    out_dir = Path(out)
    if mode == "baseline":
        started = time.perf_counter()
        gegevens = lees()
        out_dir.mkdir(parents=True, exist_ok=True)
        leeg = f"<!DOCTYPE html><html><head><style>{leaflet_css()}</style><script>{leaflet_js()}</script></head><body></body></html>"
        for wijk in gegevens.wijken(gegevens.gemeenten()[0]):
            (out_dir / f"{wijk}.html").write_text(leeg, encoding="utf-8")
        print(json.dumps({"seconds": time.perf_counter() - started}))
    elif mode == "publish":
        started = time.perf_counter()
        result = publish_reports(db, out_dir)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "rapporten": len(result.rapporten), "mislukt": result.mislukt}))
    else:  # parts
        started = time.perf_counter()
        gegevens = lees()
        lees_s = time.perf_counter() - started
        gemeente = gegevens.gemeenten()[0]
        out_dir.mkdir(parents=True, exist_ok=True)
        rapporten = []
        for wijk in gegevens.wijken(gemeente):
            t = time.perf_counter()
            schrijf_wijkrapport(gegevens, wijk, out_dir, indicator=STANDAARD_INDICATOR)
            rapporten.append(time.perf_counter() - t)
        t = time.perf_counter()
        for wijk in gegevens.wijken(gemeente):
            schrijf_downloads(gegevens, wijk, out_dir)
        downloads_s = time.perf_counter() - t
        t = time.perf_counter()
        schrijf_index(gegevens, gemeente, out_dir, indicator=STANDAARD_INDICATOR, mislukt={})
        index_s = time.perf_counter() - t
        print(json.dumps({"lees_s": lees_s, "rapporten_s": rapporten, "downloads_s": downloads_s, "index_s": index_s}))


def _measure(mode: str, db: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="wijkprofiel-bench-publish-") as tmp:
        out = Path(tmp) / "rapporten"
        proc = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(db), str(out)], capture_output=True, text=True, check=True
        )
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if mode == "publish":
            result["bestanden"] = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
        return result


def _demo_db(db: Path | None) -> Path:
    if db is not None:
        return db
    db = WORK / "demo" / "wijkprofiel.duckdb"
    if not db.is_file():
        print("building the demo database (wijkprofiel demo, about a minute) ...", flush=True)
        cli = Path(sys.executable).with_name("wijkprofiel")
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        subprocess.run([str(cli), "demo", "--out", str(db.parent)], check=True, env=env, capture_output=True)
    return db


def main(db: Path | None) -> dict:
    db = _demo_db(db)
    RESULTS.mkdir(exist_ok=True)
    baseline = [_measure("baseline", db)["seconds"] for _ in range(REPEATS)]
    publish_runs = [_measure("publish", db) for _ in range(REPEATS)]
    parts = _measure("parts", db)
    publish_s = [r["seconds"] for r in publish_runs]
    bestanden = publish_runs[-1]["bestanden"]
    rapporten = {n: b for n, b in bestanden.items() if n.startswith("WK") and n.endswith(".html")}
    downloads = {n: b for n, b in bestanden.items() if n.startswith("WK") and not n.endswith(".html")}

    per_rapport = parts["rapporten_s"]
    warm = statistics.mean(per_rapport[1:]) if len(per_rapport) > 1 else per_rapport[0]
    per_gemeente = parts["lees_s"] + (per_rapport[0] - warm) + parts["index_s"]
    serieel = WIJKEN_NL * warm + GEMEENTEN_NL * per_gemeente
    per_rapport_bytes = (sum(rapporten.values()) + sum(downloads.values())) / len(rapporten)
    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "target": f"10 reports in at most {DOEL_S:g} s on 2 cores; each report at most 1.5 MB",
        "baseline_s": round(statistics.median(baseline), 2),
        "publish_s": round(statistics.median(publish_s), 2),
        "publish_runs_s": [round(s, 2) for s in publish_s],
        "ratio_to_baseline": round(statistics.median(publish_s) / statistics.median(baseline), 1),
        "rapporten": len(rapporten),
        "mislukt": publish_runs[-1]["mislukt"],
        "lees_pub_s": round(parts["lees_s"], 2),
        "eerste_rapport_s": round(per_rapport[0], 2),
        "rapport_warm_s": round(warm, 3),
        "downloads_per_wijk_s": round(parts["downloads_s"] / len(per_rapport), 3),
        "index_s": round(parts["index_s"], 2),
        "bestanden_bytes": bestanden,
        "grootste_rapport_bytes": max(rapporten.values()),
        "alle_rapporten_onder_1_5_mb": max(rapporten.values()) <= MAX_RAPPORT_BYTES,
        "schatting_nl": {
            "wijken": WIJKEN_NL,
            "gemeenten": GEMEENTEN_NL,
            "per_gemeente_s": round(per_gemeente, 2),
            "serieel_min": round(serieel / 60, 1),
            "twee_processen_min": round(serieel / 2 / 60, 1),
            "omvang_gb": round(WIJKEN_NL * per_rapport_bytes / 2**30, 2),
        },
    }
    _write(result)
    print(
        f"baseline {result['baseline_s']} s, publish {result['publish_s']} s ({result['ratio_to_baseline']}x), "
        f"largest report {result['grootste_rapport_bytes'] / 2**20:.2f} MB, "
        f"national estimate {result['schatting_nl']['serieel_min']} min serial",
        flush=True,
    )
    return result


def _write(r: dict) -> None:
    (RESULTS / "publish.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    mb = lambda b: f"{b / 2**20:.2f}"  # noqa: E731
    nl = r["schatting_nl"]
    lines = [
        "# Publish benchmark (demo: 10 Utrecht wijk reports)",
        "",
        f"Measured {r['measured_at']} on {r['machine']}. Target: {r['target']}.",
        f"Median of {REPEATS} runs, each in a fresh process (so imports and caches count as in a real run).",
        "",
        "| measurement | seconds |",
        "|---|---:|",
        f"| baseline: read pub.* and write 10 files with only the inlined Leaflet | {r['baseline_s']} |",
        f"| **publish_reports: 10 wijk reports + CSV/XLSX + index, atomic swap** | **{r['publish_s']}** ({r['ratio_to_baseline']}x baseline; runs {', '.join(map(str, r['publish_runs_s']))}) |",
        f"| of which: read pub.* | {r['lees_pub_s']} |",
        f"| of which: first wijk report (simplifies the gemeente's buurten once) | {r['eerste_rapport_s']} |",
        f"| of which: each further wijk report, downloads included | {r['rapport_warm_s']} |",
        f"| of which: downloads alone (CSV + XLSX) per wijk | {r['downloads_per_wijk_s']} |",
        f"| of which: gemeente index with its map | {r['index_s']} |",
        "",
        f"Target met: {'yes' if r['publish_s'] <= DOEL_S else 'NO'} ({r['publish_s']} s for 10 reports). "
        f"Every report at most 1.5 MB: {'yes' if r['alle_rapporten_onder_1_5_mb'] else 'NO'} "
        f"(largest {mb(r['grootste_rapport_bytes'])} MB). Failed reports: {len(r['mislukt'])}.",
        "",
        "| file | MB |",
        "|---|---:|",
    ]
    lines += [f"| {naam} | {mb(b)} |" for naam, b in r["bestanden_bytes"].items()]
    lines += [
        "",
        f"## Estimate for the Netherlands ({nl['wijken']:,} wijken in {nl['gemeenten']} gemeenten)",
        "",
        f"From the measured costs: {nl['wijken']:,} × {r['rapport_warm_s']} s per wijk report plus {nl['gemeenten']} × "
        f"{nl['per_gemeente_s']} s per gemeente (reading its pub rows, simplifying its buurten, its index; Utrecht is a "
        "large gemeente, so this is on the safe side).",
        "",
        f"- one process: about **{nl['serieel_min']} minutes**;",
        f"- two processes (fan-out per gemeente on this 2-core machine, ideal): about **{nl['twee_processen_min']} minutes**;",
        f"- disk: about {nl['omvang_gb']} GB of reports and downloads.",
    ]
    (RESULTS / "publish.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        args = sys.argv[1:]
        main(Path(args[args.index("--db") + 1]) if "--db" in args else None)

"""Benchmark: a run of N gemeenten from one national CBS release, the file parsed per gemeente (the baseline, as
before) against once per run and split per gemeente (read once, fan out).

It writes a SYNTHETIC national-size release (Utrecht's real KWB 2024 plus SYNTHETIC copies under codes GM9NNN,
tests/synthetische_gemeenten.py; default 140 gemeenten, about 17,000 records like CBS's whole-country file) as
CSV or XLSX in benchmarks/work/ (kept for the next run), then measures, in this process:
- ingest: the CBS load of N gemeenten without Prefect: N loads each parsing the file, against one split and N
  loads of the parts;
- run: the parent flow `wijkprofiel` for the same N gemeenten end to end (ingest, build, publish), with the split
  switched off (the baseline) and on, and once more on with the split of the unchanged file reused.
Writes benchmarks/results/landelijk_lezen.json with the times and the ratios (after / before).
Usage: python benchmarks/bench_landelijk_lezen.py [--gemeenten N] [--landelijk M] [--formaat xlsx|csv]
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
WORK = HERE / "work"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent / "tests"))


def landelijk_bestand(aantal: int, formaat: str) -> Path:
    """The SYNTHETIC national release with `aantal` gemeenten (Utrecht and aantal - 1 copies), made once."""
    import pandas as pd
    from synthetische_gemeenten import synthetische_release

    doel = WORK / f"kwb-2024-synthetisch-landelijk-{aantal}.{formaat}"
    if not doel.is_file():
        WORK.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            csv = synthetische_release(Path(tmp), [f"9{i:03d}" for i in range(1, aantal)])
            if formaat == "csv":
                csv.replace(doel)
            else:
                pd.read_csv(csv, sep=";", dtype=str).to_excel(doel, index=False)
    return doel


def meet_ingest(bestand: Path, gemeenten: list[str], tmp: Path) -> dict:
    from wijkprofiel.ingest import cbs

    begin = time.perf_counter()
    for gemeente in gemeenten:
        cbs.ingest_cbs_file(tmp / f"voor-{gemeente}.duckdb", bestand, gemeente, 2024)
    voor = time.perf_counter() - begin
    begin = time.perf_counter()
    deel = cbs.splits_cbs_bestand(bestand, 2024, tmp / "delen-ingest")
    split = time.perf_counter() - begin
    for gemeente in gemeenten:
        cbs.ingest_cbs_file(tmp / f"na-{gemeente}.duckdb", bestand, gemeente, 2024, deel["map"])
    na = time.perf_counter() - begin
    return {"per_gemeente_gelezen_s": round(voor, 2), "eenmaal_gelezen_s": round(na, 2), "waarvan_splitsen_s": round(split, 2),
            "ratio": round(na / voor, 3)}


def meet_run(bestand: Path, gemeenten: list[str], tmp: Path) -> dict:
    from flows.wijkprofiel import BronBestand, wijkprofiel
    from wijkprofiel.pipeline import plan

    def run(naam: str, snapshots: str) -> float:
        begin = time.perf_counter()
        published = wijkprofiel(
            gemeenten=gemeenten,
            db_path=str(tmp / naam / "{gemeente}.duckdb"),
            out_dir=str(tmp / naam / "rapporten" / "{gemeente}"),
            cbs_bestanden=[BronBestand(pad=str(bestand), jaar=2024)],
            snapshot_dir=str(tmp / snapshots),
            landelijk_db=None,
        )
        seconden = time.perf_counter() - begin
        assert len(published["rapporten"]) == 10 * len(gemeenten) and not published["mislukt"], published["mislukt"]
        return seconden

    echt = plan.meerdere
    plan.meerdere = lambda _gemeenten: False  # the baseline: no split, each gemeente parses the file (as before)
    try:
        voor = run("voor", "snapshots-voor")
    finally:
        plan.meerdere = echt
    na = run("na", "snapshots-na")
    hergebruikt = run("herhaald", "snapshots-na")
    return {"per_gemeente_gelezen_s": round(voor, 1), "eenmaal_gelezen_s": round(na, 1),
            "split_hergebruikt_s": round(hergebruikt, 1), "ratio": round(na / voor, 3),
            "ratio_hergebruikt": round(hergebruikt / voor, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=6, help="gemeenten in the run (N)")
    parser.add_argument("--landelijk", type=int, default=140, help="gemeenten in the SYNTHETIC national file")
    parser.add_argument("--formaat", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

    from prefect.testing.utilities import prefect_test_harness

    from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file

    bestand = landelijk_bestand(args.landelijk, args.formaat)
    gemeenten = ["GM0344"] + [f"GM9{i:03d}" for i in range(1, args.gemeenten)]
    begin = time.perf_counter()
    rijen = len(read_cbs_file(bestand, 2024).rijen)
    lezen = time.perf_counter() - begin
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        ingest = meet_ingest(bestand, gemeenten, Path(tmp))
        print("ingest:", json.dumps(ingest), flush=True)
        with prefect_test_harness(server_startup_timeout=120):
            run = meet_run(bestand, gemeenten, Path(tmp))
        print("run:", json.dumps(run), flush=True)

    uitkomst = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "bestand": {"naam": bestand.name, "formaat": args.formaat, "mb": round(bestand.stat().st_size / 1e6, 1),
                    "gemeenten": args.landelijk, "records": rijen, "eenmaal_lezen_s": round(lezen, 2)},
        "gemeenten_in_run": len(gemeenten),
        "ingest": ingest,
        "run": run,
        "ratio_note": "after / before: time with the file read once and split, divided by the time with the file "
                      "parsed in every gemeente's ingest (measured in the same run)",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "landelijk_lezen.json").write_text(json.dumps(uitkomst, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(uitkomst, indent=2))


if __name__ == "__main__":
    main()

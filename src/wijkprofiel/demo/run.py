"""`wijkprofiel demo`: the whole flow on the bundled real CBS data of gemeente Utrecht (GM0344)."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import demo_data_dir

GEMEENTE = "GM0344"
#: Early and later KWB 2023 release (the later one fills in care and income), and KWB 2024.
CBS_BESTANDEN = [
    ("cbs/kwb-2023-utrecht.xlsx", 2023),
    ("cbs/kwb-2023-utrecht-later-release-43cols.xlsx", 2023),
    ("cbs/kwb-2024-utrecht.xlsx", 2024),
]
GRENZEN_BESTANDEN = [("geo/buurten-2024-utrecht.geojson", 2024), ("geo/wijken-2024-utrecht.geojson", 2024)]
KOPPELTABEL = "cbs/pc6-buurt-2023-utrecht-approx.csv"
#: Synthetic beschikkingen: 75,000 rows give about as many lopende Wmo clients at the end of 2024 as CBS
#: counted for Utrecht in 2023 (19,810), so the demo's figures sit beside the CBS baseline at a real scale.
SYNTH_RIJEN = 75000


def run_demo(out: Path, console: Console) -> dict:
    import os

    from flows.wijkprofiel import wijkprofiel
    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.demo.synth_rodedraden import synth_rodedraden
    from wijkprofiel.ingest.pseudonymise import nieuwe_sleutel
    from wijkprofiel.pipeline.keys import ENV_KEY

    data = demo_data_dir()
    missing = [p for p, _ in CBS_BESTANDEN + GRENZEN_BESTANDEN + [(KOPPELTABEL, 0)] if not (data / p).is_file()]
    if missing:
        raise WijkprofielError(f"bundled demo data not found in {data}: {', '.join(missing)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "wijkprofiel.duckdb"
    # The demo starts from scratch so it always shows the same result.
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)

    console.rule("wijkprofiel demo: gemeente Utrecht (GM0344), CBS-data 2023 en 2024")
    started = time.monotonic()
    console.print(f"making SYNTHETIC beschikking exports ({SYNTH_RIJEN} rows) from Utrecht's real CBS figures ...")
    synth = synth_beschikkingen(GEMEENTE, SYNTH_RIJEN, out / "synthetisch")
    console.print("making SYNTHETIC casuïstiek, partner signals, enquête, kansen and an earlier bespreking ...")
    rodedraden = synth_rodedraden(GEMEENTE, out / "synthetisch")
    # The demo pseudonymises synthetic people with a throw-away key of its own, new each run (its database starts
    # from scratch), never a real one, and no key that is written down anywhere for someone to copy.
    os.environ[ENV_KEY] = nieuwe_sleutel()
    console.print("Prefect starts a temporary local server if none is configured; that takes a few seconds.")
    published = wijkprofiel(**demo_parameters(db_path, out / "rapporten", synth, rodedraden))
    console.rule(f"klaar in {time.monotonic() - started:.0f} s")
    print(f"database: {db_path}")
    for path in published["index"]:
        print(f"index:    {path}")
    for wijk, path in sorted(published["rapporten"].items()):
        print(f"rapport:  {path}")
    if published["mislukt"]:
        raise WijkprofielError(f"{len(published['mislukt'])} reports failed: {published['mislukt']}")
    return published


def demo_parameters(db_path: Path, out_dir: Path, synth, rodedraden) -> dict:
    """The parameters of the `wijkprofiel` flow for the demo: the bundled CBS files and boundaries, the postcode
    table, and the SYNTHETIC exports made by synth_beschikkingen and synth_rodedraden (benchmarks use them too)."""
    from flows.wijkprofiel import BronBestand

    data = demo_data_dir()
    return dict(
        gemeenten=[GEMEENTE],
        db_path=str(db_path),
        out_dir=str(out_dir),
        cbs_bestanden=[BronBestand(pad=str(data / p), jaar=j) for p, j in CBS_BESTANDEN],
        grenzen_bestanden=[BronBestand(pad=str(data / p), jaar=j) for p, j in GRENZEN_BESTANDEN],
        koppeltabel=str(data / KOPPELTABEL),
        beschikking_bestanden=[str(p) for p in synth.bestanden],
        rodedraden_bestanden={
            "casuistiek": [str(p) for p in rodedraden.casuistiek],
            "signalen": [str(rodedraden.signalen)],
            "enquete": [str(rodedraden.enquete)],
            "kansen": [str(rodedraden.kansen)],
            "besprekingen": [str(rodedraden.bespreking)],
        },
    )

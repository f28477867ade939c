"""The `wijkprofiel` Prefect flow on the bundled real Utrecht data, against one session-wide test API."""

from __future__ import annotations

from pathlib import Path

import duckdb
from conftest import BUURTEN_2024, GEMEENTE, KWB_2023, KWB_2023_LATER, KWB_2024, WIJKEN_2024

from flows.wijkprofiel import BronBestand, wijkprofiel
from wijkprofiel.publish import STEMPEL


def test_flow_ingests_builds_and_publishes_ten_wijk_reports(prefect_harness, tmp_path: Path):
    db = tmp_path / "wijkprofiel.duckdb"
    out = tmp_path / "rapporten"

    published = wijkprofiel(
        gemeenten=[GEMEENTE],
        db_path=str(db),
        out_dir=str(out),
        cbs_bestanden=[
            BronBestand(pad=str(KWB_2023), jaar=2023),
            BronBestand(pad=str(KWB_2023_LATER), jaar=2023),
            BronBestand(pad=str(KWB_2024), jaar=2024),
        ],
        grenzen_bestanden=[BronBestand(pad=str(BUURTEN_2024), jaar=2024), BronBestand(pad=str(WIJKEN_2024), jaar=2024)],
    )

    assert sorted(published["rapporten"]) == [f"WK0344{n:02d}" for n in range(1, 11)]
    assert published["mislukt"] == {}
    assert published["index"] == [str(out / "index.html")]
    # Beside the reports, the record of what they were made from (an unchanged rerun leaves them in place).
    assert {p.name for p in out.iterdir()} == {"index.html", STEMPEL} | {
        f"WK0344{n:02d}{deel}" for n in range(1, 11)
        for deel in (".html", "-factsheet.html", "-cijfers.csv", "-cijfers.xlsx")
    }
    with duckdb.connect(str(db), read_only=True) as con:
        loads = con.execute("select bron, rows_in, loaded, quarantined from meta.loads order by load_id").fetchall()
        inwoners = con.execute(
            "select waarde from marts.indicator_waarden where gebied_code = 'WK034401' and jaar = 2024 and indicator = 'inwoners'"
        ).fetchone()[0]
    assert loads == [
        ("cbs_kwb", 122, 122, 0),
        ("cbs_kwb", 122, 122, 0),
        ("cbs_kwb", 122, 122, 0),
        ("grenzen", 111, 111, 0),
        ("grenzen", 10, 10, 0),
    ]
    assert inwoners == 29710


def test_flow_run_leaves_a_readable_summary_artifact(prefect_harness, tmp_path: Path):
    from prefect.artifacts import Artifact

    wijkprofiel(
        gemeenten=[GEMEENTE],
        db_path=str(tmp_path / "db.duckdb"),
        out_dir=str(tmp_path / "rapporten"),
        cbs_bestanden=[BronBestand(pad=str(KWB_2024), jaar=2024)],
    )

    artifact = Artifact.get("wijkprofiel-run")

    assert "| cbs_kwb | kwb-2024-utrecht.xlsx | bestand | 122 | 122 | 0 | nee |" in artifact.data
    assert "- gepubliceerd: 10" in artifact.data


def test_export_locations_go_through_their_ingest_flows_and_into_the_summary(prefect_harness, tmp_path: Path, monkeypatch):
    from prefect.artifacts import Artifact

    from wijkprofiel.config import Export
    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.demo.synth_rodedraden import synth_rodedraden
    from wijkprofiel.ingest.pseudonymise import DEMO_SLEUTEL
    from wijkprofiel.pipeline.keys import ENV_KEY

    monkeypatch.setenv(ENV_KEY, DEMO_SLEUTEL)  # SYNTHETIC people, the demo's throw-away key
    synth = synth_beschikkingen(GEMEENTE, 2000, tmp_path / "beschikkingen")
    rodedraden = synth_rodedraden(GEMEENTE, tmp_path / "rodedraden", casussen=300)
    db = tmp_path / "GM0344.duckdb"

    wijkprofiel(
        gemeenten=[GEMEENTE],
        db_path=str(tmp_path / "{gemeente}.duckdb"),
        out_dir=str(tmp_path / "rapporten"),
        cbs_bestanden=[BronBestand(pad=str(KWB_2024), jaar=2024)],
        koppeltabel=str(KWB_2024.parent / "pc6-buurt-2023-utrecht-approx.csv"),
        exports=[
            Export(gemeente=GEMEENTE, soort="beschikkingen", pad=str(tmp_path / "beschikkingen" / "*-beschikkingen.*")),
            Export(gemeente=GEMEENTE, soort="casuistiek", pad=str(rodedraden.casuistiek[0])),
            Export(gemeente=GEMEENTE, soort="signalen", pad=str(rodedraden.signalen)),
        ],
    )

    with duckdb.connect(str(db), read_only=True) as con:
        per_bron = dict(con.execute("select bron, sum(rows_in) from meta.loads group by 1").fetchall())
        exports = con.execute("select bestand from meta.loads where bestand like '%beschikkingen.%' order by 1").fetchall()
        clienten = con.execute("select count(*) from intermediate.beschikkingen_per_periode").fetchone()[0]
    artifact = Artifact.get("wijkprofiel-run").data
    assert sorted(Path(b).name for (b,) in exports) == sorted(p.name for p in synth.bestanden)
    assert {"cbs_kwb", "koppeltabel", "casuistiek", "signalen"} <= set(per_bron)
    assert clienten > 0
    for bestand in [rodedraden.casuistiek[0], rodedraden.signalen]:
        assert f"| {Path(bestand).name} |" in artifact
    assert "## Niet-gekoppelde tags" in artifact and "| GM0344 | gelukt | 10 | 0 |" in artifact

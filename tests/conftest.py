"""Shared fixtures: the bundled real CBS data, a built demo database, one Prefect test harness per session, and
the command line run in this process (`cli`)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GEMEENTE = "GM0344"

KWB_2023 = DATA / "cbs" / "kwb-2023-utrecht.xlsx"
KWB_2023_LATER = DATA / "cbs" / "kwb-2023-utrecht-later-release-43cols.xlsx"
KWB_2024 = DATA / "cbs" / "kwb-2024-utrecht.xlsx"
BUURTEN_2024 = DATA / "geo" / "buurten-2024-utrecht.geojson"
WIJKEN_2024 = DATA / "geo" / "wijken-2024-utrecht.geojson"
STATLINE_85830 = FIXTURES / "cbs" / "statline-85830NED-utrecht.csv"


@pytest.fixture
def con(tmp_path):
    """A fresh database file with every schema and raw table, for SQL model tests on hand-made rows."""
    from wijkprofiel.db import connect, init_database

    connection = connect(tmp_path / "modellen.duckdb")
    init_database(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (starting one takes several seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo's database built from the bundled files, without Prefect (read it, don't write it)."""
    from wijkprofiel.ingest.cbs import ingest_cbs_file
    from wijkprofiel.ingest.grenzen import ingest_grenzen_file
    from wijkprofiel.transform.build import build_marts

    db = tmp_path_factory.mktemp("demo") / "wijkprofiel.duckdb"
    for path, jaar in ((KWB_2023, 2023), (KWB_2023_LATER, 2023), (KWB_2024, 2024)):
        ingest_cbs_file(db, path, GEMEENTE, jaar)
    for path in (BUURTEN_2024, WIJKEN_2024):
        ingest_grenzen_file(db, path, GEMEENTE, 2024)
    build_marts(db)
    return db


@pytest.fixture(scope="session")
def demo_volledig(tmp_path_factory) -> Path:
    """The demo's database with every source (CBS, boundaries, postcode table, SYNTHETIC beschikkingen and
    rode-draden sources), built without Prefect and without reports (read it, don't write it). 30,000
    beschikking rows instead of the demo's 75,000 keep it quick; the rates per buurt keep their shape."""
    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.demo.synth_rodedraden import synth_rodedraden
    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.cbs import ingest_cbs_file
    from wijkprofiel.ingest.grenzen import ingest_grenzen_file
    from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
    from wijkprofiel.ingest.pseudonymise import DEMO_SLEUTEL
    from wijkprofiel.ingest.rodedraden import ingest_bron
    from wijkprofiel.transform.build import build_marts

    tmp = tmp_path_factory.mktemp("demo-volledig")
    db = tmp / "wijkprofiel.duckdb"
    for path, jaar in ((KWB_2023, 2023), (KWB_2023_LATER, 2023), (KWB_2024, 2024)):
        ingest_cbs_file(db, path, GEMEENTE, jaar)
    for path in (BUURTEN_2024, WIJKEN_2024):
        ingest_grenzen_file(db, path, GEMEENTE, 2024)
    ingest_koppeltabel(db, DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv")
    for pad in synth_beschikkingen(GEMEENTE, 30000, tmp / "synthetisch").bestanden:
        ingest_beschikkingen(db, pad, sleutel=DEMO_SLEUTEL)
    synth = synth_rodedraden(GEMEENTE, tmp / "synthetisch")
    for soort, paden in (("casuistiek", synth.casuistiek), ("signalen", [synth.signalen]), ("enquete", [synth.enquete]),
                         ("kansen", [synth.kansen]), ("besprekingen", [synth.bespreking])):
        for pad in paden:
            ingest_bron(db, soort, pad, sleutel=DEMO_SLEUTEL)
    build_marts(db)
    return db


@dataclass
class Uitvoer:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    """`wijkprofiel ARGS` through wijkprofiel.cli.main() in this process (its exit code, stdout and stderr):
    the same entry point as the console script, without a new Python per call."""
    from wijkprofiel.cli import main

    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)

    def run(*args: object) -> Uitvoer:
        monkeypatch.setattr(sys, "argv", ["wijkprofiel", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Uitvoer(code, out, err)

    return run


@pytest.fixture(scope="session")
def rapporten_volledig(demo_volledig, tmp_path_factory) -> Path:
    """The reports of the demo with every source (rode draden from casuïstiek, signals and beschikkingen, kansen),
    published once for every browser test that only reads them."""
    from wijkprofiel.publish import publish_reports

    out = tmp_path_factory.mktemp("browser-volledig") / "rapporten"
    assert publish_reports(demo_volledig, out).mislukt == {}
    return out


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (tests/cdp.py) for the module; skipped without one, except in CI, where it must exist."""
    from cdp import Browser, browser_required, chromium_path

    if chromium_path() is None:
        if browser_required():
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed")
    b = Browser()
    yield b
    b.close()

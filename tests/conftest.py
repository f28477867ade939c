"""Shared fixtures: the bundled real CBS data, a built demo database, and one Prefect test harness per session."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (starting one takes several seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo's database built from the bundled files, without Prefect (read it, don't write it)."""
    from wijkprofiel.build import build_marts
    from wijkprofiel.ingest_cbs import ingest_cbs_file
    from wijkprofiel.ingest_grenzen import ingest_grenzen_file

    db = tmp_path_factory.mktemp("demo") / "wijkprofiel.duckdb"
    for path, jaar in ((KWB_2023, 2023), (KWB_2023_LATER, 2023), (KWB_2024, 2024)):
        ingest_cbs_file(db, path, GEMEENTE, jaar)
    for path in (BUURTEN_2024, WIJKEN_2024):
        ingest_grenzen_file(db, path, GEMEENTE, 2024)
    build_marts(db)
    return db

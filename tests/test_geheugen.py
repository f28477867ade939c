"""Memory is bounded and said (issue 12, item 5): every DuckDB connection gets memory_limit (configured, or a share
of the machine's memory); a build or load that needs more stops with one line naming the setting, the database
keeps its previous build, and the private connection of a load still never spills to disk."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from wijkprofiel import db as database
from wijkprofiel.config import load_config
from wijkprofiel.errors import MemoryLimitError, WijkprofielError
from wijkprofiel.ingest.readers.private.export import prive_verbinding
from wijkprofiel.transform.build import build_marts


@pytest.fixture
def limiet(monkeypatch):
    """Set memory_limit for this test only (the setting is per process)."""
    monkeypatch.setitem(database._geheugen, "limiet", None)
    return database.stel_geheugenlimiet_in


def _instelling(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_connections_get_the_configured_limit_and_the_private_one_still_never_spills(limiet, tmp_path):
    limiet("64MB")
    con = database.connect(tmp_path / "w.duckdb")
    try:
        assert _instelling(con) == "61.0 MiB"  # DuckDB shows 64 * 10^6 bytes in MiB
    finally:
        con.close()
    mem = prive_verbinding()
    try:
        assert _instelling(mem) == "61.0 MiB"
        assert mem.execute("select current_setting('temp_directory')").fetchone() == ("",)
    finally:
        mem.close()


def test_without_a_setting_duckdb_gets_a_share_of_the_machines_memory(limiet):
    machine = database._machinegeheugen()
    standaard = float(database.geheugenlimiet().removesuffix("B"))
    assert standaard == pytest.approx(machine * database.STANDAARD_GEHEUGEN_AANDEEL, rel=0.01)
    limiet("25%")
    assert float(database.geheugenlimiet().removesuffix("B")) == pytest.approx(machine / 4, rel=0.01)


def test_a_build_that_needs_more_stops_with_one_line_naming_the_setting_and_keeps_the_previous_build(
    demo_volledig, tmp_path, limiet
):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_volledig, db)
    with duckdb.connect(str(db), read_only=True) as con:
        voor = con.execute("select count(*), sum(hash(t)::hugeint) from marts.indicator_waarden t").fetchone()
    limiet("20MB")
    with pytest.raises(MemoryLimitError) as fout:
        build_marts(db, force=True)
    melding = str(fout.value)
    assert "\n" not in melding
    assert "needs more memory than DuckDB may use here (memory_limit = 20MB; raise memory_limit in wijkprofiel.toml" in melding
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*), sum(hash(t)::hugeint) from marts.indicator_waarden t").fetchone() == voor


def test_a_load_that_needs_more_stops_naming_the_setting_and_spills_nothing(demo_volledig, tmp_path, limiet, monkeypatch):
    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.pseudonymise import DEMO_SLEUTEL

    export = sorted((demo_volledig.parent / "synthetisch").glob("*beschikkingen*.csv"))[0]
    ander = tmp_path / "export.csv"
    ander.write_bytes(export.read_bytes() + b"\n")  # not loaded before
    monkeypatch.chdir(tmp_path)  # DuckDB's default spill folder is .tmp in the working folder
    limiet("8MB")
    with pytest.raises(MemoryLimitError, match=r"export.csv: too large to check in this machine's memory .*memory_limit = 8MB"):
        ingest_beschikkingen(tmp_path / "w.duckdb", ander, sleutel=DEMO_SLEUTEL)
    assert not (tmp_path / ".tmp").exists()


def test_memory_limit_in_the_configuration_is_checked_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_MEMORY_LIMIT", raising=False)
    pad = tmp_path / "wijkprofiel.toml"
    pad.write_text('gemeenten = ["GM0344"]\nmemory_limit = "veel"\n', encoding="utf-8")
    with pytest.raises(WijkprofielError, match=r"setting memory_limit: 'veel' is not a memory size: give e.g. '8GB'"):
        load_config(pad)
    pad.write_text('gemeenten = ["GM0344"]\njaren = [2024]\nmemory_limit = "50%"\n', encoding="utf-8")
    assert load_config(pad).memory_limit == "50%"
    monkeypatch.setenv("WIJKPROFIEL_MEMORY_LIMIT", "6GB")
    assert load_config(pad).memory_limit == "6GB"


def test_the_cli_takes_the_limit_and_says_it_in_one_line(demo_db, tmp_path):
    import os
    import subprocess
    import sys

    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    result = subprocess.run(
        [sys.executable, "-c", "from wijkprofiel.cli import main; main()", "--memory-limit", "20MB", "build", "--db", str(db),
         "--force"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    fouten = [regel for regel in result.stderr.splitlines() if regel.startswith("error:")]
    assert len(fouten) == 1 and "Traceback" not in result.stderr
    assert "needs more memory than DuckDB may use here (memory_limit = 20MB" in fouten[0]

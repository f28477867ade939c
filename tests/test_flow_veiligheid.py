"""Safety of scheduled runs: a second run waits for the writer, and a killed build leaves the previous database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from flows.marts import build_marts

# A build in another process that stops halfway, inside its transaction (after marts, before pub), and says so.
_HALVERWEGE = textwrap.dedent("""
    import dataclasses, sys, time
    import wijkprofiel.transform.build as build

    def halverwege(con):
        print("halverwege", flush=True)
        time.sleep(120)

    build.PYTHON_MODELS = tuple(
        dataclasses.replace(node, run=halverwege) if node.name == "pub.openbaarmaking" else node
        for node in build.PYTHON_MODELS
    )
    build.build_marts(sys.argv[1], force=True)  # rebuild everything, so it reaches the stop
""")


def _vingerafdruk(db: Path) -> dict:
    """Row count and an order-independent checksum of every marts table and pub view."""
    with duckdb.connect(str(db), read_only=True) as con:
        namen = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where schema_name = 'marts' "
            "union all select schema_name || '.' || view_name from duckdb_views() where schema_name = 'pub' order by 1"
        ).fetchall()
        return {n: con.execute(f"select count(*), sum(hash(t)) from {n} t").fetchone() for (n,) in namen}


def _halverwege(db: Path) -> subprocess.Popen:
    proces = subprocess.Popen([sys.executable, "-c", _HALVERWEGE, str(db)], stdout=subprocess.PIPE, text=True)
    assert proces.stdout.readline().strip() == "halverwege"
    return proces


def test_kill_9_of_a_build_midway_leaves_the_previous_database_readable_and_complete(demo_db, tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    # Make the half-built state differ from the previous one: new CBS rows whose marts the build had replaced.
    with duckdb.connect(str(db)) as con:
        con.execute("update raw.cbs_kwb set waarde = '1' where indicator = 'inwoners'")
    voor = _vingerafdruk(db)

    bouwer = _halverwege(db)
    os.kill(bouwer.pid, signal.SIGKILL)
    bouwer.wait(timeout=30)

    assert bouwer.returncode == -signal.SIGKILL
    assert _vingerafdruk(db) == voor
    assert voor["marts.wijk_profiel"][0] == 20 and voor["pub.indicator_waarden"][0] > 0


def test_a_second_run_waits_for_the_writer_with_a_message_then_builds(prefect_harness, demo_db, tmp_path, caplog):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    voor = _vingerafdruk(db)
    bouwer = _halverwege(db)  # holds the write lock, as a running build does
    try:
        gestart = time.monotonic()
        # The other build is killed after 4 s; this run waits (it may wait up to 30 s), then builds.
        killer = subprocess.Popen([sys.executable, "-c", f"import os, time; time.sleep(4); os.kill({bouwer.pid}, 9)"])
        state = build_marts(str(db), return_state=True)
        killer.wait(timeout=30)
    finally:
        bouwer.kill()
        bouwer.wait(timeout=30)

    assert state.is_completed()
    assert time.monotonic() - gestart >= 4
    assert "is in use by another run; waiting up to 30 s" in caplog.text
    assert _vingerafdruk(db) == voor

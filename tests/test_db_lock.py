"""DuckDB allows one writer: a second writer waits, then fails with a clear message; the database stays intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from wijkprofiel.db import connect, init_database
from wijkprofiel.errors import WijkprofielError


def test_second_writer_waits_then_fails_clearly_and_the_database_stays_readable(tmp_path, caplog):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    init_database(con)
    con.execute("create table main.t as select 42 as x")
    con.close()
    # Another process holds the write lock for a few seconds, as a running build would.
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("locked", flush=True)
            time.sleep(6)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(WijkprofielError, match="in use by another wijkprofiel run .*gave up after 1 s"):
            connect(db, wait=1.0)
        assert time.monotonic() - started >= 1.0
        assert "waiting up to 1 s" in caplog.text
    finally:
        holder.wait(timeout=30)
    # Once the other run is done, the database opens and holds what it held.
    with connect(db, read_only=True) as con:
        assert con.execute("select x from main.t").fetchone() == (42,)


def test_a_waiting_writer_proceeds_when_the_lock_is_released(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); time.sleep(2)"],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    con = connect(db, wait=30.0)  # waits for the holder to exit
    con.execute("create table main.t as select 1 as x")
    con.close()
    holder.wait(timeout=30)

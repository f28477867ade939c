"""Without --debug a logged exception is one line in the terminal; the record keeps it for other handlers."""

from __future__ import annotations

import io
import logging

import pytest

from wijkprofiel.pipeline.meldingen import een_regel_per_fout


@pytest.mark.parametrize("debug", [False, True])
def test_a_logged_exception_is_one_line_unless_debug(debug):
    terminal, ander = io.StringIO(), io.StringIO()
    logger = logging.getLogger(f"wijkprofiel.test.meldingen.{debug}")
    logger.propagate = False
    scherm = logging.StreamHandler(terminal)
    scherm.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(scherm)
    een_regel_per_fout(debug)
    # A handler added later (like Prefect's API handler) still gets the whole record.
    logger.addHandler(logging.StreamHandler(ander))
    try:
        raise ValueError("no areas of GM0193 in this file")
    except ValueError:
        logger.exception("Task run failed with exception")

    regels = terminal.getvalue().splitlines()
    if debug:
        assert "Traceback (most recent call last):" in terminal.getvalue()
    else:
        assert regels == [f"ERROR wijkprofiel.test.meldingen.{debug}: Task run failed with exception"]
    assert "ValueError: no areas of GM0193 in this file" in ander.getvalue()


def test_a_log_file_keeps_its_tracebacks(tmp_path):
    logger = logging.getLogger("wijkprofiel.test.meldingen.bestand")
    logger.propagate = False
    bestand = logging.FileHandler(tmp_path / "run.log")
    logger.addHandler(bestand)
    een_regel_per_fout(False)
    try:
        raise ValueError("kapot")
    except ValueError:
        logger.exception("mislukt")
    bestand.close()

    assert "Traceback (most recent call last):" in (tmp_path / "run.log").read_text()

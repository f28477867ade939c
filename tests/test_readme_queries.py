"""The README's "Querying the database" examples run on a built database, and the CBS one shows real output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb

README = Path(__file__).resolve().parents[1] / "README.md"


def _sectie() -> str:
    tekst = README.read_text(encoding="utf-8")
    return tekst.split("## Querying the database", 1)[1].split("\n## ", 1)[0]


def _voorbeelden() -> list[tuple[str, str, str]]:
    """(language, code, shown output) for every example: a code block followed by a text block."""
    return re.findall(r"```(sql|python)\n(.*?)\n```\n\n```text\n(.*?)\n```", _sectie(), flags=re.S)


def _kolommen(uitvoer: str) -> list[str]:
    return [k.strip() for k in uitvoer.splitlines()[1].strip("│").split("│")]


def test_five_examples_with_output_in_cli_sql_and_python():
    voorbeelden = _voorbeelden()
    assert len(voorbeelden) == 5
    assert {taal for taal, _, _ in voorbeelden} == {"sql", "python"}


def test_every_sql_example_runs_and_returns_the_columns_it_shows(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        for taal, code, uitvoer in _voorbeelden():
            if taal != "sql":
                continue
            relatie = con.sql(code.rstrip().rstrip(";"))
            assert relatie.columns == _kolommen(uitvoer), code


def test_the_cbs_example_shows_exactly_what_duckdb_prints(demo_db):
    """Example 1 reads real CBS figures only, which the test database holds too: its output must match."""
    taal, code, uitvoer = _voorbeelden()[0]
    assert "marts.wijk_profiel" in code
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert str(con.sql(code.rstrip().rstrip(";"))).rstrip("\n") == uitvoer


def test_the_python_example_runs(demo_db, capsys):
    (code,) = [c for taal, c, _ in _voorbeelden() if taal == "python"]
    assert '"out/demo/wijkprofiel.duckdb"' in code
    exec(code.replace('"out/demo/wijkprofiel.duckdb"', repr(str(demo_db))), {})  # noqa: S102 - our own README
    uit = capsys.readouterr().out
    # the test database has CBS figures only: CBS's index per wijk, as the README shows it
    assert re.search(r"Wijk 03 Overvecht\s+189\.0", uit), uit
    assert re.search(r"Wijk 03 Overvecht\s+199\.0\s+189\.0", _voorbeelden()[4][2])


def _python_blokken() -> list[str]:
    """Every Python block of the section, with or without shown output."""
    return re.findall(r"```python\n(.*?)\n```", _sectie(), flags=re.S)


def test_every_python_snippet_runs(demo_db, capsys):
    blokken = _python_blokken()
    assert len(blokken) == 2 and any("from_wkb" in b for b in blokken)
    for code in blokken:
        assert '"out/demo/wijkprofiel.duckdb"' in code
        exec(code.replace('"out/demo/wijkprofiel.duckdb"', repr(str(demo_db))), {})  # noqa: S102 - our own README
    # the geometry example prints the wijken's extent in degrees: Utrecht lies near 5.1 E, 52.1 N
    laatste = capsys.readouterr().out.strip().splitlines()[-1]
    west, zuid, oost, noord = (float(x) for x in laatste.strip("[]").split())
    assert 4.9 < west < oost < 5.3 and 51.9 < zuid < noord < 52.2


def test_the_duckdb_command_line_of_the_readme_opens_the_file(demo_db):
    """`make demo` installs the duckdb command line of the same LTS line into .venv; it reads the file."""
    (regel,) = re.findall(r"```bash\n(.*?)\n```", _sectie(), flags=re.S)
    assert regel == ".venv/bin/duckdb -readonly out/demo/wijkprofiel.duckdb"
    cli = Path(sys.executable).parent / "duckdb"
    assert cli.is_file(), "the duckdb command line is not installed: pip install -e '.[dev]'"
    uit = subprocess.run(
        [str(cli), "-readonly", str(demo_db), "-csv", "-c", "select count(*) > 0 as gevuld from pub.indicator_waarden"],
        capture_output=True, text=True, timeout=60,
    )
    assert uit.returncode == 0, uit.stderr
    assert uit.stdout.split() == ["gevuld", "true"]
    versie = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert versie.startswith("v1.4.")

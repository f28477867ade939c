"""The `wijkprofiel` command line: help for every command, JSON load reports, one-line errors with exit code 1
(a traceback only with --debug), and the whole pipeline from files to self-contained HTML reports.

Commands run the way a user runs them: a separate Python process calling `wijkprofiel.cli.main()`, so exit
codes, stdout and stderr are the real ones.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import BUURTEN_2024, GEMEENTE, KWB_2023, KWB_2024, WIJKEN_2024
from typer.testing import CliRunner

from wijkprofiel.cli import app
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file

WIJKEN = [f"WK0344{i:02d}" for i in range(1, 11)]
RAPPORTEN = sorted(["index.html", *(f"{wijk}.html" for wijk in WIJKEN)])
#: What publish writes: the reports plus, per wijk, its figures as downloads and its factsheet.
GEPUBLICEERD = sorted([*RAPPORTEN, *(f"{wijk}-cijfers.{ext}" for wijk in WIJKEN for ext in ("csv", "xlsx")),
                       *(f"{wijk}-factsheet.html" for wijk in WIJKEN)])
ONE_OF = "error: give exactly one of --file PATH, --online or --offline"


def run_cli(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    """`wijkprofiel ARGS` in a fresh process; stderr is not a terminal, as in cron jobs and CI."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from wijkprofiel.cli import main; main()", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _ingest_cbs(path: Path, jaar: int, db: Path, *extra: object) -> list[object]:
    return ["ingest", "cbs", "--file", path, "--gemeente", GEMEENTE, "--jaar", jaar, "--db", db, *extra]


# ----------------------------------------------------------------------------------------------------- help


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["ingest", "build", "publish", "demo", "--debug", "--memory-limit"]),
        (["ingest"], ["cbs", "grenzen"]),
        (["ingest", "cbs"], ["--gemeente", "--jaar", "--db", "--file", "--online", "--offline", "--json"]),
        (["ingest", "grenzen"], ["--gemeente", "--jaar", "--db", "--file", "--online", "--niveau", "--json"]),
        (["build"], ["--db", "--force"]),
        (["publish"], ["--db", "--out", "--jaar", "--indicator"]),
        (["demo"], ["--out"]),
        (["key"], ["new"]),
        (["rekey"], ["--db", "--yes", "load the exports again"]),
    ],
    ids=["app", "ingest", "ingest-cbs", "ingest-grenzen", "build", "publish", "demo", "key", "rekey"],
)
def test_help_describes_each_command_and_its_options(command, mentions):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "160", "TERMINAL_WIDTH": "160"})

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    missing = [m for m in mentions if m not in result.output]
    assert missing == []


def test_key_new_prints_a_new_strong_key_and_how_to_store_it(tmp_path):
    from wijkprofiel.ingest.pseudonymise import laad_sleutel

    een, twee = run_cli("key", "new", cwd=tmp_path), run_cli("key", "new", cwd=tmp_path)
    assert een.returncode == 0, een.stderr
    sleutel = een.stdout.strip()
    assert re.fullmatch("[0-9a-f]{64}", sleutel) and sleutel != twee.stdout.strip()
    assert laad_sleutel(sleutel) == sleutel.encode("utf-8")
    assert "WIJKPROFIEL_PSEUDO_KEY" in een.stderr and "Prefect Secret block" in een.stderr


# ---------------------------------------------------------------------------------------------- ingest cbs


def test_ingest_cbs_json_reports_the_load_and_then_the_duplicate(tmp_path):
    db = tmp_path / "w.duckdb"

    first = run_cli(*_ingest_cbs(KWB_2024, 2024, db, "--json"), cwd=tmp_path)
    second = run_cli(*_ingest_cbs(KWB_2024, 2024, db, "--json"), cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    eerste, tweede = json.loads(first.stdout), json.loads(second.stdout)
    assert list(eerste) == ["files"] and len(eerste["files"]) == 1
    load = eerste["files"][0]
    assert {k: load[k] for k in ("bron", "file", "rows_in", "loaded", "quarantined", "duplicate")} == {
        "bron": "cbs_kwb",
        "file": str(KWB_2024),
        "rows_in": 122,
        "loaded": 122,
        "quarantined": 0,
        "duplicate": False,
    }
    again = tweede["files"][0]
    assert again["duplicate"] is True
    # A duplicate reports the earlier load's counts (rows_in = loaded + quarantined holds) and changes nothing.
    assert (again["rows_in"], again["loaded"], again["quarantined"]) == (122, 122, 0)
    assert again["load_id"] == load["load_id"]


@pytest.mark.parametrize("bron", [["--file", KWB_2024, "--online"], []], ids=["both", "neither"])
def test_ingest_cbs_needs_exactly_one_of_file_or_online(tmp_path, bron):
    result = run_cli("ingest", "cbs", "--gemeente", GEMEENTE, "--jaar", 2024, "--db", tmp_path / "w.duckdb", *bron,
                     cwd=tmp_path)  # fmt: skip

    assert result.returncode == 1
    assert _lines(result.stderr) == [ONE_OF]
    assert result.stdout == ""


def test_ingest_grenzen_needs_exactly_one_of_file_or_online(tmp_path):
    result = run_cli("ingest", "grenzen", "--gemeente", GEMEENTE, "--jaar", 2024, "--db", tmp_path / "w.duckdb",
                     cwd=tmp_path)  # fmt: skip

    assert result.returncode == 1
    assert _lines(result.stderr) == [ONE_OF]


def test_missing_file_is_one_error_line_and_exit_code_1(tmp_path):
    result = run_cli(*_ingest_cbs(Path("kwb-2024-ontbreekt.xlsx"), 2024, Path("w.duckdb")), cwd=tmp_path)

    assert result.returncode == 1
    assert _lines(result.stderr) == ["error: kwb-2024-ontbreekt.xlsx: file not found"]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_with_debug_shows_the_traceback(tmp_path):
    result = run_cli("--debug", *_ingest_cbs(Path("kwb-2024-ontbreekt.xlsx"), 2024, Path("w.duckdb")), cwd=tmp_path)

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "SourceError: kwb-2024-ontbreekt.xlsx: file not found" in result.stderr


def test_long_error_message_stays_on_one_line(tmp_path):
    missing = tmp_path / "gemeentelijke-gegevens" / "cbs-kerncijfers" / "kwb-2024-nederland-definitieve-versie.xlsx"

    result = run_cli(*_ingest_cbs(missing, 2024, tmp_path / "w.duckdb"), cwd=tmp_path)

    assert result.returncode == 1
    assert _lines(result.stderr) == [f"error: {missing}: file not found"]


@pytest.mark.parametrize("naam", ["kwb-2024 [definitief].xlsx", "kwb-2024 [/definitief].xlsx"])
def test_error_message_shows_square_brackets_literally(tmp_path, naam):
    result = run_cli(*_ingest_cbs(Path(naam), 2024, Path("w.duckdb")), cwd=tmp_path)

    assert result.returncode == 1
    assert _lines(result.stderr) == [f"error: {naam}: file not found"]


def test_publish_exits_1_when_a_wijk_report_fails(tmp_path, demo_db, monkeypatch, capsys):
    import wijkprofiel.cli
    import wijkprofiel.publish

    def kapot(gegevens, wijk, *args, **kwargs):
        raise RuntimeError(f"kaart van {wijk} mislukt")

    monkeypatch.setattr(wijkprofiel.publish, "schrijf_wijkrapport", kapot)
    monkeypatch.setattr(sys, "argv", ["wijkprofiel", "publish", "--db", str(demo_db), "--out", str(tmp_path / "r")])

    with pytest.raises(SystemExit) as info:
        wijkprofiel.cli.main()

    assert info.value.code == 1
    assert "report WK034401 failed" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ end to end


@pytest.fixture(scope="module")
def volledige_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """ingest cbs 2023 + 2024, ingest grenzen buurten + wijken, build, publish: all through the CLI."""
    work = tmp_path_factory.mktemp("volledig")
    db, out = work / "wijkprofiel.duckdb", work / "rapporten"
    steps = [
        _ingest_cbs(KWB_2023, 2023, db),
        _ingest_cbs(KWB_2024, 2024, db),
        ["ingest", "grenzen", "--file", BUURTEN_2024, "--gemeente", GEMEENTE, "--jaar", 2024, "--db", db],
        ["ingest", "grenzen", "--file", WIJKEN_2024, "--gemeente", GEMEENTE, "--jaar", 2024, "--db", db],
        ["build", "--db", db],
        ["publish", "--db", db, "--out", out],
    ]
    for step in steps:
        result = run_cli(*step, cwd=work)
        assert result.returncode == 0, f"{step}: {result.stderr}"
    return out, result


@pytest.fixture(scope="module")
def zonder_grenzen(tmp_path_factory) -> tuple[Path, Path]:
    """Only CBS figures (no boundaries): ingest cbs 2024, build, publish."""
    work = tmp_path_factory.mktemp("zonder-grenzen")
    db, out = work / "wijkprofiel.duckdb", work / "rapporten"
    for step in (_ingest_cbs(KWB_2024, 2024, db), ["build", "--db", db], ["publish", "--db", db, "--out", out]):
        result = run_cli(*step, cwd=work)
        assert result.returncode == 0, f"{step}: {result.stderr}"
    return db, out


@cache
def _wijknamen() -> dict[str, str]:
    rijen = read_cbs_file(KWB_2024, 2024).rijen
    return dict(rijen.loc[rijen.gebied_code.str.startswith("WK"), ["gebied_code", "gebied_naam"]].values)


def _buurten_van(wijk: str) -> list[str]:
    return [code for code in _gebiedscodes() if code.startswith("BU" + wijk[2:])]


@cache
def _gebiedscodes() -> tuple[str, ...]:
    return tuple(read_cbs_file(KWB_2024, 2024).rijen.gebied_code)


class _ExterneBronnen(HTMLParser):
    """Attributes that make a browser fetch something: src anywhere, href outside <a> (stylesheets, icons)."""

    def __init__(self) -> None:
        super().__init__()
        self.gevonden: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value or (name == "href" and tag == "a") or name not in ("src", "href", "srcset", "data", "poster"):
                continue
            if value.strip().lower().startswith(("http://", "https://", "//")):
                self.gevonden.append((tag, name, value))


def test_publish_writes_an_index_and_one_report_per_wijk(volledige_run):
    out, publish = volledige_run

    assert sorted(p.name for p in out.iterdir()) == GEPUBLICEERD
    assert sorted(Path(line).name for line in _lines(publish.stdout)) == RAPPORTEN
    index = (out / "index.html").read_text(encoding="utf-8")
    assert [wijk for wijk in WIJKEN if f'href="{wijk}.html"' not in index] == []


@pytest.mark.parametrize("wijk", WIJKEN)
def test_wijk_report_names_the_wijk_lists_its_buurten_and_credits_cbs(volledige_run, wijk):
    out, _ = volledige_run
    text = html.unescape((out / f"{wijk}.html").read_text(encoding="utf-8"))

    assert _wijknamen()[wijk] in text
    buurten = _buurten_van(wijk)
    assert buurten, f"{wijk} has buurten in the release"
    assert [b for b in buurten if b not in text] == []
    assert "CC-BY 4.0" in text
    assert "geen buurtgrenzen geladen" not in text


@pytest.mark.parametrize("naam", RAPPORTEN)
def test_reports_load_nothing_from_the_internet(volledige_run, naam):
    out, _ = volledige_run
    text = (out / naam).read_text(encoding="utf-8")
    parser = _ExterneBronnen()
    parser.feed(text)

    assert parser.gevonden == []
    for fetch in ('src="http', "src='http", "url(http", "url('http", 'url("http', "{z}/{x}/{y}"):
        assert fetch not in text


def test_gemeente_without_boundaries_still_gets_every_report_with_a_note(zonder_grenzen):
    _, out = zonder_grenzen

    assert sorted(p.name for p in out.iterdir()) == GEPUBLICEERD
    names = _wijknamen()
    for wijk in WIJKEN:
        text = html.unescape((out / f"{wijk}.html").read_text(encoding="utf-8"))
        assert "geen buurtgrenzen geladen" in text, wijk
        assert names[wijk] in text
        assert [b for b in _buurten_van(wijk) if b not in text] == []


def test_publish_replaces_the_out_dir_as_a_whole_and_leaves_no_temp_folders(zonder_grenzen, tmp_path):
    db, eerder = zonder_grenzen
    out = tmp_path / "publicatie" / "rapporten"
    shutil.copytree(eerder, out)
    (out / "WK034499.html").write_text("<p>rapport van een opgeheven wijk</p>", encoding="utf-8")
    (out / "oud").mkdir()
    (out / "oud" / "notities.txt").write_text("van vorig jaar", encoding="utf-8")

    result = run_cli("publish", "--db", db, "--out", out, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == GEPUBLICEERD
    assert sorted(p.name for p in out.parent.iterdir()) == ["rapporten"]
    assert out.stat().st_mode & 0o005 == 0o005, "the report folder is readable for colleagues"


def test_offline_without_a_snapshot_says_to_fetch_online_first(tmp_path):
    result = run_cli(
        "ingest", "cbs", "--offline", "--gemeente", "GM0344", "--jaar", "2024",
        "--db", tmp_path / "w.duckdb", "--snapshots", tmp_path / "snapshots", cwd=tmp_path,
    )

    assert result.returncode == 1
    assert len(_lines(result.stderr)) == 1
    assert "no snapshot" in result.stderr and "--online" in result.stderr


def test_a_database_named_after_a_schema_is_refused_in_one_line(tmp_path):
    result = run_cli("build", "--db", str(tmp_path / "pub.duckdb"), cwd=tmp_path)

    assert result.returncode == 1
    assert _lines(result.stderr) == [
        f"error: {tmp_path / 'pub.duckdb'}: a database file may not be named after one of its schemas "
        "(raw, staging, intermediate, marts, pub, meta); choose another name, e.g. wijkprofiel.duckdb"
    ]

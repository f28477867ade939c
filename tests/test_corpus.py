"""The bad-input corpus (tests/corpus/): every case in manifest.toml through the command line, as a user runs it.

A case is a file (committed, or made at test time by tests/corpus/maak.py when it is large or binary), the kind
of input (the `wijkprofiel` command that reads it) and the expected outcome:
- `error`: the command stops with exit code 1 and exactly one line on stderr, `error: …` containing this text,
  no traceback, and nothing loaded;
- `rows = [rows_in, loaded, quarantined]` and `reasons`: the load's counts in its --json report and in meta.loads
  add up, raw holds the loaded records and meta.quarantine the others, with exactly these distinct reasons.
In every case no unexpected exception reaches the user ("run with --debug" is the sign of one), and none of
the corpus's BSNs is stored in any text column of what a load writes (raw and meta).
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest
from conftest import DATA, FIXTURES, GEMEENTE
from corpus.maak import BSN, MAKERS

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
CASES = MANIFEST["case"]
JAAR = 2024
#: The BSN in the iStandaarden fixture the 301 cases are made from, beside the corpus's own.
BSN_301 = re.search(r"<wmo301:Bsn>([0-9]{9})</wmo301:Bsn>", (FIXTURES / "istandaarden" / "WMO301.xml").read_text()).group(1)
#: Where a kind's loaded records are: the raw table and what counts one record.
RAW = {
    "cbs": ("raw.cbs_kwb", "distinct gebied_code"), "cbs-odata": ("raw.cbs_kwb", "distinct gebied_code"),
    "grenzen": ("raw.cbs_grenzen", "*"), "beschikkingen": ("raw.beschikkingen", "*"),
    "casuistiek": ("raw.casuistiek", "distinct bron_rij"), "signalen": ("raw.signalen", "*"),
    "enquete": ("raw.signalen", "*"), "kansen": ("raw.kansen", "*"), "besprekingen": ("raw.besprekingen", "*"),
}  # fmt: skip


@pytest.fixture(scope="module")
def sjabloon(tmp_path_factory) -> Path:
    """A database with every table and the CBS postcode table (so private exports are placed), copied per case."""
    from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel

    db = tmp_path_factory.mktemp("corpus-sjabloon") / "wijkprofiel.duckdb"
    ingest_koppeltabel(db, DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv")
    return db


@pytest.fixture(autouse=True)
def _omgeving(monkeypatch):
    """A strong key for the pseudonymised kinds; no configuration from the environment of the machine."""
    from wijkprofiel.ingest.pseudonymise import nieuwe_sleutel

    for naam in ("WIJKPROFIEL_PSEUDO_KEY_BLOCK", "WIJKPROFIEL_GEMEENTEN", "WIJKPROFIEL_CONFIG", "WIJKPROFIEL_JAREN"):
        monkeypatch.delenv(naam, raising=False)
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", nieuwe_sleutel())


def invoer(case: dict, map_: Path) -> Path:
    """The case's input in `map_`: made by maak.py, or the committed file or folder."""
    if "maak" in case:
        return MAKERS[case["maak"]](map_)
    bron = CORPUS / case["file"]
    doel = map_ / bron.name
    (shutil.copytree if bron.is_dir() else shutil.copy)(bron, doel)
    return doel


def argumenten(case: dict, pad: Path, db: Path, map_: Path) -> list[object]:
    """The command line that reads this kind of input."""
    kind = case["kind"]
    if kind == "cbs":
        return ["ingest", "cbs", "--file", pad, "--gemeente", GEMEENTE, "--jaar", JAAR, "--db", db, "--json"]
    if kind == "cbs-odata":
        # the folder is one snapshot of an earlier --online run, read back with --offline
        from wijkprofiel.ingest.readers.public.cbs_odata import BRON
        from wijkprofiel.reference.catalogue import kwb_tabel_id

        snapshots = map_ / "snapshots"
        shutil.copytree(pad, snapshots / BRON / f"{kwb_tabel_id(JAAR)}-{GEMEENTE}" / "20240101T000000000000Z")
        return ["ingest", "cbs", "--offline", "--snapshots", snapshots, "--gemeente", GEMEENTE, "--jaar", JAAR,
                "--db", db, "--json"]
    if kind == "grenzen":
        return ["ingest", "grenzen", "--file", pad, "--gemeente", GEMEENTE, "--jaar", JAAR, "--db", db, "--json"]
    if kind == "config":
        return ["config", "check", "--config", pad]
    return ["ingest", kind, pad, "--db", db, "--json"]


def _rijen(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def opgeslagen_bsns(db: Path) -> list[tuple[str, str]]:
    """(table, bsn) for every corpus BSN found in a text column of what a load writes (raw and meta)."""
    if not db.exists():
        return []
    patroon = "|".join([*BSN, BSN_301])
    with duckdb.connect(str(db), read_only=True) as con:
        tabellen = con.execute(
            "select schema_name || '.' || table_name, list(column_name order by column_index) from duckdb_columns() "
            "where database_name = current_database() and schema_name in ('raw', 'meta') "
            "and (data_type = 'VARCHAR' or data_type like '%VARCHAR[]') group by 1 order by 1"
        ).fetchall()
        gevonden = []
        for tabel, kolommen in tabellen:
            # a table's text columns joined: one scan per table instead of one per column
            tekst = ", ".join(f'coalesce("{k}"::varchar, \'\')' for k in kolommen)
            sql = f"select distinct unnest(regexp_extract_all(concat_ws(' ', {tekst}), ?)) from {tabel}"
            gevonden += [(tabel, bsn) for (bsn,) in con.execute(sql, [patroon]).fetchall()]
        return gevonden


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case, cli, tmp_path, sjabloon):
    map_ = tmp_path / "invoer"
    map_.mkdir()
    pad = invoer(case, map_)
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(sjabloon, db)

    uit = cli(*argumenten(case, pad, db, map_), *case.get("args", []))

    assert "Traceback" not in uit.stderr + uit.stdout
    assert "run with --debug" not in uit.stderr, f"an unexpected exception reached the user: {uit.stderr}"
    assert opgeslagen_bsns(db) == []
    loads = _rijen(db, "select bron, rows_in, loaded, quarantined, load_id from meta.loads where bron <> 'koppeltabel'")
    if "error" in case:
        regels = [regel for regel in uit.stderr.splitlines() if regel.strip()]
        assert uit.returncode == 1, uit.stderr
        assert len(regels) == 1 and regels[0].startswith("error: "), regels
        assert case["error"] in regels[0]
        assert loads == []
        return

    assert uit.returncode == 0, uit.stderr
    verslag = json.loads(uit.stdout)["files"]
    assert len(verslag) == 1 and "error" not in verslag[0]
    rows_in, loaded, quarantined = case["rows"]
    assert (verslag[0]["rows_in"], verslag[0]["loaded"], verslag[0]["quarantined"]) == (rows_in, loaded, quarantined)
    assert rows_in == loaded + quarantined
    [(_, *geteld, load_id)] = loads
    assert geteld == [rows_in, loaded, quarantined]
    tabel, telling = RAW[case["kind"]]
    assert _rijen(db, f"select count({telling}) from {tabel} where load_id = ?", [load_id]) == [(loaded,)]
    assert _rijen(db, "select count(distinct rij) from meta.quarantine where load_id = ?", [load_id]) == [(quarantined,)]
    redenen = _rijen(db, "select distinct reden from meta.quarantine where load_id = ? order by reden", [load_id])
    assert [r for (r,) in redenen] == sorted(case.get("reasons", []))


def test_the_corpus_covers_every_kind_of_input_with_at_least_60_cases():
    soorten = {case["kind"] for case in CASES}
    assert soorten == {"cbs", "cbs-odata", "grenzen", "beschikkingen", "casuistiek", "signalen", "enquete", "kansen",
                       "besprekingen", "config"}
    assert len(CASES) >= 60
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        assert ("file" in case) != ("maak" in case), case["id"]
        assert ("error" in case) != ("rows" in case), case["id"]
        assert "file" not in case or (CORPUS / case["file"]).exists(), case["id"]
        assert "maak" not in case or case["maak"] in MAKERS, case["id"]


def test_every_corpus_file_and_maker_is_in_the_manifest():
    gebruikt = {case["file"] for case in CASES if "file" in case}
    bestanden = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.parent.name != "cbs-odata"}
    bestanden |= {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("cbs-odata/*")}
    assert sorted(bestanden - gebruikt) == []
    assert sorted(set(MAKERS) - {case["maak"] for case in CASES if "maak" in case}) == []

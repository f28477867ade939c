"""The crash loop (`make test-slow`): 20 kill -9 at random moments of ingest, build and publish, each run as the
command line would (`python -m wijkprofiel ...`), with a seed that is printed so a failure can be replayed
(CRASH_LOOP_SEED=<seed>; CRASH_LOOP_KILLS=<n> for a shorter loop).

After every kill: the database opens, every marts and pub relation reads in full and holds what it held before
the kill (a killed build may have committed just before: then what the next build makes), every load adds up;
the reports are complete (every HTML, CSV and XLSX file parses, every link of the index resolves); no file in the
temporary folder or beside the database holds a BSN of the export being loaded; and the same command, run
again, succeeds.
"""

from __future__ import annotations

import csv
import os
import random
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from conftest import BUURTEN_2024, DATA, GEMEENTE, KWB_2024, REPO, WIJKEN_2024
from test_privacy_sweep import elfproef

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("CRASH_LOOP_KILLS", "20"))
RIJEN = 40_000  # rows of each export the loop ingests: a load of a few seconds


def bsns(start: int, n: int) -> list[str]:
    """n elfproef-valid 9-digit numbers from 100000000 + start on."""
    uit, i = [], 100_000_000 + start
    while len(uit) < n:
        if elfproef(str(i)):
            uit.append(str(i))
        i += 1
    return uit


def cp1252_export(pad: Path, nummers: list[str]) -> Path:
    """A beschikking export in cp1252 (transcoded on reading: the case that once left a plaintext copy)."""
    regels = ["BSN;Wet;Productcategorie;Product;Ingangsdatum;Geboortedatum;Postcode;Huisnummer"]
    regels += [f"{b};Wmo;02;Begeleiding – café;01-01-2024;15-06-1950;3451AA;{i % 200 + 1}" for i, b in enumerate(nummers)]
    pad.write_bytes(("\r\n".join(regels) + "\r\n").encode("cp1252"))
    return pad


class Omgeving:
    """The command line's environment: its own temporary folder and a key, the worktree's code."""

    def __init__(self, basis: Path):
        from wijkprofiel.ingest.pseudonymise import nieuwe_sleutel

        self.basis = basis
        self.tmpdir = basis / "tmp"
        self.tmpdir.mkdir()
        self.db = basis / "db" / "wijkprofiel.duckdb"
        self.db.parent.mkdir()
        self.rapporten = self.db.parent / "rapporten"
        self.env = {**os.environ, "TMPDIR": str(self.tmpdir), "WIJKPROFIEL_PSEUDO_KEY": nieuwe_sleutel(),
                    "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")])}

    def commando(self, stap: str, export: Path | None = None) -> list[str]:
        basis = [sys.executable, "-m", "wijkprofiel"]
        if stap == "ingest":
            return basis + ["ingest", "beschikkingen", str(export), "--db", str(self.db)]
        if stap == "build":
            return basis + ["build", "--db", str(self.db)]
        return basis + ["publish", "--db", str(self.db), "--out", str(self.rapporten)]

    def start(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(args, env=self.env, cwd=self.basis, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def voltooi(self, args: list[str]) -> float:
        begin = time.monotonic()
        proces = self.start(args)
        uit, _ = proces.communicate(timeout=900)
        assert proces.returncode == 0, f"{' '.join(args[2:])} failed:\n{uit.decode(errors='replace')}"
        return time.monotonic() - begin


# ------------------------------------------------------------------------------------------------ the checks


def database_staat(db: Path) -> dict[str, int]:
    """Open the database as the next run would, read every marts and pub relation in full, and check that every
    load adds up; returns the rows per relation."""
    con = duckdb.connect(str(db))
    try:
        relaties = con.execute(
            """select schema_name || '.' || table_name from duckdb_tables() where schema_name in ('marts', 'pub')
               union all
               select schema_name || '.' || view_name from duckdb_views() where schema_name in ('marts', 'pub')
               order by 1"""
        ).fetchall()
        staat = {r: len(con.execute(f"select * from {r}").fetchall()) for (r,) in relaties}
        assert staat.get("pub.indicator_waarden"), "pub.indicator_waarden is missing or empty"
        rekent_niet = con.execute(
            """select l.load_id from meta.loads l
               left join (select load_id, count(*) as n from raw.beschikkingen group by 1) b using (load_id)
               where l.rows_in <> l.loaded + l.quarantined or (l.bron = 'beschikkingen' and coalesce(b.n, 0) <> l.loaded)"""
        ).fetchall()
        assert rekent_niet == [], f"loads that do not add up: {rekent_niet}"
        return staat
    finally:
        con.close()


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def rapporten_staat(map_: Path) -> list[str]:
    """Parse every report file and resolve every link of the index; returns the file names."""
    from openpyxl import load_workbook

    namen = sorted(p.name for p in map_.iterdir())
    assert "index.html" in namen
    for pad in map_.iterdir():
        if pad.suffix == ".html":
            tekst = pad.read_text(encoding="utf-8")
            assert tekst.rstrip().endswith("</html>"), f"{pad.name} is cut off"
            html = _Html()
            html.feed(tekst)
            html.close()
            if pad.name == "index.html":
                lokaal = [h.split("#")[0] for h in html.links if not re.match(r"[a-z]+:|#", h)]
                assert lokaal and all((map_ / h).is_file() for h in lokaal), f"index links that do not resolve: {lokaal}"
        elif pad.suffix == ".csv":
            with pad.open(encoding="utf-8-sig", newline="") as fh:
                assert len(list(csv.reader(fh, delimiter=";"))) > 1, f"{pad.name} is empty"
        elif pad.suffix == ".xlsx":
            wb = load_workbook(pad, read_only=True)
            assert sum(1 for ws in wb.worksheets for _ in ws.iter_rows()) > 1, f"{pad.name} is empty"
            wb.close()
    return namen


def platte_tekst(mappen: list[Path], nummers: list[str]) -> list[str]:
    """Files under `mappen` holding one of `nummers` (a BSN of the export being loaded) as a number of its own
    (not the digits of a coordinate in a report), as UTF-8 or UTF-16."""
    los = b"(?<![0-9.,])(" + b"|".join(n.encode() for n in nummers) + b")(?![0-9])"
    patroon = re.compile(los + b"|" + b"|".join(n.encode("utf-16-le") for n in nummers))
    return [str(p) for m in mappen for p in m.rglob("*") if p.is_file() and patroon.search(p.read_bytes())]


# ------------------------------------------------------------------------------------------------ the loop


def test_crash_loop(tmp_path):
    seed = int(os.environ.get("CRASH_LOOP_SEED", random.SystemRandom().randrange(1_000_000)))
    rng = random.Random(seed)
    print(f"\ncrash loop: seed {seed} (replay with CRASH_LOOP_SEED={seed}), {KILLS} kills")
    begonnen = time.monotonic()
    omg = Omgeving(tmp_path)
    invoer = tmp_path / "invoer"
    invoer.mkdir()

    # a database and reports to protect: CBS, boundaries, the postcode table and a first export
    omg.voltooi([sys.executable, "-m", "wijkprofiel", "ingest", "cbs", "--file", str(KWB_2024), "--gemeente", GEMEENTE,
                 "--jaar", "2024", "--db", str(omg.db)])
    for grenzen in (BUURTEN_2024, WIJKEN_2024):
        omg.voltooi([sys.executable, "-m", "wijkprofiel", "ingest", "grenzen", "--file", str(grenzen), "--gemeente",
                     GEMEENTE, "--jaar", "2024", "--db", str(omg.db)])
    omg.voltooi([sys.executable, "-m", "wijkprofiel", "ingest", "koppeltabel",
                 str(DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"), "--db", str(omg.db)])
    duur = {"ingest": omg.voltooi(omg.commando("ingest", cp1252_export(invoer / "crash-00.csv", bsns(0, RIJEN))))}
    duur["build"] = omg.voltooi(omg.commando("build"))
    duur["publish"] = omg.voltooi(omg.commando("publish"))
    print("full runs: " + ", ".join(f"{s} {d:.1f} s" for s, d in duur.items()))
    db_voor, rapporten_voor = database_staat(omg.db), rapporten_staat(omg.rapporten)

    kills, pogingen, overleefd = {"ingest": 0, "build": 0, "publish": 0}, 0, 0
    while sum(kills.values()) < KILLS:
        pogingen += 1
        assert pogingen <= 3 * KILLS, "too many runs ended before their kill"
        stap = rng.choice(sorted(kills))
        wacht = rng.uniform(0.05, 1.0) * duur[stap]
        nummers = bsns(pogingen * RIJEN * 2, RIJEN)
        export = cp1252_export(invoer / f"crash-{pogingen:02d}.csv", nummers) if stap == "ingest" else None
        args = omg.commando(stap, export)
        proces = omg.start(args)
        time.sleep(wacht)
        if proces.poll() is not None:  # it finished first: no kill; it is the new state
            assert proces.returncode == 0, proces.stdout.read().decode(errors="replace")
            print(f"  {pogingen:2d} {stap:<8} finished before the kill at {wacht:.2f} s")
            db_voor, rapporten_voor = database_staat(omg.db), rapporten_staat(omg.rapporten)
            continue
        os.kill(proces.pid, signal.SIGKILL)
        proces.wait()
        kills[stap] += 1

        # the previous database and reports, as the kill left them
        db_na_kill = database_staat(omg.db)
        assert rapporten_staat(omg.rapporten) == rapporten_voor
        lek = platte_tekst([omg.tmpdir, omg.db.parent], nummers[:: max(1, RIJEN // 500)]) if export else []
        assert lek == [], f"plaintext left after a kill -9 of {stap} at {wacht:.2f} s: {lek}"

        # the next run succeeds
        omg.voltooi(args)
        db_voor_kill, db_voor, rapporten_voor = db_voor, database_staat(omg.db), rapporten_staat(omg.rapporten)
        if stap == "build":  # all or nothing: the old marts, or the new ones when the kill came after the commit
            assert db_na_kill in (db_voor_kill, db_voor)
        else:
            assert db_na_kill == db_voor_kill
        overleefd += 1
        print(f"  {pogingen:2d} {stap:<8} killed at {wacht:.2f} s: database and reports intact, no plaintext, rerun ok")

    minuten = (time.monotonic() - begonnen) / 60
    print(f"crash loop: {sum(kills.values())} kills ({', '.join(f'{s} {n}' for s, n in kills.items())}), "
          f"{overleefd} survived, {pogingen - sum(kills.values())} runs finished before their kill, "
          f"{minuten:.1f} min, seed {seed}")
    assert overleefd == KILLS

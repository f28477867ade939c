"""The privacy sweep: after a demo-like Prefect run that also loads exports with personal data typed into EVERY
free-text column of every private source, no BSN, no elfproef-valid 9-digit number, no postcode with huisnummer
and no birth date is found anywhere the run writes.

Scanned: every value of every table and view of the database (all schemas, each value cast to text), the database
file and everything beside it, every published file (HTML, CSV, JSON, each XLSX unzipped), the Prefect logs,
artifacts, flow-run parameters and state messages of the run (through the Prefect client), and the temporary
folder while the run goes on (polled) and after it. Copies of an export that an earlier version left in the
temporary folder (`wijkprofiel-*.csv`, or a private `wijkprofiel-*` folder where there is no /dev/fd) are
planted before the run and must be gone after it.

tests/test_vrije_tekst.py checks the masking rule per source on small files; this sweep checks that no path
around it (a column left unmasked, a report, a log line, a temporary copy) lets the values out.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
from conftest import BUURTEN_2024, DATA, GEMEENTE, KWB_2024, WIJKEN_2024
from test_vrije_tekst import schrijf

from flows.wijkprofiel import BronBestand, wijkprofiel
from wijkprofiel.ingest.rodedraden import bespreking_toevoegen

WK, BU, POSTCODE = "WK034410", "BU03441013", "3451AA"  # a wijk, buurt and postcode of the bundled koppeltabel


def elfproef(nummer: str) -> bool:
    """The BSN check: 9 digits, 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11 (and not all zeros)."""
    return (len(nummer) == 9 and nummer.isdigit() and nummer != "000000000"
            and (sum(int(c) * w for c, w in zip(nummer, range(9, 1, -1))) - int(nummer[8])) % 11 == 0)


BSNS = ("123456782", "111222333", "038412081", "700000008")
assert all(elfproef(b) for b in BSNS)
ADRESSEN = ("3511 AB 12", "3582KP 7a", "3451 AA, 104")
GEBOORTEDATA = {  # as typed → as a date
    "23-07-1961": date(1961, 7, 23), "17/2/2011": date(2011, 2, 17), "4 mei 1948": date(1948, 5, 4),
    "1999-11-30": date(1999, 11, 30),
}
#: Every form in which a known value would betray itself: as typed, a BSN grouped or without its leading zero,
#: a birth date in the forms a report or a table would show it.
BEKEND = sorted(
    set(BSNS) | {f"{b[:3]} {b[3:6]} {b[6:]}" for b in BSNS} | {b.lstrip("0") for b in BSNS if b.startswith("0")}
    | set(ADRESSEN) | {a.replace(" ", "") for a in ADRESSEN}
    | set(GEBOORTEDATA) | {d.isoformat() for d in GEBOORTEDATA.values()}
    | {d.strftime("%d-%m-%Y") for d in GEBOORTEDATA.values()} | {d.strftime("%d/%m/%Y") for d in GEBOORTEDATA.values()}
)


def gif(i: int) -> str:
    """Free text as a careless export holds it: a name, a BSN, an address, a birth date, a phone number, an e-mail."""
    geb = list(GEBOORTEDATA)[i % len(GEBOORTEDATA)]
    bsn = BSNS[i % len(BSNS)]
    if i % 2:
        bsn = f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}"
    return f"J. Jansen, bsn {bsn}, {ADRESSEN[i % len(ADRESSEN)]}, geb. {geb}, tel 06-12345678, j.jansen@example.nl"


# ------------------------------------------------------------------------------------------------ the scan

#: A 9-digit number standing alone: not within a word (a hex digest), not part of a longer number or a decimal
#: fraction (coordinates), with or without the BSN's grouping.
NEGEN_CIJFERS = re.compile(r"(?<![\w.,])(\d{9}|\d{3} \d{3} \d{3})(?![\w]|[.,]\d)")
#: A postcode followed by a huisnummer, not inside a longer token (base64 in a report).
POSTCODE_HUISNUMMER = re.compile(r"(?<![A-Za-z0-9])[1-9]\d{3} ?[A-Z]{2}[ ,-]{1,3}\d{1,5}(?![0-9])")


@dataclass
class Scan:
    waarden: int = 0
    treffers: list[tuple[str, str]] = field(default_factory=list)

    def tekst(self, waar: str, tekst: str) -> None:
        """Look for the known values, any elfproef-valid number and any postcode with huisnummer in `tekst`."""
        self.waarden += 1
        for w in BEKEND:
            if w in tekst:
                self.treffers.append((waar, w))
        for m in NEGEN_CIJFERS.finditer(tekst):
            if elfproef(m[1].replace(" ", "")) and m[1] not in BEKEND:
                self.treffers.append((waar, m[1]))
        for m in POSTCODE_HUISNUMMER.finditer(tekst):
            if not any(m[0] in w or w in m[0] for w in BEKEND):
                self.treffers.append((waar, m[0]))

    def verslag(self, wat: str) -> list[str]:
        """Print what was scanned (the figures of docs/reliability.md, with -s) and return the hits, one per
        place and value."""
        treffers = sorted({f"{waar}: {w}" for waar, w in self.treffers})
        print(f"privacy sweep, {wat}: {self.waarden} values scanned, {len(self.treffers)} hits")
        return treffers

    def bestand(self, pad: Path, naam: str) -> None:
        inhoud = pad.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(inhoud)):  # XLSX: every part unzipped
            with zipfile.ZipFile(io.BytesIO(inhoud)) as z:
                for deel in z.namelist():
                    self.tekst(f"{naam}!{deel}", z.read(deel).decode("utf-8", "replace"))
        elif pad.suffix in (".duckdb", ".wal") or b"\0" in inhoud[:4096]:
            # binary: only the known values, as bytes (random bytes would make digits up)
            self.waarden += 1
            self.treffers += [(naam, w) for w in BEKEND if w.encode() in inhoud or w.encode("utf-16-le") in inhoud]
        else:
            self.tekst(naam, inhoud.decode("utf-8", "replace"))

    def map_(self, map_: Path, *, behalve: tuple[Path, ...] = ()) -> None:
        for pad in sorted(map_.rglob("*")):
            if pad.is_file() and not any(pad == b or b in pad.parents for b in behalve):
                self.bestand(pad, str(pad.relative_to(map_.parent)))

    def database(self, db: Path) -> None:
        """Every value of every column of every table and view, in every schema, cast to text."""
        with duckdb.connect(str(db), read_only=True) as con:
            kolommen = con.execute(
                """select c.schema_name, c.table_name, list(c.column_name order by c.column_index)
                   from duckdb_columns() c where c.database_name = current_database() and not c.internal
                   group by all order by all"""
            ).fetchall()
            for schema, tabel, namen in kolommen:
                select = ", ".join(f'try_cast("{n}" as varchar)' for n in namen)
                for rij in con.execute(f'select {select} from "{schema}"."{tabel}"').fetchall():
                    for naam, waarde in zip(namen, rij):
                        if waarde is not None:
                            self.tekst(f"{schema}.{tabel}.{naam}", waarde)


class TijdelijkeMapBewaker(threading.Thread):
    """Scans every file in the temporary folder every few milliseconds while the run goes on."""

    def __init__(self, map_: Path, scan: Scan, behalve: tuple[Path, ...]):
        super().__init__(daemon=True)
        self.map_, self.scan, self.behalve, self.stop = map_, scan, behalve, threading.Event()
        self.gezien: set[str] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            for pad in self.map_.rglob("*"):
                if pad.is_file() and not any(pad == b or b in pad.parents for b in self.behalve):
                    try:
                        self.scan.bestand(pad, f"tmp (during the run): {pad.relative_to(self.map_)}")
                        self.gezien.add(pad.name)
                    except OSError:
                        pass  # removed while being read
            time.sleep(0.005)


def prefect_van_de_run(sinds: datetime, scan: Scan) -> int:
    """Scan what Prefect holds of the runs since `sinds`: logs, artifacts, flow-run parameters and the messages
    of flow and task states. Returns the number of log lines read."""
    from prefect.client.orchestration import get_client

    def alles(lees) -> list:
        uit, offset = [], 0
        while batch := lees(offset):
            uit += batch
            offset += len(batch)
        return uit

    with get_client(sync_client=True) as client:
        logs = [x for x in alles(lambda o: client.read_logs(limit=200, offset=o)) if x.timestamp >= sinds]
        artifacts = [a for a in alles(lambda o: client.read_artifacts(limit=200, offset=o)) if a.created >= sinds]
        flow_runs = [f for f in alles(lambda o: client.read_flow_runs(limit=200, offset=o)) if f.created >= sinds]
        task_runs = [t for t in alles(lambda o: client.read_task_runs(limit=200, offset=o)) if t.created >= sinds]
    for x in logs:
        scan.tekst(f"prefect log ({x.name})", x.message)
    for a in artifacts:
        scan.tekst(f"prefect artifact {a.key}", f"{a.data} {a.description or ''}")
    for f in flow_runs:
        scan.tekst(f"prefect flow run {f.name} parameters", repr(f.parameters))
        scan.tekst(f"prefect flow run {f.name} state", f"{f.state.message if f.state else ''}")
    for t in task_runs:
        scan.tekst(f"prefect task run {t.name} state", f"{t.state.message if t.state else ''}")
    assert flow_runs and task_runs and artifacts
    return len(logs)


# ------------------------------------------------------------------------------------------------ the run


def vergiftigde_exports(map_: Path) -> dict[str, list[Path]]:
    """One export per private source with personal data in every free-text column (and where a name, a
    birth date or an address has a column of its own, that column too)."""
    map_.mkdir()
    n = iter(range(100))
    beschikkingen = schrijf(map_, "gif-beschikkingen.csv", [
        "BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Beschikkingnummer", "Reden einde",
        "Geboortedatum", "Postcode", "Huisnummer", "Naam", "Adres", "Telefoon"], [
        [b, "Wmo", "02", gif(next(n)), "01-01-2024", "30-06-2024", b, gif(next(n)), geb.strftime("%d-%m-%Y"), POSTCODE,
         "104", "J. Jansen", ADRESSEN[0], "06-12345678"]
        for b, geb in zip(BSNS, GEBOORTEDATA.values())
    ])
    casuistiek = schrijf(map_, "gif-casuistiek.csv", ["Casusnummer", "Wijkteam", "Registratiedatum", "Postcode",
                                                       "Huisnummer", "Themas"], [
        [b, gif(next(n)), "01-03-2024", POSTCODE, "104", f"eenzaamheid; {gif(next(n))}"] for b in BSNS
    ])
    signalen = schrijf(map_, "gif-signalen.csv", ["bron", "periode", "wijkcode", "thema", "aantal", "toelichting",
                                                   "publiceerbaar"], [
        ["huisarts", "2024-K1", WK, "eenzaamheid", "12", gif(next(n)), "ja"],
        ["wijkagent", "2024-K1", WK, gif(next(n)), "9", gif(next(n)), "ja"],
        [BSNS[0], "2024-K1", WK, "eenzaamheid", "9", gif(next(n)), "ja"],  # a BSN where a partner belongs: quarantined
    ])
    enquete = schrijf(map_, "gif-enquete.csv", ["wijkcode", "vraag", "thema", "percentage", "n"], [
        [WK, gif(next(n)), "eenzaamheid", "22.5", "120"], [WK, "Voelt u zich eenzaam?", gif(next(n)), "10", "120"]])
    kansen = schrijf(map_, "gif-kansen.csv", ["naam", "soort", "themas", "adres", "postcode", "buurtcode", "contact"], [
        [gif(next(n)), gif(next(n)), f"eenzaamheid, {gif(next(n))}", gif(next(n)), "", BU, gif(next(n))],
        ["Buurthuis De Linde", "buurthuis", "eenzaamheid", f"Lindeplein 4, {ADRESSEN[1]}", "", BU, BSNS[2]],
        ["Inloop Oost", "inloop", "eenzaamheid", "Oostplein 1", "", BU, list(GEBOORTEDATA)[0]],
    ])
    besprekingen = schrijf(map_, "gif-besprekingen.csv", ["wijkcode", "datum", "thema", "herkend", "verklaring",
                                                           "actie", "eigenaar", "wanneer"], [
        [WK, "2024-06-10", "eenzaamheid", "ja", gif(next(n)), gif(next(n)), gif(next(n)), gif(next(n))],
        [WK, "2024-06-10", "geldzorgen", "deels", "Herkend", "Huisbezoek", "wijkteam", list(GEBOORTEDATA)[0]],
        [WK, "2024-06-10", gif(next(n)), "nee", "", "", "", "1999-11-30"],
    ])
    return {"beschikkingen": [beschikkingen], "casuistiek": [casuistiek], "signalen": [signalen],
            "enquete": [enquete], "kansen": [kansen], "besprekingen": [besprekingen]}


def achtergelaten_kopieen(tmpdir: Path) -> list[Path]:
    """What an earlier version left in the temporary folder after a killed load: a transcoded copy of an export
    (`wijkprofiel-XXXX.csv`) and, where there is no /dev/fd, a private folder with one."""
    inhoud = "BSN;Wet;Product\r\n" + "".join(f"{b};Wmo;Begeleiding\r\n" for b in BSNS)
    kopie = tmpdir / "wijkprofiel-k3x9a_2b.csv"
    kopie.write_text(inhoud, encoding="utf-8")
    kopie.chmod(0o600)  # as tempfile makes it
    map_ = tmpdir / "wijkprofiel-8f2kq0zt"
    map_.mkdir(mode=0o700)
    (map_ / "export.csv").write_text(inhoud, encoding="utf-8")
    return [kopie, map_]


#: A file of the user's own with a name like a left copy (but the permissions of a saved file): it stays.
EIGEN_BESTAND = "wijkprofiel-maart024.csv"


@dataclass
class Sweep:
    db: Path
    rapporten: Path
    tmpdir: Path
    exports: dict[str, list[Path]]
    bewaker: Scan
    achtergelaten: list[Path]
    sinds: datetime


@pytest.fixture(scope="module")
def sweep(prefect_harness, tmp_path_factory) -> Sweep:
    import tempfile

    from wijkprofiel.demo.synth import synth_beschikkingen
    from wijkprofiel.demo.synth_rodedraden import synth_rodedraden
    from wijkprofiel.ingest.pseudonymise import nieuwe_sleutel
    from wijkprofiel.pipeline.keys import ENV_KEY

    basis = tmp_path_factory.mktemp("sweep")
    tmpdir = basis / "tmp"
    tmpdir.mkdir()
    run = basis / "run"
    run.mkdir()
    db = run / "wijkprofiel.duckdb"
    synth = synth_beschikkingen(GEMEENTE, 2000, basis / "synthetisch")
    rodedraden = synth_rodedraden(GEMEENTE, basis / "synthetisch", casussen=300)
    exports = vergiftigde_exports(basis / "gif")
    achtergelaten = achtergelaten_kopieen(tmpdir)
    (tmpdir / EIGEN_BESTAND).write_text("niet van wijkprofiel\n", encoding="utf-8")
    (tmpdir / EIGEN_BESTAND).chmod(0o644)
    # an outcome typed in at the bespreektafel (`wijkprofiel bespreking add`), with a birth date for wanneer
    bespreking_toevoegen(db, wijkcode=WK, datum=date(2024, 6, 11), thema="eenzaamheid", herkend="deels",
                         verklaring=gif(90), actie=gif(91), eigenaar=gif(92), wanneer="17/2/2011")

    bewaker_scan = Scan()
    bewaker = TijdelijkeMapBewaker(tmpdir, bewaker_scan, behalve=tuple(achtergelaten))
    sinds = datetime.now(timezone.utc)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_KEY, nieuwe_sleutel())
        mp.setenv("TMPDIR", str(tmpdir))
        mp.setattr(tempfile, "tempdir", str(tmpdir))
        bewaker.start()
        try:
            wijkprofiel(
                gemeenten=[GEMEENTE],
                db_path=str(db),
                out_dir=str(run / "rapporten"),
                cbs_bestanden=[BronBestand(pad=str(KWB_2024), jaar=2024)],
                grenzen_bestanden=[BronBestand(pad=str(BUURTEN_2024), jaar=2024),
                                   BronBestand(pad=str(WIJKEN_2024), jaar=2024)],
                koppeltabel=str(DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"),
                beschikking_bestanden=[str(p) for p in synth.bestanden] + [str(p) for p in exports["beschikkingen"]],
                rodedraden_bestanden={
                    "casuistiek": [str(p) for p in rodedraden.casuistiek] + [str(p) for p in exports["casuistiek"]],
                    "signalen": [str(rodedraden.signalen)] + [str(p) for p in exports["signalen"]],
                    "enquete": [str(rodedraden.enquete)] + [str(p) for p in exports["enquete"]],
                    "kansen": [str(rodedraden.kansen)] + [str(p) for p in exports["kansen"]],
                    "besprekingen": [str(rodedraden.bespreking)] + [str(p) for p in exports["besprekingen"]],
                },
            )
        finally:
            bewaker.stop.set()
            bewaker.join()
    return Sweep(db, run / "rapporten", tmpdir, exports, bewaker_scan, achtergelaten, sinds)


def test_de_vergiftigde_exports_zijn_geladen_en_gemaskeerd(sweep):
    """The sweep means something only when the poisoned rows were loaded (and their text reached the marts)."""
    with duckdb.connect(str(sweep.db), read_only=True) as con:
        per_bestand = dict(con.execute(
            "select regexp_extract(bestand, '[^/]+$'), loaded from meta.loads where bestand like '%gif-%'").fetchall())
        masked = dict(con.execute(
            "select bron, sum(masked) from meta.loads where bestand like '%gif-%' or via = 'invoer' group by 1").fetchall())
        kansen = con.execute("select count(*) from pub.kansen where naam like 'J. Jansen%'").fetchone()[0]
    assert per_bestand == {"gif-beschikkingen.csv": 4, "gif-casuistiek.csv": 4, "gif-signalen.csv": 2,
                           "gif-enquete.csv": 2, "gif-kansen.csv": 3, "gif-besprekingen.csv": 3}
    assert all(masked.get(b, 0) > 0 for b in ("beschikkingen", "casuistiek", "signalen", "enquete", "kansen", "besprekingen"))
    assert kansen > 0


def test_geen_persoonsgegevens_in_de_database(sweep):
    scan = Scan()
    scan.database(sweep.db)
    assert scan.waarden > 100_000
    assert scan.verslag("database") == []


def test_geen_persoonsgegevens_in_de_bestanden_naast_de_database_en_in_de_rapporten(sweep):
    scan = Scan()
    scan.map_(sweep.db.parent)
    bestanden = {p.suffix for p in sweep.rapporten.rglob("*") if p.is_file()}
    assert {".html", ".csv", ".xlsx"} <= bestanden
    assert scan.verslag("database file, reports and files beside them") == []


def test_geen_persoonsgegevens_in_prefect(sweep):
    scan = Scan()
    assert prefect_van_de_run(sweep.sinds, scan) > 10
    assert scan.verslag("Prefect logs, artifacts and runs") == []


def test_geen_kopie_in_de_tijdelijke_map_tijdens_en_na_de_run(sweep):
    assert sweep.bewaker.verslag("temporary folder during the run") == []
    na = Scan()
    na.map_(sweep.tmpdir)
    assert na.verslag("temporary folder after the run") == []
    # what an earlier version left behind is removed by the next load, and nothing else
    assert [p.name for p in sweep.achtergelaten if p.exists()] == []
    assert (sweep.tmpdir / EIGEN_BESTAND).read_text(encoding="utf-8") == "niet van wijkprofiel\n"

"""Privacy of beschikkingen end to end: no BSN, birth date or postcode of a loaded batch survives anywhere.

A mixed batch, written byte for byte as real exports arrive — a ';' CSV below a title block (UTF-8 with BOM,
CRLF, with name and address columns that must not be loaded), a ',' cp1252 CSV, an xlsx with real date cells
and numbers, and the real WMO301.xml — with faulty rows of every kind so that meta.quarantine is filled too,
is loaded with the CBS postcode table, built and published. Then every text (and BLOB) column of every table
and view in every schema of the DuckDB file, and every file publish wrote, is scanned for each BSN (9 digits
and Excel's 8-digit form), each birth date (in every format the batch used), each postcode (1234AB and
1234 ab) and each postcode + huisnummer combination. None may be found.

client_key must be the keyed HMAC (pseudoniem.hmac_hex) of the 9-digit BSN: stable under the same key and
different under another key.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import DATA, FIXTURES, GEMEENTE, KWB_2024
from gepubliceerd import gepubliceerde_tekst

from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen as _ingest_beschikkingen
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.readers.private.istandaard301 import read_301
from wijkprofiel.pipeline.keys import KeyFromEnvironment
from wijkprofiel.publish import publish_reports
from wijkprofiel.transform.build import build_marts


def ingest_beschikkingen(*args, **kw):
    """The stage with the key as the pipeline hands it over: read from the environment this module's fixture sets."""
    return _ingest_beschikkingen(*args, sleutel=KeyFromEnvironment(), **kw)


KOPPELTABEL = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
WMO301 = FIXTURES / "istandaarden" / "WMO301.xml"
SLEUTEL = "privacy-test-sleutel-5d41402abc4b2a76b9719d911017c592"
ANDERE_SLEUTEL = "privacy-test-sleutel-7d793037a0760186574b0282f2f435e7"
HEX64 = re.compile(r"[0-9a-f]{64}")


# ------------------------------------------------------------------------------------------------ helpers


def _elfproef(bsn: str) -> bool:
    return (
        len(bsn) == 9
        and bsn.isdigit()
        and (sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1))) - int(bsn[8])) % 11 == 0
    )


def maak_bsn(i: int, *, voorloopnul: bool = False) -> str:
    """The i-th constructed elfproef-valid 9-digit number (deterministic); with voorloopnul it starts with '0'."""
    n = (2_345_678 if voorloopnul else 30_000_000) + 6_007 * i
    while True:
        eerste8 = f"{n:08d}"
        controle = sum(int(d) * w for d, w in zip(eerste8, range(9, 1, -1))) % 11
        if controle < 10:
            bsn = eerste8 + str(controle)
            assert _elfproef(bsn)
            return bsn
        n += 1


def fout_bsn(i: int) -> str:
    goed = maak_bsn(i)
    fout = goed[:8] + str((int(goed[8]) + 1) % 10)
    assert not _elfproef(fout)
    return fout


def _pc6() -> list[str]:
    with KOPPELTABEL.open(encoding="utf-8") as fh:
        return [r["PC6"] for r in csv.DictReader(fh, delimiter=";")]


PC6 = _pc6()
PC6_SET = set(PC6)


def postcode(i: int) -> str:
    """A real Utrecht postcode from the CBS table (spread over the table)."""
    return PC6[(i * 211) % len(PC6)]


def geboortedatum(i: int) -> date:
    """A birth date between 1938 and 2012, never 1 January (and so never an ingangsdatum of the batch)."""
    d = date(1938, 3, 7) + timedelta(days=(397 * i) % 27_000)
    return d + timedelta(days=1) if (d.month, d.day) == (1, 1) else d


@dataclass
class Batch:
    """What the batch holds, to scan for, and which BSNs should end up pseudonymised."""

    bsns: set[str] = field(default_factory=set)             # 9 digits, every BSN typed in the batch
    geboortedata: set[str] = field(default_factory=set)     # every birth date, in every format the batch used
    postcodes: set[str] = field(default_factory=set)        # every postcode, as written in the batch
    adressen: set[tuple[str, str]] = field(default_factory=set)   # (postcode, huisnummer)
    namen: set[str] = field(default_factory=set)            # values of columns that must not be loaded
    geladen_bsns: set[str] = field(default_factory=set)     # 9-digit BSNs of the rows that must load
    geladen_a: set[str] = field(default_factory=set)        # the same, for file A only
    rijen: int = 0
    fout_rijen: int = 0


def _noteer(batch: Batch, bsn: str, geb: date | str | None, pc: str, hnr: str, *, laadt: bool, excel: bool = False) -> None:
    if bsn:
        volledig = bsn.zfill(9) if bsn.isdigit() else bsn
        batch.bsns.add(volledig)
        if laadt:
            batch.geladen_bsns.add(volledig)
    if isinstance(geb, date):
        for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d%m%Y"):
            batch.geboortedata.add(geb.strftime(fmt))
    elif geb:
        batch.geboortedata.add(geb)
    if pc:
        batch.postcodes.add(pc)
        if hnr:
            batch.adressen.add((pc, hnr))
    batch.rijen += 1
    batch.fout_rijen += not laadt


HEADER_A = ["BSN", "Naam", "Adres", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum",
            "Postcode", "Huisnummer", "Geboortedatum"]


def _bestand_a(pad: Path, batch: Batch) -> Path:
    """suite4-export: ';', UTF-8 with BOM, CRLF, two title lines, name and address columns (not loaded)."""
    regels = ["Overzicht beschikkingen gemeente Utrecht;;;;;;;;;;", "Aangemaakt op 01-03-2024 08:15;;;;;;;;;;",
              ";".join(HEADER_A)]
    rows = []

    def add(bsn, *, wet="Wmo", cat="02", product="Begeleiding", ingang="01-02-2024", eind="", pc=None, hnr="12",
            geb=None, laadt=True, extra=False):
        i = len(rows) + 1
        pc = postcode(100 + i) if pc is None else pc
        geb_d = geboortedatum(100 + i) if geb is None else geb
        geb_txt = geb_d.strftime("%d-%m-%Y") if isinstance(geb_d, date) else geb_d
        naam = f"Testpersoon{i} van Voorbeeld"
        adres = f"Voorbeeldstraat {hnr}"
        batch.namen.update({naam, adres})
        velden = [bsn, naam, adres, wet, cat, product, ingang, eind, pc, hnr, geb_txt]
        if extra:  # an unquoted ';' in the product text: one field too many
            velden[5] = product + ";" + "groep"
        rows.append(";".join(velden))
        _noteer(batch, bsn, geb_d, pc, hnr, laadt=laadt)
        if laadt:
            batch.geladen_a.add(bsn.zfill(9))

    for k in range(1, 11):
        add(maak_bsn(k), ingang=f"{k:02d}-0{1 + k % 6}-2024", cat=("02", "07", "01", "15")[k % 4])
    add(maak_bsn(11, voorloopnul=True)[1:])                          # Excel's 8-digit BSN: loads, zero restored
    add(maak_bsn(12), ingang="2024-03-15", eind="2024-09-30")        # ISO dates
    add(fout_bsn(13), laadt=False)                                   # elfproef
    add("", laadt=False)                                             # empty BSN
    add(maak_bsn(15), ingang="31-02-2023", laadt=False)              # impossible date
    add(maak_bsn(16), ingang="01-06-2024", eind="31-05-2024", laadt=False)  # einde before ingang
    add(maak_bsn(17), wet="Zorgverzekeringswet", laadt=False)        # unknown wet
    add(maak_bsn(18), cat="45", laadt=False)                         # not a Wmo category
    add(maak_bsn(19), pc="3451-AA", laadt=False)                     # malformed postcode
    add(maak_bsn(20), geb="31-13-1980", laadt=False)                 # birth date that is no date
    add(maak_bsn(21), extra=True, laadt=False)                       # too many fields
    add(maak_bsn(1), cat="07", ingang="01-07-2024", pc=postcode(101), hnr="12")  # a returning client
    data = ("\r\n".join(regels + rows) + "\r\n").encode("utf-8")
    pad.write_bytes(b"\xef\xbb\xbf" + data)
    return pad


def _bestand_b(pad: Path, batch: Batch) -> Path:
    """zorgned-2024: ',', cp1252, CRLF, ISO dates, postcodes written '1234 ab'."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=",", lineterminator="\r\n")
    w.writerow(["Burgerservicenummer", "Regeling", "Categorie", "Omschrijving", "Startdatum", "Einddatum", "Postcode",
                "Huisnr", "Geb. datum", "Geslacht"])

    def add(bsn, *, wet="Jeugdwet", cat="45", product="Jeugdhulp ambulant – individueel é", ingang="2024-01-15",
            eind="", pc=None, hnr="3", geb=None, laadt=True):
        i = batch.rijen
        pc = postcode(300 + i) if pc is None else pc
        pc_tekst = pc[:4] + " " + pc[4:].lower() if re.fullmatch(r"\d{4}[A-Z]{2}", pc) else pc
        geb_d = geboortedatum(300 + i) if geb is None else geb
        w.writerow([bsn, wet, cat, product, ingang, eind, pc_tekst, hnr,
                    geb_d.isoformat() if isinstance(geb_d, date) else geb_d, "2"])
        _noteer(batch, bsn, geb_d, pc, hnr, laadt=laadt)

    for k in range(31, 39):
        add(maak_bsn(k), wet=("Jeugdwet", "Wmo")[k % 2], cat=("45", "02")[k % 2], hnr=str(k))
    add(maak_bsn(39, voorloopnul=True)[1:])
    add(fout_bsn(40), laadt=False)
    add(maak_bsn(41), pc="35110AA", laadt=False)
    add(maak_bsn(42), ingang="2024-05-01", eind="2024-04-30", laadt=False)
    add(maak_bsn(43), wet="Huurtoeslag", laadt=False)
    pad.write_bytes(buf.getvalue().encode("cp1252"))
    return pad


def _bestand_c(pad: Path, batch: Batch) -> Path:
    """idos-2024.xlsx: BSNs as numbers (Excel drops the leading zero), real date cells, serial numbers, codes
    as numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Beschikkingen"
    ws.append(["BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Postcode", "Huisnummer",
               "Geboortedatum"])

    def add(bsn, *, wet="Wmo", cat=2, product="Begeleiding", ingang=datetime(2024, 2, 1), eind=None, pc=None, hnr=5,
            geb=None, laadt=True, als_getal=True):
        i = batch.rijen
        pc = postcode(500 + i) if pc is None else pc
        geb_d = geboortedatum(500 + i) if geb is None else geb
        geb_cel = datetime.combine(geb_d, datetime.min.time()) if isinstance(geb_d, date) else geb_d
        ws.append([int(bsn) if als_getal and bsn.isdigit() else bsn, wet, cat, product, ingang, eind, pc, hnr, geb_cel])
        _noteer(batch, bsn, geb_d, pc, str(hnr), laadt=laadt)

    for k in range(51, 59):
        add(maak_bsn(k), cat=(2, 7, 1)[k % 3], hnr=k)
    add(maak_bsn(59, voorloopnul=True))                              # a number cell: Excel shows 8 digits
    add(maak_bsn(60), ingang=45352, eind=45657)                      # serial numbers (2024-03-01, 2024-12-31)
    add(maak_bsn(61), wet="Jeugdwet", cat=45, geb=date(2012, 5, 17))
    add(fout_bsn(62), laadt=False)
    add(maak_bsn(63), ingang="30-02-2024", laadt=False)
    add(maak_bsn(64), wet="Wet op de zorgtoeslag", laadt=False)
    add(maak_bsn(65), cat=45, laadt=False)
    for row in ws.iter_rows(min_row=2):
        for cel in row:
            if isinstance(cel.value, datetime):
                cel.number_format = "dd-mm-yyyy"
    wb.save(pad)
    return pad


def _wmo301(batch: Batch) -> Path:
    [r] = read_301(WMO301)
    geb = date.fromisoformat(r["geboortedatum"])
    _noteer(batch, r["bsn"], geb, r["postcode"], r["huisnummer"], laadt=True)
    return WMO301


class _Logboek(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.regels: list[str] = []

    def emit(self, record):
        self.regels.append(record.getMessage())


@dataclass
class Geladen:
    db: Path
    rapporten: Path
    batch: Batch
    bestanden: dict[str, Path]
    resultaten: dict[str, object]
    logregels: list[str]
    tijdelijk_voor: set[str]


@pytest.fixture(scope="module")
def geladen(tmp_path_factory) -> Geladen:
    tmp = tmp_path_factory.mktemp("privacy")
    db = tmp / "wijkprofiel.duckdb"
    batch = Batch()
    bestanden = {
        "a": _bestand_a(tmp / "suite4-export-2024-03-01.csv", batch),
        "b": _bestand_b(tmp / "zorgned-2024.csv", batch),
        "c": _bestand_c(tmp / "idos-2024.xlsx", batch),
        "301": _wmo301(batch),
    }
    assert batch.rijen >= 40
    tijdelijk_voor = {p.name for p in Path(tempfile.gettempdir()).glob("wijkprofiel-*")}
    logboek = _Logboek()
    root = logging.getLogger()
    oud_niveau = root.level
    root.addHandler(logboek)
    root.setLevel(logging.DEBUG)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
            mp.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)
            ingest_cbs_file(db, KWB_2024, GEMEENTE, 2024)
            resultaten = {}
            for naam, pad in bestanden.items():
                resultaten[naam] = ingest_beschikkingen(db, pad, koppeltabel=KOPPELTABEL if naam == "a" else None)
            build_marts(db)
            rapporten = tmp / "rapporten"
            publicatie = publish_reports(db, rapporten)
    finally:
        root.removeHandler(logboek)
        root.setLevel(oud_niveau)
    assert publicatie.mislukt == {}
    return Geladen(db, rapporten, batch, bestanden, resultaten, logboek.regels, tijdelijk_voor)


# ------------------------------------------------------------------------------------------------ scanning


def _patroon(naalden: set[str], *, grens: set[str] = frozenset()) -> re.Pattern:
    """One regex for all needles. Needles in `grens` (short digit strings, lower-case postcodes) only count
    when not glued to other letters or digits, so that a 64-hex HMAC cannot match them by chance."""
    delen = [re.escape(n) for n in sorted(naalden - grens, key=len, reverse=True)]
    delen += [r"(?<![0-9A-Za-z])" + re.escape(n) + r"(?![0-9A-Za-z])" for n in sorted(grens, key=len, reverse=True)]
    assert delen
    return re.compile("|".join(delen))


def _persoonlijk(batch: Batch) -> re.Pattern:
    """BSNs (9 digits and Excel's 8-digit form), birth dates in every format, and the name/address values of
    columns that must not be loaded. (An xlsx date cell is read as a date and so covered by the date formats;
    its 5-digit serial number is not a needle: such numbers occur in CBS figures.)"""
    bsns = set(batch.bsns) | {b.lstrip("0") for b in batch.bsns if b.isdigit()}
    return _patroon(bsns | batch.geboortedata | batch.namen)


def _postcodes(batch: Batch) -> tuple[re.Pattern, re.Pattern]:
    """(bare postcodes in all spellings, postcode + huisnummer combinations)."""
    vormen, grens = set(), set()
    for pc in batch.postcodes:
        if set(pc) <= set("9X"):
            # WMO301.xml's placeholder address 9999XX is itself the mask shape that meta.quarantine stores for
            # a postcode (docs: "appears only as its shape, e.g. 9999XX"); as a bare string it proves nothing.
            # Its postcode + huisnummer combinations are still scanned below.
            continue
        vormen.add(pc)
        m = re.fullmatch(r"(\d{4})([A-Z]{2})", pc)
        if m:
            vormen |= {f"{m[1]} {m[2]}", f"{m[1]} {m[2].lower()}"}
            grens.add(f"{m[1]}{m[2].lower()}")
    combinaties = set()
    for pc, hnr in batch.adressen:
        for p in {pc, pc[:4] + " " + pc[4:], pc[:4] + " " + pc[4:].lower()}:
            combinaties |= {f"{p}{hnr}", f"{p} {hnr}", f"{p}-{hnr}", f"{p}, {hnr}", f"{hnr} {p}", f"{hnr}, {p}"}
    return _patroon(vormen | grens, grens=grens), _patroon(combinaties)


def _kolommen(con) -> list[tuple[str, str, str, str]]:
    return con.execute(
        """select schema_name, table_name, column_name, data_type
           from duckdb_columns()
           where database_name = current_database()
             and (data_type in ('VARCHAR', 'BLOB') or data_type like '%VARCHAR%' or data_type like '%BLOB%'
                  or data_type like 'STRUCT%' or data_type like 'MAP%' or data_type like 'UNION%' or data_type = 'JSON')
           order by all"""
    ).fetchall()


def _waarden(con, schema: str, tabel: str, kolom: str, data_type: str):
    ref = f'"{schema}"."{tabel}"'
    col = f'"{kolom}"'
    if data_type == "BLOB":
        for (v,) in con.execute(f"select distinct {col} from {ref} where {col} is not null").fetchall():
            yield bytes(v).decode("latin-1")
    else:
        for (v,) in con.execute(f"select distinct {col}::varchar from {ref} where {col} is not null").fetchall():
            yield v


def _scan_db(db: Path, patroon: re.Pattern, *, behalve: set[tuple[str, str]] = frozenset()) -> tuple[list, set]:
    """(hits as (schema.table.column, matched text), the tables and views scanned)."""
    hits, gescand = [], set()
    with duckdb.connect(str(db), read_only=True) as con:
        for schema, tabel, kolom, data_type in _kolommen(con):
            if (schema, tabel) in behalve:
                continue
            gescand.add(f"{schema}.{tabel}")
            for waarde in _waarden(con, schema, tabel, kolom, data_type):
                m = patroon.search(waarde)
                if m:
                    hits.append((f"{schema}.{tabel}.{kolom}", m.group(0)))
    return hits, gescand


# The CBS postcode table is public CBS data ("Buurt, wijk en gemeente <jaar> voor postcode huisnummer") that
# lists every Utrecht postcode; the batch's postcodes are real Utrecht postcodes, so they legitimately occur
# there — and only there. BSNs and birth dates must not occur even there.
KOPPELTABEL_TABEL = ("raw", "cbs_koppeltabel")


def test_batch_is_geladen_met_quarantaine(geladen):
    batch, r = geladen.batch, geladen.resultaten
    assert batch.rijen >= 40 and batch.fout_rijen >= 15
    assert {k: (v.rows_in, v.loaded, v.quarantined) for k, v in r.items()} == {
        "a": (22, 13, 9), "b": (13, 9, 4), "c": (15, 11, 4), "301": (1, 1, 0)}
    with duckdb.connect(str(geladen.db), read_only=True) as con:
        loads = con.execute("select rows_in, loaded, quarantined from meta.loads where bron = 'beschikkingen'").fetchall()
        assert all(i == l + q for i, l, q in loads) and len(loads) == 4
        kolommen = {k for (k,) in con.execute(
            "select distinct kolom from meta.quarantine where load_id in "
            "(select load_id from meta.loads where bron = 'beschikkingen')").fetchall()}
        assert kolommen == {None, "bsn", "ingangsdatum", "einddatum", "wet", "voorziening_code", "postcode", "geboortedatum"}
        # masked values only: the shape of a BSN, postcode or birth date, never the value
        for kolom, waarde in con.execute(
                "select kolom, waarde_gemaskeerd from meta.quarantine where kolom in ('bsn', 'postcode', 'geboortedatum')"
        ).fetchall():
            assert waarde is None or re.fullmatch(r"[9X\-/. ]+", waarde), (kolom, waarde)
        toelichting = con.execute("select toelichting from meta.loads where bestand = ?", [str(geladen.bestanden["a"])]).fetchone()[0]
    assert toelichting.endswith("columns not loaded: Naam, Adres")


def test_geen_bsn_of_geboortedatum_in_enige_kolom(geladen):
    hits, gescand = _scan_db(geladen.db, _persoonlijk(geladen.batch))
    assert hits == []
    # the scan really covered the private tables, the CBS tables and every layer
    assert {"raw.beschikkingen", "meta.quarantine", "meta.loads", "raw.cbs_koppeltabel", "staging.beschikkingen"} <= gescand
    assert {s.split(".")[0] for s in gescand} >= {"raw", "meta", "staging", "intermediate", "marts", "pub"}


def test_geen_postcode_buiten_de_cbs_koppeltabel(geladen):
    postcodes, combinaties = _postcodes(geladen.batch)
    hits, _ = _scan_db(geladen.db, postcodes, behalve={KOPPELTABEL_TABEL})
    assert hits == []
    hits, _ = _scan_db(geladen.db, combinaties)  # not even in the CBS table: it holds no huisnummer text
    assert hits == []
    # positive control: the same scan does find the postcodes in the (public) CBS table
    with duckdb.connect(str(geladen.db), read_only=True) as con:
        in_cbs = {p for (p,) in con.execute("select distinct pc6 from raw.cbs_koppeltabel").fetchall()}
    assert {p for p in geladen.batch.postcodes if p in PC6_SET} <= in_cbs
    hits, _ = _scan_db(geladen.db, postcodes)
    assert hits and {h[0] for h in hits} == {"raw.cbs_koppeltabel.pc6"}


def test_databasebestand_bevat_geen_bsn_of_geboortedatum_als_tekst(geladen):
    """Also the raw bytes of the DuckDB file (and a WAL, if any): not even a freed page holds them."""
    patroon = re.compile(_persoonlijk(geladen.batch).pattern.encode("latin-1"))
    for pad in (geladen.db, geladen.db.with_suffix(".duckdb.wal")):
        if pad.exists():
            assert patroon.search(pad.read_bytes()) is None, pad.name


def test_rapporten_bevatten_geen_bsn_geboortedatum_of_postcode(geladen):
    bestanden = [p for p in geladen.rapporten.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in bestanden)
    persoonlijk = _persoonlijk(geladen.batch)
    postcodes, combinaties = _postcodes(geladen.batch)
    for pad in bestanden:
        tekst = gepubliceerde_tekst(pad)
        for patroon in (persoonlijk, postcodes, combinaties):
            m = patroon.search(tekst)
            assert m is None, f"{pad.name}: {m.group(0) if m else ''}"
    # the reports do show the beschikkingen (otherwise this scan proves little)
    with duckdb.connect(str(geladen.db), read_only=True) as con:
        assert con.execute("select count(*) from staging.beschikkingen").fetchone()[0] == 34


def test_logs_en_tijdelijke_bestanden_zonder_persoonsgegevens(geladen):
    persoonlijk = _persoonlijk(geladen.batch)
    assert [r for r in geladen.logregels if persoonlijk.search(r)] == []
    nieuw = [p for p in Path(tempfile.gettempdir()).glob("wijkprofiel-*") if p.name not in geladen.tijdelijk_voor]
    for p in nieuw:  # a cp1252 export is transcoded to a temporary file, which must be gone
        assert not (p.is_file() and persoonlijk.search(p.read_bytes().decode("utf-8", errors="replace"))), p


# ------------------------------------------------------------------------------------------------ pseudonymisation


def _client_keys(db: Path, load_id: int | None = None) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "select distinct client_key from raw.beschikkingen"
        return {k for (k,) in (con.execute(sql + " where load_id = ?", [load_id]) if load_id else con.execute(sql)).fetchall()}


def test_client_key_is_de_hmac_van_de_bsn(geladen):
    keys = _client_keys(geladen.db)
    assert all(HEX64.fullmatch(k) for k in keys)
    sleutel = SLEUTEL.encode("utf-8")
    assert keys == {pseudoniem.hmac_hex(sleutel, b) for b in geladen.batch.geladen_bsns}
    with duckdb.connect(str(geladen.db), read_only=True) as con:
        staging = {k for (k,) in con.execute("select distinct client_key from staging.beschikkingen").fetchall()}
    assert staging == keys


def test_zelfde_sleutel_stabiel_andere_sleutel_andere_keys(geladen, tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)
    pad = geladen.bestanden["a"]
    bsns = geladen.batch.geladen_a
    verwacht = {pseudoniem.hmac_hex(SLEUTEL.encode(), b) for b in bsns}
    assert _client_keys(geladen.db, geladen.resultaten["a"].load_id) == verwacht

    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
    zelfde = ingest_beschikkingen(tmp_path / "zelfde.duckdb", pad)
    assert _client_keys(tmp_path / "zelfde.duckdb", zelfde.load_id) == verwacht

    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", ANDERE_SLEUTEL)
    ander = ingest_beschikkingen(tmp_path / "ander.duckdb", pad)
    andere_keys = _client_keys(tmp_path / "ander.duckdb", ander.load_id)
    assert andere_keys == {pseudoniem.hmac_hex(ANDERE_SLEUTEL.encode(), b) for b in bsns}
    assert len(andere_keys) == len(verwacht) and not (andere_keys & verwacht)


def test_rij_met_te_weinig_velden_lekt_niets_naar_quarantaine(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)
    batch = Batch()
    header = ["Wet", "BSN", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Postcode", "Huisnummer",
              "Geboortedatum"]
    goed, kort = maak_bsn(80), maak_bsn(81)
    pc, geb = postcode(80), geboortedatum(80)
    regels = [";".join(header),
              ";".join(["Wmo", goed, "02", "Begeleiding", "01-01-2024", "", postcode(79), "1", "15-06-1950"]),
              # the Wet field is missing: every later value moves one column to the left
              ";".join([kort, "02", "Begeleiding", "01-01-2024", "", pc, "7", geb.strftime("%d-%m-%Y")])]
    _noteer(batch, goed, date(1950, 6, 15), postcode(79), "1", laadt=True)
    _noteer(batch, kort, geb, pc, "7", laadt=False)
    pad = tmp_path / "export.csv"
    pad.write_bytes(("\r\n".join(regels) + "\r\n").encode("utf-8"))
    db = tmp_path / "w.duckdb"
    r = ingest_beschikkingen(db, pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 1, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select rij, kolom, reden, waarde_gemaskeerd from meta.quarantine").fetchall() == [
            (2, None, "line 3 has fewer fields than the header's 9", None)]
    postcodes, _ = _postcodes(batch)
    assert _scan_db(db, _persoonlijk(batch))[0] == []
    assert _scan_db(db, postcodes)[0] == []

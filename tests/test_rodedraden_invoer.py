"""Every input form of the rode-draden sources, and exactly what the loader makes of it.

casuïstiek (tags in one cell or one row per tag, placed by postcode, buurtcode or not at all), partner signals,
enquête results, kansen and bespreektafel outcomes each go through `ingest_bron` (the shared loader, ingest/private.py).
Each test writes a tiny file in tmp_path as the source system would and asserts the exact outcome: the rows in
raw.<tabel>, the quarantined rows with their kolom, reason and masked value, and rows_in = loaded + quarantined
both in the returned result and in meta.loads. The CLI commands (`ingest casuistiek`, `themes check/list`,
`bespreking add/list`) run through wijkprofiel.cli.main(), the console script's entry point, with their real exit
code, stdout and stderr.

Postcodes and buurtcodes are real Utrecht ones from the bundled CBS tables (3451AA lies in BU03441013).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import BUURTEN_2024, DATA

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.grenzen import ingest_grenzen_file
from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
from wijkprofiel.ingest.profiles import laad_profiel
from wijkprofiel.ingest.rodedraden import ingest_bron as _ingest_bron
from wijkprofiel.pipeline.keys import KeyFromEnvironment
from wijkprofiel.transform.build import build_marts


def ingest_bron(*args, **kw):
    """The stage with the key as the pipeline hands it over: read from the environment this module's fixture sets."""
    return _ingest_bron(*args, sleutel=KeyFromEnvironment(), **kw)


KOPPELTABEL = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"
SLEUTEL = "test-sleutel-rodedraden-invoer-0123456789"
GEMEENTE = "GM0344"

PC_A = "3451AA"            # BU03441013 in WK034410 (the approx table has no house numbers: placement 'pc6')
BU_A, WK_A = "BU03441013", "WK034410"
BU_O, WK_O = "BU03440311", "WK034403"   # a buurt in Overvecht
BU_P = "BU03440312"                     # its neighbour, for kansen given as coordinates

KOP_CASUS = ["Casusnummer", "Wijkteam", "Registratiedatum", "Postcode", "Huisnummer", "Buurtcode", "Themas"]
KOP_SIGNALEN = ["bron", "periode", "wijkcode", "buurtcode", "thema", "aantal", "toelichting", "publiceerbaar"]
KOP_KANSEN = ["naam", "soort", "themas", "adres", "postcode", "buurtcode", "lat", "lon", "contact"]
KOP_BESPREKING = ["wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer"]

#: The 18 themes of the default taxonomy, in the order of data/themas.yaml.
THEMAS_18 = [
    "geldzorgen", "werk_en_inkomen", "eenzaamheid", "huisvesting", "relaties_en_scheiding", "opvoeding",
    "huiselijk_geweld", "psychische_problemen", "dementie", "lichamelijke_gezondheid", "verslaving",
    "zelfstandig_wonen", "mantelzorg", "dagbesteding", "meedoen", "justitie", "overlast_en_veiligheid",
    "zorgmijding",
]  # fmt: skip

# exact reasons of sql/ingest/*_valideren.sql
CASUS_LEEG = "case id is empty"
DATUM_LEEG = "registratiedatum is empty"
DATUM_ONECHT = "registratiedatum is not a real date (expected dd-mm-jjjj or jjjj-mm-dd)"
GEEN_THEMA = "no thema given"
BUURTCODE_FOUT = "not a CBS buurtcode (BU + 8 characters)"
WIJKCODE_FOUT = "not a CBS wijkcode (WK + 6 characters)"
POSTCODE_VORM = "postcode is not of the form 1234AB"
BRON_ONBEKEND = ("unknown bron (known: huisarts, poh, wijkagent, woningcorporatie, meldpunt_zorg_overlast, ggz, "
                 "clientenraad, enquete, overig)")
PERIODE_FOUT = "periode is not a year, quarter (2024-K3) or month (2024-07)"
AANTAL_FOUT = "aantal is not a whole number of 0 or more"
GEEN_GEBIED = "no wijkcode or buurtcode: a signal must say where"
PERCENTAGE_FOUT = "percentage is not a number from 0 to 100"
N_FOUT = "n (respondents) is not a whole number above 0"
COORDINATEN_FOUT = "coordinates are not a WGS84 point in the Netherlands (lat 50.7–53.6, lon 3.3–7.3)"
NAAM_LEEG = "naam is empty"
HERKEND_FOUT = "herkend must be ja, deels or nee"
BESPREKING_DATUM_FOUT = "datum is not a real date (expected dd-mm-jjjj or jjjj-mm-dd)"
GEEN_SLEUTEL = (
    "error: no pseudonymisation key: set WIJKPROFIEL_PSEUDO_KEY (or name a Prefect Secret block in "
    "WIJKPROFIEL_PSEUDO_KEY_BLOCK); person-level data is not loaded without one"
)


# ------------------------------------------------------------------------------------------------ helpers


def _punt_in(buurtcode: str) -> tuple[str, str]:
    """(lat, lon) as a partner would write them: a WGS84 point inside the buurt and in no other bundled buurt."""
    from pyproj import Transformer
    from shapely.geometry import shape

    grenzen = json.loads(BUURTEN_2024.read_text(encoding="utf-8"))["features"]
    vorm = {f["properties"]["statcode"]: shape(f["geometry"]) for f in grenzen}
    geo = vorm[buurtcode]
    for code, andere in vorm.items():
        if code != buurtcode and andere.intersects(geo):
            geo = geo.difference(andere)
    p = geo.buffer(-20).representative_point()
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(p.x, p.y)
    return f"{lat:.5f}", f"{lon:.5f}"


def csv_bytes(header: list[str], rows: list[list[str]], *, delim: str = ";", bom: bool = False, eol: str = "\r\n") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delim, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def schrijf(tmp_path: Path, naam: str, data: bytes) -> Path:
    pad = tmp_path / naam
    pad.write_bytes(data)
    return pad


def xlsx(tmp_path: Path, naam: str, header: list[str], rows: list[list], *, blad: str = "Casussen") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = blad
    ws.append(header)
    for row in rows:
        ws.append(row)
    pad = tmp_path / naam
    wb.save(pad)
    return pad


def casus(cid: str, themas: str, *, datum: str = "01-03-2024", pc: str = "", hnr: str = "", bu: str = "",
          team: str = "Wijkteam Noord") -> list[str]:
    return [cid, team, datum, pc, hnr, bu, themas]


RAW = {"casuistiek": "casuistiek", "signalen": "signalen", "enquete": "signalen", "kansen": "kansen",
       "besprekingen": "besprekingen"}  # fmt: skip


def laad(db: Path, soort: str, pad: Path, **kw):
    """ingest_bron, then check the bookkeeping: result and meta.loads agree and add up, raw and quarantine match."""
    result = ingest_bron(db, soort, pad, **kw)
    assert result.rows_in == result.loaded + result.quarantined
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select bron, rows_in, loaded, quarantined from meta.loads where load_id = ?", [result.load_id]).fetchone()
        # a casuïstiek record with several tags gives several rows: count records
        raw = con.execute(f"select count(distinct bron_rij) from raw.{RAW[soort]} where load_id = ?", [result.load_id]).fetchone()[0]
        q_rijen = con.execute("select count(distinct rij) from meta.quarantine where load_id = ?", [result.load_id]).fetchone()[0]
    assert row == (soort, result.rows_in, result.loaded, result.quarantined)
    assert raw == result.loaded
    assert q_rijen == result.quarantined
    return result


def rijen(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def quarantaine(db: Path, load_id: int) -> list[tuple]:
    return rijen(db, "select rij, kolom, reden, waarde_gemaskeerd from meta.quarantine where load_id = ? order by rij, kolom",
                 [load_id])


def sleutel_van(casus_id: str) -> str:
    return pseudoniem.hmac_hex(SLEUTEL.encode("utf-8"), casus_id)


def casus_rijen(db: Path, load_id: int) -> list[tuple]:
    """(bron_rij, casus_key, thema) of a load, sorted."""
    return rijen(db, "select bron_rij, casus_key, thema from raw.casuistiek where load_id = ? order by bron_rij, thema",
                 [load_id])


@pytest.fixture(autouse=True)
def _sleutel(monkeypatch):
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", SLEUTEL)
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY_BLOCK", raising=False)


@pytest.fixture(scope="module")
def _met_koppeltabel(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sjabloon") / "wijkprofiel.duckdb"
    ingest_koppeltabel(db, KOPPELTABEL)
    return db


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "wijkprofiel.duckdb"


@pytest.fixture
def kdb(tmp_path, _met_koppeltabel) -> Path:
    """A database with the CBS postcode table already loaded (copied, so each test has its own)."""
    pad = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(_met_koppeltabel, pad)
    return pad


# ------------------------------------------------------------------------------------------------ casuïstiek: tags


#: Tag cells as teams type them; each means the same three themes.
CELLEN = [
    (";", "Schulden; eenzaamheid; GGZ"),                 # ';' inside a ';' file: the cell is quoted
    (";", "Schulden, eenzaamheid, GGZ"),
    (";", "Schulden | eenzaamheid | GGZ"),
    (";", "Schulden / eenzaamheid / GGZ"),
    (";", "Schulden;eenzaamheid , GGZ|"),                # mixed, no spaces, a trailing separator
    (";", "Financiële problemen / Sociaal isolement | psychische klachten"),
    (",", "Schulden, eenzaamheid; GGZ"),                 # ',' inside a ',' file: quoted
    (",", "SCHULDEN|Eenzaamheid/ggz"),
]


@pytest.mark.parametrize("delim", [";", ","], ids=["puntkommabestand", "kommabestand"])
def test_tags_in_een_cel(tmp_path, db, delim):
    cellen = [cel for d, cel in CELLEN if d == delim]
    data = csv_bytes(KOP_CASUS, [casus(f"C-{i}", cel) for i, cel in enumerate(cellen, start=1)], delim=delim)
    for cel in cellen:
        if delim in cel:
            assert f'"{cel}"'.encode() in data  # the csv module quoted it, as Excel does
    r = laad(db, "casuistiek", schrijf(tmp_path, "casuistiek.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (len(cellen), len(cellen), 0)
    assert casus_rijen(db, r.load_id) == [
        (i, sleutel_van(f"C-{i}"), thema)
        for i in range(1, len(cellen) + 1)
        for thema in ("eenzaamheid", "geldzorgen", "psychische_problemen")
    ]
    assert quarantaine(db, r.load_id) == []


def test_puntkomma_tags_zonder_aanhalingstekens_splitsen_de_regel(tmp_path, db):
    """A home-made export that writes 'a; b' unquoted in a ';' file: that line has too many fields and is
    refused as a whole (its tags would land in other columns), the others load."""
    regels = [";".join(KOP_CASUS), ";".join(casus("C-1", "dementie")), ";".join(casus("C-2", "Schulden; eenzaamheid"))]
    r = laad(db, "casuistiek", schrijf(tmp_path, "casuistiek.csv", ("\r\n".join(regels) + "\r\n").encode()))
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 1, 1)
    assert casus_rijen(db, r.load_id) == [(1, sleutel_van("C-1"), "dementie")]
    assert quarantaine(db, r.load_id) == [
        (2, None, "line 3 has more fields than the header's 7 (a separator inside an unquoted value?)", None)]


def test_een_rij_per_tag_xlsx(tmp_path, db):
    """The zuid shape: one row per tag, Excel dates, buurtcode as text or as a bare number."""
    kop = ["Casus ID", "Team", "Datum registratie", "Buurtcode", "Thema"]
    d1, d2 = datetime(2024, 3, 1), datetime(2023, 11, 30)
    pad = xlsx(tmp_path, "zuid.xlsx", kop, [
        ["C-10", "Zuid", d1, BU_O, "Geldzorgen"],
        ["C-10", "Zuid", d1, BU_O, "sociaal isolement"],
        ["C-10", "Zuid", d1, BU_O, "GGZ"],
        ["C-11", "Zuid", d2, 3440311, "Opvoedvragen"],
        [None, None, None, None, None],          # an empty row Excel keeps: no record
        ["C-11", "Zuid", d2, 3440311, "dementie"],
    ])
    r = laad(db, "casuistiek", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (5, 5, 0)
    assert r.toelichting == "soort xlsx; periode volledig; blad Casussen"
    assert rijen(db, "select bron_rij, casus_key, registratiedatum, thema, buurtcode, wijkcode, gemeentecode, plaatsing "
                     "from raw.casuistiek order by bron_rij") == [
        (1, sleutel_van("C-10"), date(2024, 3, 1), "geldzorgen", BU_O, WK_O, GEMEENTE, "buurtcode"),
        (2, sleutel_van("C-10"), date(2024, 3, 1), "eenzaamheid", BU_O, WK_O, GEMEENTE, "buurtcode"),
        (3, sleutel_van("C-10"), date(2024, 3, 1), "psychische_problemen", BU_O, WK_O, GEMEENTE, "buurtcode"),
        (4, sleutel_van("C-11"), date(2023, 11, 30), "opvoeding", BU_O, WK_O, GEMEENTE, "buurtcode"),
        (6, sleutel_van("C-11"), date(2023, 11, 30), "dementie", BU_O, WK_O, GEMEENTE, "buurtcode"),
    ]
    build_marts(db)
    # the same case id on several rows is one case
    assert rijen(db, "select jaar, thema, casussen from intermediate.casuistiek_themas where gebied_code = ? "
                     "and periode_soort = 'jaar' order by jaar, thema", [WK_O]) == [
        (2023, "*", 1), (2023, "dementie", 1), (2023, "opvoeding", 1),
        (2024, "*", 1), (2024, "eenzaamheid", 1), (2024, "geldzorgen", 1), (2024, "psychische_problemen", 1),
    ]


def test_een_rij_per_tag_csv(tmp_path, db):
    data = csv_bytes(KOP_CASUS, [
        casus("C-20", "Schulden", pc=PC_A), casus("C-20", "eenzaamheid", pc=PC_A), casus("C-21", "schulden", pc=PC_A),
    ])
    r = laad(db, "casuistiek", schrijf(tmp_path, "casuistiek.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 3, 0)
    assert casus_rijen(db, r.load_id) == [
        (1, sleutel_van("C-20"), "geldzorgen"), (2, sleutel_van("C-20"), "eenzaamheid"), (3, sleutel_van("C-21"), "geldzorgen")]


# ------------------------------------------------------------------------------------------------ casuïstiek: placement


def test_plaatsing_postcode_buurtcode_kaal_nummer_en_geen(tmp_path, kdb):
    data = csv_bytes(KOP_CASUS, [
        casus("C-40", "Schulden", pc=PC_A, hnr="12"),
        casus("C-41", "Schulden", pc="3451 aa", hnr="7b"),      # spaces and lower case: the same postcode
        casus("C-42", "Schulden", bu=BU_O),
        casus("C-43", "Schulden", bu="3440311"),                # a buurtcode typed as a number
        casus("C-44", "Schulden"),                              # no address, no code
        casus("C-45", "Schulden", pc="1011AB", hnr="1"),        # well formed, not in Utrecht's table
    ])
    r = laad(db := kdb, "casuistiek", schrijf(tmp_path, "casuistiek.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (6, 6, 0)
    assert (r.geplaatst, r.niet_geplaatst) == (4, 2)
    assert r.waarschuwingen == (
        "2 rows could not be placed in a buurt from their address or code; they count in the gemeente total only",)
    assert rijen(db, "select bron_rij, buurtcode, wijkcode, gemeentecode, plaatsing from raw.casuistiek order by bron_rij") == [
        (1, BU_A, WK_A, GEMEENTE, "pc6"),
        (2, BU_A, WK_A, GEMEENTE, "pc6"),
        (3, BU_O, WK_O, GEMEENTE, "buurtcode"),
        (4, BU_O, WK_O, GEMEENTE, "buurtcode"),
        (5, None, None, GEMEENTE, "geen"),
        (6, None, None, GEMEENTE, "geen"),
    ]
    # no address reaches the database: raw.casuistiek has no postcode or huisnummer column
    kolommen = [c for (c,) in rijen(db, "select column_name from duckdb_columns() where schema_name = 'raw' "
                                        "and table_name = 'casuistiek'")]
    assert "postcode" not in kolommen and "huisnummer" not in kolommen and "casus_id" not in kolommen


def test_ongeplaatste_casus_in_buurtcodebestand_telt_in_de_gemeente(tmp_path, kdb):
    kop = ["Casus ID", "Team", "Datum registratie", "Buurtcode", "Thema"]
    pad = xlsx(tmp_path, "zuid.xlsx", kop, [
        ["C-50", "Zuid", datetime(2024, 3, 1), BU_O, "Schulden"],
        ["C-51", "Zuid", datetime(2024, 3, 1), None, "Schulden"],
    ])
    r = laad(kdb, "casuistiek", pad)
    assert r.waarschuwingen == (
        "1 rows could not be placed in a buurt from their address or code; they count in the gemeente total only",)
    assert rijen(kdb, "select bron_rij, gemeentecode, plaatsing from raw.casuistiek order by 1") == [
        (1, GEMEENTE, "buurtcode"), (2, GEMEENTE, "geen")]


# ------------------------------------------------------------------------------------------------ casuïstiek: quarantine


def test_foute_casussen_gaan_in_quarantaine(tmp_path, db):
    data = csv_bytes(KOP_CASUS, [
        casus("C-59", "dementie"),
        casus("", "Schulden"),
        casus("   ", "Schulden"),
        casus("C-60", "Schulden", datum="31-02-2024"),
        casus("C-61", "Schulden", datum="gisteren"),
        casus("C-62", "Schulden", datum="01-01-2099"),           # in the future
        casus("C-63", "Schulden", datum=""),
        casus("C-64", ""),
        casus("C-65", " ; , | "),                                # only separators: no tag
        casus("C-66", "Schulden", bu="BU123"),
        casus("C-67", "Schulden", pc="35", hnr="1"),
        casus("", "", datum="31-02-2024"),                       # three faults at once
        casus("C-68", "GGZ", datum="2024-02-29"),                # a leap day, in ISO form: fine
    ])
    r = laad(db, "casuistiek", schrijf(tmp_path, "casuistiek.csv", data))
    assert (r.rows_in, r.loaded, r.quarantined) == (13, 2, 11)
    assert casus_rijen(db, r.load_id) == [(1, sleutel_van("C-59"), "dementie"), (13, sleutel_van("C-68"), "psychische_problemen")]
    assert quarantaine(db, r.load_id) == [
        (2, "casus_id", CASUS_LEEG, None),
        (3, "casus_id", CASUS_LEEG, None),
        (4, "registratiedatum", DATUM_ONECHT, "99-99-9999"),    # a date's shape, not the date
        (5, "registratiedatum", DATUM_ONECHT, "gisteren"),
        (6, "registratiedatum", DATUM_ONECHT, "99-99-9999"),
        (7, "registratiedatum", DATUM_LEEG, None),
        (8, "themas", GEEN_THEMA, None),
        (9, "themas", GEEN_THEMA, None),
        (10, "buurtcode", BUURTCODE_FOUT, "BU123"),
        (11, "postcode", POSTCODE_VORM, "99"),
        (12, "casus_id", CASUS_LEEG, None),
        (12, "registratiedatum", DATUM_ONECHT, "99-99-9999"),
        (12, "themas", GEEN_THEMA, None),
    ]


def test_een_foute_tagrij_laat_de_andere_rijen_van_de_casus_staan(tmp_path, db):
    kop = ["Casus ID", "Team", "Datum registratie", "Buurtcode", "Thema"]
    pad = xlsx(tmp_path, "zuid.xlsx", kop, [
        ["C-70", "Zuid", datetime(2024, 3, 1), BU_O, "Schulden"],
        ["C-70", "Zuid", datetime(2024, 3, 1), BU_O, None],
    ])
    r = laad(db, "casuistiek", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 1, 1)
    assert casus_rijen(db, r.load_id) == [(1, sleutel_van("C-70"), "geldzorgen")]
    assert quarantaine(db, r.load_id) == [(2, "themas", GEEN_THEMA, None)]


# ------------------------------------------------------------------------------------------------ unmapped tags, taxonomy


TAGS_CHECK = [
    casus("C-80", "Schulden; geldzrgen"),
    casus("C-81", "schulden, eenzaamheid"),
    casus("C-82", "geldzrgen | fietsdiefstal"),
    casus("C-83", "Schulden / Geldzrgen / GGZ"),
]


def test_onbekende_tags_laden_als_onbekend_en_staan_in_unmapped_tags(tmp_path, db):
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, TAGS_CHECK))
    r = laad(db, "casuistiek", pad, gemeente=GEMEENTE)  # no address or code: the gemeente is given
    assert (r.rows_in, r.loaded, r.quarantined) == (4, 4, 0)
    assert casus_rijen(db, r.load_id) == [
        (1, sleutel_van("C-80"), "geldzorgen"), (1, sleutel_van("C-80"), "onbekend:geldzrgen"),
        (2, sleutel_van("C-81"), "eenzaamheid"), (2, sleutel_van("C-81"), "geldzorgen"),
        (3, sleutel_van("C-82"), "onbekend:fietsdiefstal"), (3, sleutel_van("C-82"), "onbekend:geldzrgen"),
        (4, sleutel_van("C-83"), "geldzorgen"), (4, sleutel_van("C-83"), "onbekend:geldzrgen"),
        (4, sleutel_van("C-83"), "psychische_problemen"),
    ]
    assert rijen(db, "select load_id, bestand, tag, aantal, suggestie from meta.unmapped_tags order by aantal desc, tag") == [
        (r.load_id, str(pad), "geldzrgen", 3, "geldzorgen"),
        (r.load_id, str(pad), "fietsdiefstal", 1, None),
    ]
    build_marts(db)
    # never dropped: the case with only unmapped tags still counts among the cases
    assert rijen(db, "select thema, casussen from intermediate.casuistiek_themas where gebied_niveau = 'gemeente' "
                     "and periode_soort = 'jaar' order by thema") == [
        ("*", 4), ("eenzaamheid", 1), ("geldzorgen", 3), ("onbekend:fietsdiefstal", 1), ("onbekend:geldzrgen", 3),
        ("psychische_problemen", 1),
    ]
    assert rijen(db, "select count(*) from staging.casuistiek where thema_onbekend") == [(4,)]


def test_taxonomie_van_de_gemeente_brengt_onbekende_tag_onder(tmp_path):
    extra = tmp_path / "taxonomie-utrecht.yaml"
    extra.write_text(
        "versie: utrecht-1\nthemas:\n  geldzorgen:\n    synoniemen: [geldzrgen]\n"
        "  fietsen:\n    label: Fietsen\n    synoniemen: [fietsdiefstal]\n",
        encoding="utf-8",
    )
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, TAGS_CHECK))
    zonder, met = tmp_path / "zonder.duckdb", tmp_path / "met.duckdb"
    laad(zonder, "casuistiek", pad)
    assert rijen(zonder, "select count(*) from raw.casuistiek where thema = 'onbekend:geldzrgen'") == [(3,)]
    r = laad(met, "casuistiek", pad, taxonomie=extra)
    # raw keeps a row per tag as written ('Schulden' and 'geldzrgen' are now both geldzorgen); staging one
    assert casus_rijen(met, r.load_id) == [
        (1, sleutel_van("C-80"), "geldzorgen"), (1, sleutel_van("C-80"), "geldzorgen"),
        (2, sleutel_van("C-81"), "eenzaamheid"), (2, sleutel_van("C-81"), "geldzorgen"),
        (3, sleutel_van("C-82"), "fietsen"), (3, sleutel_van("C-82"), "geldzorgen"),
        (4, sleutel_van("C-83"), "geldzorgen"), (4, sleutel_van("C-83"), "geldzorgen"),
        (4, sleutel_van("C-83"), "psychische_problemen"),
    ]
    assert rijen(met, "select count(*) from meta.unmapped_tags") == [(0,)]


def test_zelfde_casuistiekbestand_opnieuw_is_een_duplicaat(tmp_path, kdb):
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, [*TAGS_CHECK, casus("", "Schulden", pc=PC_A)]))
    eerste = laad(kdb, "casuistiek", pad)

    def tellingen():
        return rijen(kdb, "select (select count(*) from meta.loads), (select count(*) from raw.casuistiek), "
                          "(select count(*) from meta.quarantine), (select count(*) from meta.unmapped_tags)")[0]

    voor = tellingen()
    assert voor[1:] == (9, 1, 2)
    tweede = ingest_bron(kdb, "casuistiek", pad)
    assert tweede.duplicate and not eerste.duplicate
    assert (tweede.load_id, tweede.rows_in, tweede.loaded, tweede.quarantined) == (eerste.load_id, 5, 4, 1)
    assert tellingen() == voor
    # a copy under another name is the same content: also a duplicate
    kopie = tmp_path / "kopie-2024-05-01.csv"
    shutil.copy(pad, kopie)
    assert ingest_bron(kdb, "casuistiek", kopie).duplicate
    assert tellingen() == voor


def test_nieuwere_export_van_dezelfde_bron_vervangt_de_oudere(tmp_path, db):
    oud = schrijf(tmp_path, "wijkteam-2024-03-01.csv", csv_bytes(KOP_CASUS, [casus("C-90", "Schulden"), casus("C-91", "GGZ")]))
    nieuw = schrijf(tmp_path, "wijkteam-2024-04-01.csv", csv_bytes(KOP_CASUS, [casus("C-90", "Schulden; dementie")]))
    r1, r2 = laad(db, "casuistiek", oud), laad(db, "casuistiek", nieuw)
    build_marts(db)
    assert rijen(db, "select load_id, tabel_id from meta.loads order by 1") == [(r1.load_id, "wijkteam"), (r2.load_id, "wijkteam")]
    assert rijen(db, "select load_id, bron, casus_key, thema from staging.casuistiek order by thema") == [
        (r2.load_id, "wijkteam", sleutel_van("C-90"), "dementie"),
        (r2.load_id, "wijkteam", sleutel_van("C-90"), "geldzorgen"),
    ]


def test_zonder_sleutel_wordt_niets_geschreven(tmp_path, db, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY")
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, [casus("C-95", "Schulden")]))
    with pytest.raises(WijkprofielError) as info:
        ingest_bron(db, "casuistiek", pad)
    assert "WIJKPROFIEL_PSEUDO_KEY" in str(info.value) and "\n" not in str(info.value)
    assert not db.exists()


def test_casuistiek_under_another_key_than_the_database_used_is_refused(tmp_path, db, monkeypatch):
    laad(db, "casuistiek", schrijf(tmp_path, "casuistiek-1.csv", csv_bytes(KOP_CASUS, [casus("C-96", "Schulden")])))
    monkeypatch.setenv("WIJKPROFIEL_PSEUDO_KEY", "andere-sleutel-9f86d081884c7d659a2feaa0c55ad015")
    pad = schrijf(tmp_path, "casuistiek-2.csv", csv_bytes(KOP_CASUS, [casus("C-96", "Schulden"), casus("C-97", "Dementie")]))
    with pytest.raises(WijkprofielError, match="another key.*`wijkprofiel rekey --db "):
        ingest_bron(db, "casuistiek", pad)
    assert rijen(db, "select count(*) from meta.loads") == [(1,)]


def test_every_source_pseudonymised_with_the_key_is_dropped_by_rekey():
    from wijkprofiel.ingest.beschikkingen import BESCHIKKINGEN
    from wijkprofiel.ingest.private import PSEUDONIEME_BRONNEN
    from wijkprofiel.ingest.rodedraden import _soort
    from wijkprofiel.reference.themes import laad_taxonomie

    soorten = [BESCHIKKINGEN] + [_soort(n, laad_taxonomie(None)) for n in RAW]
    assert PSEUDONIEME_BRONNEN == {s.naam: s.raw_tabel for s in soorten if s.pseudonimiseren}


def test_signalen_hebben_geen_sleutel_nodig(tmp_path, db, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY")
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [["huisarts", "2024", WK_O, "", "eenzaamheid", "3", "", "ja"]], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (1, 1, 0)


# ------------------------------------------------------------------------------------------------ signalen


def sig(bron: str = "huisarts", periode: str = "2024-K3", wijk: str = WK_O, buurt: str = "", thema: str = "eenzaamheid",
        aantal: str = "4", toelichting: str = "", publiceerbaar: str = "ja") -> list[str]:
    return [bron, periode, wijk, buurt, thema, aantal, toelichting, publiceerbaar]


def _partnerspellingen() -> list[tuple[str, str]]:
    """Every spelling of the signalen profile as written there, plus how people type them."""
    waarden = laad_profiel("signalen").waarden["bron"]
    paren = [(s, canoniek) for canoniek, spellingen in waarden.items() for s in [canoniek, *spellingen]]
    return paren + [
        ("Huisartsenpraktijk", "huisarts"), ("POH-GGZ", "poh"), ("POLITIE", "wijkagent"),
        ("Meldpunt Zorg & Overlast", "meldpunt_zorg_overlast"), ("Cliëntenraad", "clientenraad"),
        ("GGZ in de Wijk", "ggz"), ("Bewonersenquête", "enquete"), (" Woningcorporatie ", "woningcorporatie"),
    ]


def test_elke_partnerspelling(tmp_path, db):
    paren = _partnerspellingen()
    assert len(paren) > 30 and {c for _, c in paren} == {
        "huisarts", "poh", "wijkagent", "woningcorporatie", "meldpunt_zorg_overlast", "ggz", "clientenraad", "enquete",
        "overig"}
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(bron=s) for s, _ in paren], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (len(paren), len(paren), 0)
    assert [p for (p,) in rijen(db, "select partner from raw.signalen order by bron_rij")] == [c for _, c in paren]


def test_periodevormen(tmp_path, db):
    vormen = [("2024", "2024"), ("2024-K3", "2024-K3"), ("2024-Q3", "2024-K3"), ("2024 Q3", "2024-K3"),
              ("2024q3", "2024-K3"), ("2024-k3", "2024-K3"), ("2024K3", "2024-K3"), ("2024-07", "2024-07"),
              (" 2024-12 ", "2024-12"), ("2023-K1", "2023-K1")]
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(periode=p) for p, _ in vormen], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (len(vormen), len(vormen), 0)
    assert [p for (p,) in rijen(db, "select signaal_periode from raw.signalen order by bron_rij")] == [v for _, v in vormen]


def test_foute_perioden_gaan_in_quarantaine(tmp_path, db):
    fout = ["2024-13", "2024-K5", "Q3", "24", "derde kwartaal", "", "2024-7"]
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(), *(sig(periode=p) for p in fout)], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (8, 1, 7)
    assert quarantaine(db, r.load_id) == [
        (2, "periode", PERIODE_FOUT, "2024-13"),
        (3, "periode", PERIODE_FOUT, "2024-K5"),
        (4, "periode", PERIODE_FOUT, "Q3"),
        (5, "periode", PERIODE_FOUT, "24"),
        (6, "periode", PERIODE_FOUT, "derde kwartaal"),
        (7, "periode", PERIODE_FOUT, None),
        (8, "periode", PERIODE_FOUT, "2024-7"),
    ]


def test_wijkcode_of_buurtcode_ook_als_kaal_nummer(tmp_path, db):
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [
        sig(wijk=WK_O),
        sig(wijk="34403"),
        sig(wijk="wk034403 "),
        sig(wijk="", buurt=BU_O),
        sig(wijk="", buurt="3440311"),
        sig(wijk=WK_A, buurt=BU_O),         # both given: the buurt (which names its own wijk) wins
    ], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (6, 6, 0)
    assert (r.geplaatst, r.niet_geplaatst) == (6, 0)
    assert rijen(db, "select bron_rij, buurtcode, wijkcode, gemeentecode, plaatsing from raw.signalen order by 1") == [
        (1, None, WK_O, GEMEENTE, "wijkcode"),
        (2, None, WK_O, GEMEENTE, "wijkcode"),
        (3, None, WK_O, GEMEENTE, "wijkcode"),
        (4, BU_O, WK_O, GEMEENTE, "buurtcode"),
        (5, BU_O, WK_O, GEMEENTE, "buurtcode"),
        (6, BU_O, WK_O, GEMEENTE, "buurtcode"),
    ]


def test_foute_signalen_gaan_in_quarantaine(tmp_path, db):
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [
        sig(),
        sig(wijk="", buurt=""),
        sig(bron="buurman"),
        sig(bron=""),
        sig(aantal="-3"),
        sig(wijk="Overvecht"),
        sig(wijk="", buurt="BU0344"),
        sig(thema=""),
        sig(aantal="0"),                                  # zero is a count
        sig(aantal=""),                                   # partners often give no count: fine
    ], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (10, 3, 7)
    assert rijen(db, "select bron_rij, aantal from raw.signalen order by 1") == [(1, 4), (9, 0), (10, None)]
    assert quarantaine(db, r.load_id) == [
        (2, "wijkcode", GEEN_GEBIED, None),
        (3, "bron", BRON_ONBEKEND, "buurman"),
        (4, "bron", "bron is empty", None),
        (5, "aantal", AANTAL_FOUT, "-3"),
        (6, "wijkcode", WIJKCODE_FOUT, "OVERVECHT"),
        (7, "buurtcode", BUURTCODE_FOUT, "BU0344"),
        (8, "thema", "thema is empty", None),
    ]


def test_niet_numeriek_aantal_gaat_in_quarantaine_met_reden(tmp_path, db):
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(), sig(aantal="veel"), sig(aantal="2,5")], delim=","))
    r = ingest_bron(db, "signalen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (3, 1, 2)
    assert quarantaine(db, r.load_id) == [(2, "aantal", AANTAL_FOUT, "veel"), (3, "aantal", AANTAL_FOUT, "2,5")]


def test_publiceerbaar_ja_nee_leeg(tmp_path, db):
    waarden = ["ja", "Ja", "J", "y", "1", "true", "nee", "NEE", "n", "0", "", "misschien"]
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(
        KOP_SIGNALEN, [sig(publiceerbaar=w, toelichting=f"tekst {i}") for i, w in enumerate(waarden)], delim=","))
    r = laad(db, "signalen", pad)
    assert (r.loaded, r.quarantined) == (len(waarden), 0)
    assert [p for (p,) in rijen(db, "select publiceerbaar from raw.signalen order by bron_rij")] == [
        True, True, True, True, True, True, False, False, False, False, False, False]  # empty or unclear: nee


def test_publiceerbaar_yes_is_ja(tmp_path, db):
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(publiceerbaar="yes"), sig(publiceerbaar="Yes")], delim=","))
    laad(db, "signalen", pad)
    assert rijen(db, "select publiceerbaar from raw.signalen order by bron_rij") == [(True,), (True,)]


def test_signaal_met_onbekend_thema_blijft_en_staat_in_unmapped_tags(tmp_path, db):
    pad = schrijf(tmp_path, "signalen.csv", csv_bytes(KOP_SIGNALEN, [sig(thema="Huurachterstand"), sig(thema="Eenzamheid")], delim=","))
    r = laad(db, "signalen", pad)
    assert rijen(db, "select thema from raw.signalen order by bron_rij") == [("geldzorgen",), ("onbekend:eenzamheid",)]
    assert rijen(db, "select tag, aantal, suggestie from meta.unmapped_tags where load_id = ?", [r.load_id]) == [
        ("eenzamheid", 1, "eenzaamheid")]


# ------------------------------------------------------------------------------------------------ enquête


def test_enquete_rijen_landen_in_signalen_als_partner_enquete(tmp_path, db):
    kop = ["wijkcode", "vraag", "thema", "percentage", "n", "periode"]
    pad = schrijf(tmp_path, "enquete.csv", csv_bytes(kop, [
        [WK_O, "Ik voel me vaak eenzaam", "eenzaamheid", "12,5", "250", "2024"],
        ["34401", "Ik heb moeite om rond te komen", "Geldzorgen", "18", "120", "2024-K2"],
        [WK_O, "Ik voel me onveilig", "overlast", "0,0", "80", ""],
        [WK_O, "Ik voel me vaak eenzaam", "eenzaamheid", "120", "100", "2024"],
        [WK_O, "Ik voel me vaak eenzaam", "eenzaamheid", "10", "0", "2024"],
        ["WK03440", "Ik voel me vaak eenzaam", "eenzaamheid", "10", "100", "2024"],
    ]))
    r = laad(db, "enquete", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (6, 3, 3)
    assert rijen(db, "select bron_rij, partner, signaal_periode, thema, vraag, percentage, n, aantal, publiceerbaar, "
                     "wijkcode, buurtcode, plaatsing from raw.signalen order by bron_rij") == [
        (1, "enquete", "2024", "eenzaamheid", "Ik voel me vaak eenzaam", 12.5, 250, None, True, WK_O, None, "wijkcode"),
        (2, "enquete", "2024-K2", "geldzorgen", "Ik heb moeite om rond te komen", 18.0, 120, None, True, "WK034401", None,
         "wijkcode"),
        (3, "enquete", "onbekend", "overlast_en_veiligheid", "Ik voel me onveilig", 0.0, 80, None, True, WK_O, None,
         "wijkcode"),
    ]
    assert quarantaine(db, r.load_id) == [
        (4, "percentage", PERCENTAGE_FOUT, "120"),
        (5, "n", N_FOUT, "0"),
        (6, "wijkcode", WIJKCODE_FOUT, "WK03440"),
    ]
    assert rijen(db, "select bron, rows_in from meta.loads") == [("enquete", 6)]


def test_enquete_zonder_percentage_of_n_krijgt_een_reden(tmp_path, db):
    kop = ["wijkcode", "vraag", "thema", "percentage", "n"]
    pad = schrijf(tmp_path, "enquete.csv", csv_bytes(kop, [
        [WK_O, "v", "eenzaamheid", "", "100"], [WK_O, "v", "eenzaamheid", "12,5", "veel"]]))
    r = ingest_bron(db, "enquete", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (2, 0, 2)
    assert quarantaine(db, r.load_id) == [(1, "percentage", PERCENTAGE_FOUT, None), (2, "n", N_FOUT, "veel")]


# ------------------------------------------------------------------------------------------------ kansen


def test_kansen_op_coordinaten_buurtcode_en_postcode(tmp_path, kdb):
    lat, lon = _punt_in(BU_P)
    pad = schrijf(tmp_path, "kansen.csv", csv_bytes(KOP_KANSEN, [
        ["Buurthuis De Linde", "buurthuis", "eenzaamheid|meedoen|Wijkmoestuin", "", "", BU_O, "", "", "info@linde.example"],
        ["Geldinloop Het Anker", "inloop", "geldzorgen|werk en inkomen", "", "", "", lat, lon, ""],
        ["Taalcafé De Brug", "taalcafé", "Meedoen", "Brugplein 3", PC_A, "", "", "", ""],
        ["Verkeerd Om", "inloop", "geldzorgen", "", "", "", "5.12", "52.09", ""],    # lat and lon swapped
        ["", "buurthuis", "eenzaamheid", "", "", BU_O, "", "", ""],
        ["Zonder Plek", "vrijwilligersinitiatief", "zelfstandig wonen", "", "", "", "", "", "via het wijkteam"],
        ["Opvoedsteunpunt", "opvoedsteunpunt", "opvoeding", "", "", "3440311", "", "", ""],
    ], delim=","))
    r = laad(kdb, "kansen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (7, 5, 2)
    assert quarantaine(kdb, r.load_id) == [
        (4, "lat", COORDINATEN_FOUT, "5.12 52.09"),
        (5, "naam", NAAM_LEEG, None),
    ]
    raw = rijen(kdb, "select bron_rij, naam, themas, lat, lon, buurtcode, wijkcode, gemeentecode, plaatsing "
                     "from raw.kansen order by bron_rij")
    assert [(b, n, sorted(t), la, lo, bu, wk, gm, pl) for b, n, t, la, lo, bu, wk, gm, pl in raw] == [
        (1, "Buurthuis De Linde", ["eenzaamheid", "meedoen", "onbekend:wijkmoestuin"], None, None, BU_O, WK_O, GEMEENTE,
         "buurtcode"),
        (2, "Geldinloop Het Anker", ["geldzorgen", "werk_en_inkomen"], float(lat), float(lon), None, None, GEMEENTE, "geen"),
        (3, "Taalcafé De Brug", ["meedoen"], None, None, BU_A, WK_A, GEMEENTE, "pc6"),
        (6, "Zonder Plek", ["zelfstandig_wonen"], None, None, None, None, GEMEENTE, "geen"),
        (7, "Opvoedsteunpunt", ["opvoeding"], None, None, BU_O, WK_O, GEMEENTE, "buurtcode"),
    ]
    ingest_grenzen_file(kdb, BUURTEN_2024, GEMEENTE, 2024)
    build_marts(kdb)
    assert rijen(kdb, "select naam, thema, buurtcode, wijkcode, gemeente_code, plaatsing from marts.kansen_per_wijk "
                      "order by naam, thema") == [
        ("Buurthuis De Linde", "eenzaamheid", BU_O, WK_O, GEMEENTE, "buurtcode"),
        ("Buurthuis De Linde", "meedoen", BU_O, WK_O, GEMEENTE, "buurtcode"),
        ("Buurthuis De Linde", "onbekend:wijkmoestuin", BU_O, WK_O, GEMEENTE, "buurtcode"),
        ("Geldinloop Het Anker", "geldzorgen", BU_P, WK_O, GEMEENTE, "coordinaten"),
        ("Geldinloop Het Anker", "werk_en_inkomen", BU_P, WK_O, GEMEENTE, "coordinaten"),
        ("Opvoedsteunpunt", "opvoeding", BU_O, WK_O, GEMEENTE, "buurtcode"),
        ("Taalcafé De Brug", "meedoen", BU_A, WK_A, GEMEENTE, "pc6"),
        ("Zonder Plek", "zelfstandig_wonen", None, None, GEMEENTE, "geen"),
    ]
    assert rijen(kdb, "select count(*), count(distinct kans_id) from pub.kansen") == [(8, 5)]


def test_onbekend_kansthema_staat_in_unmapped_tags(tmp_path, db):
    pad = schrijf(tmp_path, "kansen.csv", csv_bytes(KOP_KANSEN, [
        ["Buurthuis De Linde", "buurthuis", "eenzaamheid|Wijkmoestuin", "", "", BU_O, "", "", ""]], delim=","))
    r = laad(db, "kansen", pad)
    assert rijen(db, "select tag, aantal from meta.unmapped_tags where load_id = ?", [r.load_id]) == [("wijkmoestuin", 1)]


# ------------------------------------------------------------------------------------------------ besprekingen (file)


def test_besprekingen_uit_bestand(tmp_path, db):
    pad = schrijf(tmp_path, "bespreking-2024-06.csv", csv_bytes(KOP_BESPREKING, [
        [WK_O, "12-06-2024", "Geldzorgen", "ja", "Vaste lasten stegen", "Vroegsignalering uitbreiden", "corporatie", "Q4 2024"],
        ["34403", "2024-06-12", "sociaal isolement", "Deels", "", "Ontmoetingsochtend", "wijkteam", ""],
        ["WK034401", "12-06-2024", "opvoeding", "NEE", "Geen patroon", "", "", ""],
        ["WK034401", "12-06-2024", "dementie", "gedeeltelijk", "", "", "", ""],
        ["WK034401", "12-06-2024", "fietsen", "ja", "", "", "", ""],
        ["WK034401", "12-06-2024", "zorgmijding", "misschien", "", "", "", ""],
        ["Overvecht", "12-06-2024", "geldzorgen", "ja", "", "", "", ""],
        ["WK034401", "31-06-2024", "geldzorgen", "ja", "", "", "", ""],
    ], delim=","))
    r = laad(db, "besprekingen", pad)
    assert (r.rows_in, r.loaded, r.quarantined) == (8, 5, 3)
    assert rijen(db, "select bron_rij, bron, wijkcode, gemeentecode, datum, thema, herkend, verklaring, actie, eigenaar, "
                     "wanneer, plaatsing from raw.besprekingen order by bron_rij") == [
        (1, "bespreking", WK_O, GEMEENTE, date(2024, 6, 12), "geldzorgen", "ja", "Vaste lasten stegen",
         "Vroegsignalering uitbreiden", "corporatie", "Q4 2024", "wijkcode"),
        (2, "bespreking", WK_O, GEMEENTE, date(2024, 6, 12), "eenzaamheid", "deels", None, "Ontmoetingsochtend", "wijkteam",
         None, "wijkcode"),
        (3, "bespreking", "WK034401", GEMEENTE, date(2024, 6, 12), "opvoeding", "nee", "Geen patroon", None, None, None,
         "wijkcode"),
        (4, "bespreking", "WK034401", GEMEENTE, date(2024, 6, 12), "dementie", "deels", None, None, None, None, "wijkcode"),
        (5, "bespreking", "WK034401", GEMEENTE, date(2024, 6, 12), "onbekend:fietsen", "ja", None, None, None, None,
         "wijkcode"),
    ]
    assert quarantaine(db, r.load_id) == [
        (6, "herkend", HERKEND_FOUT, "misschien"),
        (7, "wijkcode", WIJKCODE_FOUT, "OVERVECHT"),
        (8, "datum", BESPREKING_DATUM_FOUT, "99-99-9999"),
    ]


def test_cli_ingest_besprekingen_reads_the_file_the_report_form_saves(cli, db):
    """The file exactly as a browser saved it from a report's form, loaded as it is: one row per theme, the
    meeting's date and who sat at the table on each, free text masked, the source named after wijk and meeting."""
    pad = Path(__file__).resolve().parent / "fixtures" / "besprekingen" / "WK034401-2026-03-12-bespreking.csv"
    assert pad.read_bytes().startswith(b'\xef\xbb\xbf"wijkcode";"datum";')  # as saved: BOM, semicolons, quoted

    p = cli("ingest", "besprekingen", pad, "--db", db)

    assert p.returncode == 0, p.stderr
    assert rijen(db, "select rows_in, loaded, quarantined, masked, tabel_id, toelichting from meta.loads") == [
        (2, 2, 0, 1, "WK034401-2026-03-12-bespreking", "soort csv; periode volledig")]
    aan_tafel = "Wijkteam, Huisarts of POH, buurtsportcoach"
    assert rijen(db, "select wijkcode, datum, thema, herkend, verklaring, actie, eigenaar, wanneer, aanwezig, plaatsing "
                     "from raw.besprekingen order by bron_rij") == [
        ("WK034401", date(2026, 3, 12), "zorgmijding", "deels", 'Vaste lasten "stegen"; bel [telefoon] voor details',
         "Spreekuur geldzaken in het buurthuis", "Wijkteam", "juni 2026", aan_tafel, "wijkcode"),
        ("WK034401", date(2026, 3, 12), "eenzaamheid", "ja", None, None, None, None, aan_tafel, "wijkcode"),
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------ CLI


def _tabelrijen(stdout: str) -> list[list[str]]:
    """The body rows of a rich table (lines between │ ... │), cells stripped."""
    return [[c.strip() for c in line.strip().strip("│").split("│")] for line in stdout.splitlines() if line.startswith("│")]


def _fouten(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_cli_ingest_casuistiek_zonder_sleutel_weigert_in_een_regel(cli, tmp_path, db, monkeypatch):
    monkeypatch.delenv("WIJKPROFIEL_PSEUDO_KEY")
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, [casus("C-100", "Schulden")]))
    p = cli("ingest", "casuistiek", pad, "--db", db, "--koppeltabel", KOPPELTABEL)
    assert p.returncode == 1
    assert _fouten(p.stderr) == [GEEN_SLEUTEL]
    assert p.stdout == ""
    assert not db.exists()  # refused before anything was read or written, the koppeltabel included


def test_cli_ingest_casuistiek_json(cli, tmp_path, db):
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, [casus("C-101", "Schulden; geldzrgen"), casus("", "GGZ")]))
    p = cli("ingest", "casuistiek", pad, "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    assert [{k: f[k] for k in ("file", "rows_in", "loaded", "quarantined", "duplicate", "bron")} for f in json.loads(p.stdout)["files"]] == [
        {"file": str(pad), "rows_in": 2, "loaded": 1, "quarantined": 1, "duplicate": False, "bron": "casuistiek"}]
    assert rijen(db, "select tag, aantal, suggestie from meta.unmapped_tags") == [("geldzrgen", 1, "geldzorgen")]


def test_cli_bespreking_add_en_list(cli, tmp_path, db):
    p = cli("bespreking", "add", "--wijk", "wk034403", "--datum", "12-06-2024", "--thema", "Schulden", "--herkend", "Deels",
             "--verklaring", "Vaste lasten stegen", "--actie", "Spreekuur in het buurthuis", "--eigenaar", "wijkteam",
             "--wanneer", "Q4 2024", "--aanwezig", "wijkteam, huisarts (tel. 06-12345678)", "--db", db)
    assert p.returncode == 0, p.stderr
    assert "bespreking recorded (load 1)" in p.stderr
    p = cli("bespreking", "add", "--wijk", "WK034401", "--datum", "2024-11-20", "--thema", "eenzaamheid", "--herkend", "nee",
             "--db", db)
    assert p.returncode == 0, p.stderr
    assert rijen(db, "select load_id, bron, wijkcode, gemeentecode, datum, thema, herkend, verklaring, actie, eigenaar, "
                     "wanneer, aanwezig, plaatsing from raw.besprekingen order by load_id") == [
        (1, "invoer", WK_O, GEMEENTE, date(2024, 6, 12), "geldzorgen", "deels", "Vaste lasten stegen",
         "Spreekuur in het buurthuis", "wijkteam", "Q4 2024", "wijkteam, huisarts (tel. [telefoon])", "wijkcode"),
        (2, "invoer", "WK034401", GEMEENTE, date(2024, 11, 20), "eenzaamheid", "nee", None, None, None, None, None,
         "wijkcode"),
    ]
    assert rijen(db, "select bron, via, rows_in, loaded, quarantined, masked from meta.loads order by load_id") == [
        ("besprekingen", "invoer", 1, 1, 0, 1), ("besprekingen", "invoer", 1, 1, 0, 0)]

    p = cli("bespreking", "list", "--db", db)
    assert p.returncode == 0, p.stderr
    tabel = _tabelrijen(p.stdout)
    assert [(r[0], r[2], r[3]) for r in tabel] == [("WK034401", "eenzaamheid", "nee"), ("WK034403", "geldzorgen", "deels")]
    assert tabel[1][5:] == ["Spreekuur in het buurthuis", "wijkteam", "Q4 2024"]  # newest first
    assert [r[1][:10] for r in tabel] == ["2024-11-20", "2024-06-12"]
    p = cli("bespreking", "list", "--wijk", "wk034403", "--db", db)
    assert [r[0] for r in _tabelrijen(p.stdout)] == ["WK034403"]

    build_marts(db)
    assert rijen(db, "select wijkcode, thema, datum, herkend, actie from pub.besprekingen order by wijkcode") == [
        ("WK034401", "eenzaamheid", date(2024, 11, 20), "nee", None),
        (WK_O, "geldzorgen", date(2024, 6, 12), "deels", "Spreekuur in het buurthuis"),
    ]


def test_cli_bespreking_list_toont_datum_zonder_tijd_en_lege_velden_leeg(cli, tmp_path, db):
    p = cli("bespreking", "add", "--wijk", WK_O, "--datum", "2024-06-12", "--thema", "geldzorgen", "--herkend", "ja",
             "--db", db)
    assert p.returncode == 0, p.stderr
    p = cli("bespreking", "add", "--wijk", WK_O, "--datum", "2024-06-12", "--thema", "eenzaamheid", "--herkend", "nee",
            "--actie", "Ontmoetingsochtend", "--db", db)
    p = cli("bespreking", "list", "--db", db)
    assert [(r[1], r[5]) for r in _tabelrijen(p.stdout)] == [("2024-06-12", "Ontmoetingsochtend"), ("2024-06-12", "")]


@pytest.mark.parametrize(
    ("args", "fout"),
    [
        (["--thema", "geldzorg", "--herkend", "ja"], "error: unknown thema 'geldzorg'; did you mean geldzorgen?"),
        (["--thema", "fietsdiefstal", "--herkend", "ja"],
         "error: unknown thema 'fietsdiefstal'; see `wijkprofiel themes list`"),
        (["--thema", "geldzorgen", "--herkend", "misschien"],
         "error: herkend must be one of ja, deels, nee, not 'misschien'"),
        (["--thema", "geldzorgen", "--herkend", "ja", "--datum", "31-06-2024"],
         "error: not a date: '31-06-2024' (expected jjjj-mm-dd or dd-mm-jjjj)"),
    ],
    ids=["thema-bijna", "thema-onbekend", "herkend", "datum"],
)
def test_cli_bespreking_add_fout_geeft_1_en_schrijft_niets(cli, tmp_path, db, args, fout):
    datum = [] if "--datum" in args else ["--datum", "2024-06-12"]
    p = cli("bespreking", "add", "--wijk", WK_O, *datum, *args, "--db", db)
    assert p.returncode == 1
    assert _fouten(p.stderr) == [fout]
    assert not db.exists()


def test_cli_themes_check_onbekende_tags_eerst(cli, tmp_path):
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, TAGS_CHECK))
    p = cli("themes", "check", pad)
    assert p.returncode == 0, p.stderr
    assert "Tags in casuistiek.csv" in p.stdout
    assert _tabelrijen(p.stdout) == [
        ["geldzrgen", "3", "onbekend", "geldzorgen"],
        ["fietsdiefstal", "1", "onbekend", ""],
        ["Schulden", "3", "geldzorgen", ""],
        ["eenzaamheid", "1", "eenzaamheid", ""],
        ["GGZ", "1", "psychische_problemen", ""],
    ]
    assert _fouten(p.stderr) == ["5 distinct tags, 2 without a theme (they would load as onbekend:<tag>)"]


def test_cli_themes_check_met_taxonomie_van_de_gemeente(cli, tmp_path):
    extra = tmp_path / "taxonomie.yaml"
    extra.write_text("themas:\n  geldzorgen:\n    synoniemen: [geldzrgen]\n", encoding="utf-8")
    pad = schrijf(tmp_path, "casuistiek.csv", csv_bytes(KOP_CASUS, TAGS_CHECK))
    p = cli("themes", "check", pad, "--taxonomie", extra)
    assert p.returncode == 0, p.stderr
    assert _tabelrijen(p.stdout)[0] == ["fietsdiefstal", "1", "onbekend", ""]
    assert ["geldzrgen", "3", "geldzorgen", ""] in _tabelrijen(p.stdout)
    assert _fouten(p.stderr) == ["5 distinct tags, 1 without a theme (they would load as onbekend:<tag>)"]


def test_cli_themes_list_toont_de_18_themas(cli, tmp_path):
    p = cli("themes", "list")
    assert p.returncode == 0, p.stderr
    assert "Themes (taxonomy 2025.1)" in p.stdout
    keys = [r[0] for r in _tabelrijen(p.stdout) if r[0]]  # a wrapped cell continues on a line with an empty key
    assert keys == THEMAS_18
    rij = next(r for r in _tabelrijen(p.stdout) if r[0] == "geldzorgen")
    assert rij[1:3] == ["Geldzorgen en schulden", "Financiën"]

"""Personal data typed into free text never reaches the database.

An export's free-text columns (product, reden einde, a signal's toelichting, a wijkteam's name, a tag, an enquête
question, a kans's name, the bespreektafel's verklaring) may hold a BSN, an address, a birth date, a phone number or
an e-mail address. Each is masked by one rule (wp_maskeer, sql/macros/invoer.sql) before anything is written, and
meta.loads.masked says how many values were masked. The beschikkingnummer, an identifier, becomes a keyed HMAC.
Each test loads a small file and then looks for the personal values in every table and view of the database.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from wijkprofiel.db import connect, create_sql_functions, init_database
from wijkprofiel.ingest import pseudonymise as pseudoniem
from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
from wijkprofiel.ingest.rodedraden import bespreking_toevoegen, ingest_bron
from wijkprofiel.transform.build import build_marts

SLEUTEL = "test-sleutel-vrije-tekst-0123456789"
BSN, ADRES, DATUM, TELEFOON, EMAIL = "111222333", "3511 AB 12", "12-03-1985", "06-12345678", "j.jansen@example.nl"
PERSOONLIJK = (BSN, "111 222 333", "3511 AB", "3511AB", DATUM, "12 maart 1985", TELEFOON, "12345678", EMAIL, "jansen")
WK, BU = "WK034410", "BU03441013"


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


def schrijf(tmp_path: Path, naam: str, header: list[str], rows: list[list[str]]) -> Path:
    pad = tmp_path / naam
    pad.write_bytes(csv_bytes(header, rows))
    return pad


def gevonden(db: Path) -> list[tuple[str, str]]:
    """(relation, value) for every personal value found in any table or view of any schema."""
    treffers = []
    with duckdb.connect(str(db), read_only=True) as con:
        relaties = con.execute(
            """select schema_name || '.' || table_name from duckdb_tables() where database_name = current_database()
               union all
               select schema_name || '.' || view_name from duckdb_views() where database_name = current_database() and not internal"""
        ).fetchall()
        for (relatie,) in relaties:
            tekst = str(con.execute(f"select * from {relatie}").fetchall())
            treffers += [(relatie, w) for w in PERSOONLIJK if w in tekst]
    return treffers


def masked(db: Path, load_id: int) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select masked from meta.loads where load_id = ?", [load_id]).fetchone()[0]


# ------------------------------------------------------------------------------------------------ the rule


@pytest.mark.parametrize("tekst, verwacht", [
    ("BSN 111222333 verhuisd", "BSN [nummer] verhuisd"),
    ("bsn111222333", "bsn[nummer]"),
    ("bsn: 111 222 333.", "bsn: [nummer]."),
    ("1112.22.333", "[nummer]"),
    ("11222333", "[nummer]"),                      # Excel dropped the BSN's leading zero
    ("111222333,444555666;777888999", "[nummer],[nummer];[nummer]"),
    ("woont 3511 AB 12 sinds", "woont [adres] sinds"),
    ("3511AB 12a", "[adres]"),
    ("pc 3511ab", "pc [adres]"),
    ("geboren 12-03-1985", "geboren [datum]"),
    ("1985-03-12", "[datum]"),
    ("12/3/85", "[datum]"),
    ("12 maart 1985", "[datum]"),
    ("bel 06-12345678", "bel [telefoon]"),
    ("+31 6 12345678", "[telefoon]"),
    ("030-1234567", "[telefoon]"),
    ("tel. 030 123 45 67", "tel. [telefoon]"),
    ("mail j.jansen@example.nl", "mail [e-mail]"),
    # ordinary text stays as it is
    ("Hulp bij het huishouden 2 uur/week", "Hulp bij het huishouden 2 uur/week"),
    ("Begeleiding individueel – Wmo 2015 art. 2.3.5", "Begeleiding individueel – Wmo 2015 art. 2.3.5"),
    ("in 2024 na overleg beëindigd", "in 2024 na overleg beëindigd"),
    ("periode 2023-2024, kwartaal 2024-K3, 12-2024", "periode 2023-2024, kwartaal 2024-K3, 12-2024"),
    ("jaren 2019 2020", "jaren 2019 2020"),
    ("€ 1.234.567", "€ 1.234.567"),
])  # fmt: skip
def test_wp_maskeer(tekst, verwacht):
    con = duckdb.connect()
    create_sql_functions(con)
    assert con.execute("select wp_maskeer(?)", [tekst]).fetchone()[0] == verwacht


# ------------------------------------------------------------------------------------------------ every source


def test_beschikkingen_product_reden_einde_en_beschikkingnummer(tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    header = ["BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Beschikkingnummer", "Reden einde"]
    pad = schrijf(tmp_path, "export.csv", header, [
        ["111222333", "Wmo", "02", f"Begeleiding voor {BSN}, {ADRES}", "01-01-2024", "01-06-2024", BSN,
         f"Verhuisd, geb. {DATUM}, bel {TELEFOON} of {EMAIL}"],
        ["111222333", "Wmo", "01", "Hulp bij het huishouden", "01-01-2024", "", "B-2", "Overleden"],
    ])
    r = ingest_beschikkingen(db, pad, sleutel=SLEUTEL)
    assert (r.rows_in, r.loaded, r.quarantined, r.masked) == (2, 2, 0, 2)
    assert masked(db, r.load_id) == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select voorziening, reden_einde, beschikking_id from raw.beschikkingen order by bron_rij").fetchall() == [
            ("Begeleiding voor [nummer], [adres]", "Verhuisd, geb. [datum], bel [telefoon] of [e-mail]",
             pseudoniem.hmac_hex(SLEUTEL.encode(), BSN)),
            ("Hulp bij het huishouden", "Overleden", pseudoniem.hmac_hex(SLEUTEL.encode(), "B-2")),
        ]
    build_marts(db)
    assert gevonden(db) == []


def test_signalen_toelichting_en_onbekend_thema(tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    pad = schrijf(tmp_path, "signalen.csv", ["bron", "periode", "wijkcode", "thema", "aantal", "toelichting", "publiceerbaar"], [
        ["huisarts", "2024-K1", WK, "eenzaamheid", "4", f"Mevrouw op {ADRES} ({TELEFOON}) belt vaak", "ja"],
        ["wijkagent", "2024-K1", WK, f"melding {BSN}", "1", f"Zie {EMAIL}", "nee"],
        ["poh", "2024-K1", WK, "eenzaamheid", "2", "Meer vragen over vervoer", "ja"],
    ])
    r = ingest_bron(db, "signalen", pad)
    assert (r.loaded, r.masked) == (3, 3)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select thema, toelichting from raw.signalen order by bron_rij").fetchall() == [
            ("eenzaamheid", "Mevrouw op [adres] ([telefoon]) belt vaak"),
            ("onbekend:melding [nummer]", "Zie [e-mail]"),
            ("eenzaamheid", "Meer vragen over vervoer"),
        ]
        assert con.execute("select tag from meta.unmapped_tags").fetchall() == [("melding [nummer]",)]
    build_marts(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert "Mevrouw op [adres] ([telefoon]) belt vaak" in str(con.execute("from intermediate.signalen_per_wijk").fetchall())
    assert gevonden(db) == []


def test_casuistiek_wijkteam_en_tags(tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    pad = schrijf(tmp_path, "casuistiek.csv", ["Casusnummer", "Wijkteam", "Registratiedatum", "Buurtcode", "Themas"], [
        ["C-1", f"Wijkteam Noord, {TELEFOON}", "01-03-2024", BU, f"eenzaamheid; geboren 12/3/85; {BSN}"],
        ["C-2", "Wijkteam Noord", "01-03-2024", BU, "geldzorgen"],
    ])
    r = ingest_bron(db, "casuistiek", pad, sleutel=SLEUTEL)
    assert (r.loaded, r.masked) == (2, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select wijkteam, thema from raw.casuistiek order by bron_rij, thema").fetchall() == [
            ("Wijkteam Noord, [telefoon]", "eenzaamheid"),
            ("Wijkteam Noord, [telefoon]", "onbekend:[nummer]"),
            ("Wijkteam Noord, [telefoon]", "onbekend:geboren [datum]"),
            ("Wijkteam Noord", "geldzorgen"),
        ]
    assert gevonden(db) == []


def test_enquete_kansen_en_besprekingen(tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    enquete = schrijf(tmp_path, "enquete.csv", ["wijkcode", "vraag", "thema", "percentage", "n"], [
        [WK, f"Kent u {EMAIL}?", "eenzaamheid", "12.5", "80"]])
    kansen = schrijf(tmp_path, "kansen.csv", ["naam", "soort", "themas", "buurtcode", "contact"], [
        [f"Buurthuis, vraag naar Jan ({TELEFOON})", "buurthuis", "eenzaamheid", BU, "info@buurthuis.example"],
        ["Inloop", "inloop", "eenzaamheid", BU, f"Jan, bsn {BSN}, {TELEFOON}"]])
    besprekingen = schrijf(tmp_path, "bespreking.csv", ["wijkcode", "datum", "thema", "herkend", "verklaring", "actie",
                                                         "eigenaar", "wanneer"], [
        [WK, "2024-06-10", "eenzaamheid", "ja", f"Vooral bij {ADRES}", f"Bellen met {TELEFOON}", f"Jan, {EMAIL}", "2024-09-01"],
        [WK, "2024-06-10", "geldzorgen", "ja", None, None, None, DATUM]])
    assert ingest_bron(db, "enquete", enquete).masked == 1
    assert ingest_bron(db, "kansen", kansen).masked == 2
    assert ingest_bron(db, "besprekingen", besprekingen).masked == 4
    load_id = bespreking_toevoegen(db, wijkcode=WK, datum=date(2024, 6, 11), thema="eenzaamheid", herkend="deels",
                                   verklaring=f"BSN {BSN} genoemd", actie="Huisbezoek", wanneer="2024-10-01")
    assert masked(db, load_id) == 1
    load_id = bespreking_toevoegen(db, wijkcode=WK, datum=date(2024, 6, 12), thema="eenzaamheid", herkend="ja",
                                   wanneer=DATUM)  # a birth date where the action's date belongs
    assert masked(db, load_id) == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select vraag from raw.signalen").fetchall() == [("Kent u [e-mail]?",)]
        # a kans's contact is how to reach a facility, meant to be published: kept when it holds nothing but a
        # phone number or an e-mail address, masked when it also holds a number (a BSN), an address or a date
        assert con.execute("select naam, contact from raw.kansen order by bron_rij").fetchall() == [
            ("Buurthuis, vraag naar Jan ([telefoon])", "info@buurthuis.example"),
            ("Inloop", "Jan, bsn [nummer], [telefoon]"),
        ]
        # wanneer: the date of the action is kept, a birth date is not
        assert con.execute("select verklaring, actie, eigenaar, wanneer from raw.besprekingen order by datum, thema").fetchall() == [
            ("Vooral bij [adres]", "Bellen met [telefoon]", "Jan, [e-mail]", "2024-09-01"),
            (None, None, None, "[datum]"),
            ("BSN [nummer] genoemd", "Huisbezoek", None, "2024-10-01"),
            (None, None, None, "[datum]"),
        ]
    assert gevonden(db) == []


# ------------------------------------------------------------------------------------------------ an older database


def test_een_oudere_database_krijgt_masked_en_blijft_te_openen_na_een_crash(tmp_path):
    """meta.loads of a database made before `masked` existed gets the column (0 for its loads) and its comment;
    the ALTER is checkpointed at once, because DuckDB 1.4 cannot replay it from the WAL after a crash."""
    db = tmp_path / "oud.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema meta")
        con.execute("create sequence meta.load_id_seq start 1")
        con.execute(
            """create table meta.loads (load_id integer primary key default nextval('meta.load_id_seq'), bron varchar not null,
               bestand varchar not null, sha256 varchar not null, tabel_id varchar, gemeente varchar, jaar integer,
               via varchar not null, opgehaald_op timestamp, rows_in bigint not null, loaded bigint not null,
               quarantined bigint not null, geladen_op timestamp not null default current_timestamp, toelichting varchar)"""
        )
        con.execute("comment on table meta.loads is 'Every load (an older text).'")
        con.execute("insert into meta.loads (bron, bestand, sha256, via, rows_in, loaded, quarantined) values ('x', 'f', 's', 'bestand', 1, 1, 0)")
    # initialise in a process that then dies without closing the database (no checkpoint on close)
    code = ("import os, sys; from wijkprofiel.db import connect, init_database; con = connect(sys.argv[1]); "
            "init_database(con); os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    con = connect(db)
    try:
        assert con.execute("select bron, masked from meta.loads").fetchall() == [("x", 0)]
        assert "masked (" in con.execute(
            "select comment from duckdb_tables() where schema_name = 'meta' and table_name = 'loads'").fetchone()[0]
        init_database(con)  # and again: nothing left to add
    finally:
        con.close()


def test_quarantaine_toont_een_e_mailadres_alleen_als_vorm(tmp_path):
    """A value shown in meta.quarantine (an unknown partner, here) is shown as its shape when the masking rule
    finds personal data in it, as a BSN or a date already was."""
    db = tmp_path / "wijkprofiel.duckdb"
    pad = schrijf(tmp_path, "signalen.csv", ["bron", "periode", "wijkcode", "thema", "aantal"], [
        [EMAIL, "2024-K1", WK, "eenzaamheid", "4"]])
    r = ingest_bron(db, "signalen", pad)
    assert r.quarantined == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select kolom, waarde_gemaskeerd from meta.quarantine").fetchall() == [("bron", "X.XXXXXX@XXXXXXX.XX")]
    assert gevonden(db) == []

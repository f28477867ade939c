"""Every SQL model on a handful of hand-written input rows, compared with an exact expected output.

Each test builds a fresh DuckDB file: init_database, rows in meta.loads / raw.cbs_kwb / raw.cbs_grenzen /
raw.cbs_variabelen, then the real models from sql/ (run_models, or build_marts where the packaged catalogue
matters), then one query on the model under test. The names say the rule.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from modeltest import bouw, kolommen, laad, rijen

from wijkprofiel.db import connect, init_database, split_statements
from wijkprofiel.transform.build import bouw_modellen, build_graph, build_marts, ververs_indicator_catalogus

#: CBS source mapping rows with labels that differ from the catalogue's: marts take labels from the catalogue.
CATALOGUS = [
    ("inwoners", "Inwoners (testlabel)", "aantal-test", "a_inw", True),
    ("inwoners_65_plus", "65-plussers (testlabel)", "aantal-test", "a_65_oo", True),
    ("huishoudens", "Huishoudens (testlabel)", "aantal-test", "a_hh", True),
]

AFGELEID = ["aandeel_0_14", "aandeel_65_plus", "aandeel_eenpersoonshuishoudens", "bijstand_per_1000_inwoners"]

#: Every SQL model, in dependency order (the build adds pub.openbaarmaking, written by transform/disclosure.py).
MODELLEN = [
    "staging.beschikkingen", "staging.besprekingen", "staging.casuistiek", "staging.cbs_grenzen", "staging.cbs_kwb",
    "staging.kansen", "staging.signalen",
    "intermediate.beschikking_perioden", "intermediate.beschikkingen_per_periode", "intermediate.beschikking_aantallen",
    "intermediate.casuistiek_themas", "intermediate.cbs_gebieden", "intermediate.cbs_waarden",
    "intermediate.thema_aantallen", "intermediate.verhoudingen", "intermediate.indicator_basis", "intermediate.signalen_per_wijk",
    "marts.indicator_waarden", "marts.gebied_grenzen",
    "marts.kansen_per_wijk", "marts.laatste_bespreking", "marts.thema_combinaties", "marts.vergelijkbare_wijken",
    "pub.besprekingen", "pub.bronnen", "pub.gebied_grenzen", "pub.indicator_waarden", "pub.kansen",
    "pub.rode_draden_bewijs", "pub.rode_draden",  # after disclosure control: they read published values
    "pub.themas", "pub.vergelijkbare_wijken",
]  # fmt: skip
#: Python models, nodes of the same graph (placement by coordinates, disclosure control, the wide profiles).
PYTHON_STAPPEN = ["intermediate.kansen_op_de_kaart", "pub.openbaarmaking", "marts.profielen"]


# ------------------------------------------------------------------------------------------------ helpers


#: A meta.loads row of the CBS KWB file of 2023 unless a test says otherwise.
laad = partial(laad, jaar=2023, tabel_id="85618NED", bestand="/data/cbs/kwb.xlsx")


def kwb(con, load_id: int, rows) -> None:
    """raw.cbs_kwb rows for one load: (code, indicator, waarde) or (code, indicator, waarde, naam, ind_wbi)."""
    tabel_id, jaar = con.execute("select tabel_id, jaar from meta.loads where load_id = ?", [load_id]).fetchone()
    records = []
    for row in rows:
        code, indicator, waarde, naam, wbi = (tuple(row) + (None, None))[:5]
        records.append([load_id, tabel_id, jaar, code, naam, wbi, indicator, waarde])
    con.executemany("insert into raw.cbs_kwb values (?, ?, ?, ?, ?, ?, ?, ?)", records)


def grens(con, load_id: int, jaar: int, niveau: str, code: str, naam: str | None, geometrie: bytes = b"\x01") -> None:
    con.execute("insert into raw.cbs_grenzen values (?, ?, ?, ?, ?, ?)", [load_id, jaar, niveau, code, naam, geometrie])


def catalogus(con, rows=CATALOGUS) -> None:
    con.executemany("insert into raw.cbs_variabelen values (?, ?, ?, ?, ?)", rows)


# ------------------------------------------------------------------------------------------ staging.cbs_kwb


def test_staging_kwb_onbekend_en_geheim_worden_null_nooit_nul(con):
    load = laad(con)
    kwb(
        con,
        load,
        [
            ("GM0344", "a_punt", "."),
            ("GM0344", "b_leeg", ""),
            ("GM0344", "c_null", None),
            ("GM0344", "d_spaties", "   "),
            ("GM0344", "e_komma", "0,7"),
            ("GM0344", "f_decimale_punt", "1.9"),
            ("GM0344", "g_geheim_99997", "-99997"),
            ("GM0344", "h_geheim_99998", "-99998"),
            ("GM0344", "i_geheim_99999997", "-99999997"),
            ("GM0344", "j_geheim_99999999", "-99999999"),
            ("GM0344", "k_nul", "0"),
            ("GM0344", "l_geheel", " 367947 "),
            ("GM0344", "m_negatief", "-3"),
            ("GM0344", "n_streep", "-"),
            ("GM0344", "o_x", "x"),
        ],
    )
    bouw(con, "staging.cbs_kwb")
    assert rijen(con, "select indicator, waarde from staging.cbs_kwb order by indicator") == [
        ("a_punt", None),
        ("b_leeg", None),
        ("c_null", None),
        ("d_spaties", None),
        ("e_komma", 0.7),
        ("f_decimale_punt", 1.9),
        ("g_geheim_99997", None),
        ("h_geheim_99998", None),
        ("i_geheim_99999997", None),
        ("j_geheim_99999999", None),
        ("k_nul", 0.0),
        ("l_geheel", 367947.0),
        ("m_negatief", -3.0),
        ("n_streep", None),
        ("o_x", None),
    ]
    assert rijen(con, "select typeof(waarde) from staging.cbs_kwb limit 1") == [("DOUBLE",)]


def test_staging_kwb_codes_getrimd_met_niveau_en_ouder_uit_prefix(con):
    load = laad(con)
    kwb(
        con,
        load,
        [
            ("GM0344", "inwoners", "1", "Utrecht", "1"),
            ("  WK034401  ", "inwoners", "1", "  Wijk 01 West ", "."),
            ("BU03440111", "inwoners", "1", "   ", " 2 "),
            ("GM0363", "inwoners", "1", "Amsterdam", None),
            ("WK0363AA", "inwoners", "1", "Burgwallen-Oude Zijde", "1"),
            ("BU0363AD07", "inwoners", "1", None, "1"),
        ],
    )
    bouw(con, "staging.cbs_kwb")
    assert rijen(
        con,
        """select gebied_code, gebied_niveau, ouder_code, gemeente_code, gebied_naam, ind_wbi
           from staging.cbs_kwb order by gebied_code""",
    ) == [
        ("BU03440111", "buurt", "WK034401", "GM0344", None, 2),
        ("BU0363AD07", "buurt", "WK0363AD", "GM0363", None, 1),
        ("GM0344", "gemeente", None, "GM0344", "Utrecht", 1),
        ("GM0363", "gemeente", None, "GM0363", "Amsterdam", None),
        ("WK034401", "wijk", "GM0344", "GM0344", "Wijk 01 West", None),
        ("WK0363AA", "wijk", "GM0363", "GM0363", "Burgwallen-Oude Zijde", 1),
    ]
    # Codes stay text (Amsterdam's WK0363AA would not survive a cast to a number).
    assert {t for (t,) in rijen(con, "select distinct typeof(gebied_code) from staging.cbs_kwb")} == {"VARCHAR"}


def test_staging_kwb_neemt_load_tabel_en_jaar_over(con):
    load = laad(con, jaar=2024, tabel_id="85984NED")
    kwb(con, load, [("GM0344", "inwoners", "374238")])
    bouw(con, "staging.cbs_kwb")
    assert rijen(con, "select load_id, tabel_id, jaar, gebied_code, indicator, waarde from staging.cbs_kwb") == [
        (load, "85984NED", 2024, "GM0344", "inwoners", 374238.0)
    ]


# --------------------------------------------------------------------------------- intermediate.cbs_waarden


def test_cbs_waarden_later_release_vult_aan_en_bekend_wint(con):
    vroeg = laad(con, jaar=2023)
    later = laad(con, jaar=2023)
    ander_jaar = laad(con, jaar=2024, tabel_id="85984NED")
    kwb(
        con,
        vroeg,
        [
            ("GM0344", "inwoners", "367947"),  # later release: '.'  → the earlier known value stays
            ("GM0344", "wmo_clienten", "."),  # later release fills it
            ("GM0344", "huishoudens", "187640"),  # later release has no row for it → stays
            ("GM0344", "woz", "458"),  # later release has another known value → the latest wins
            ("GM0344", "geheim", "."),  # unknown in both → NULL, from the latest load
            ("WK034401", "inwoners", "29040"),
        ],
    )
    kwb(
        con,
        later,
        [
            ("GM0344", "inwoners", "."),
            ("GM0344", "wmo_clienten", "19810"),
            ("GM0344", "woz", "460"),
            ("GM0344", "geheim", None),
            ("WK034401", "inwoners", "-99997"),  # a secret code is unknown, too
        ],
    )
    kwb(con, ander_jaar, [("GM0344", "inwoners", "374238")])  # another year never overrides 2023
    bouw(con, "intermediate.cbs_waarden")
    assert rijen(
        con,
        """select gebied_code, jaar, indicator, waarde, tabel_id, release_load_id
           from intermediate.cbs_waarden order by jaar, gebied_code, indicator""",
    ) == [
        ("GM0344", 2023, "geheim", None, "85618NED", later),
        ("GM0344", 2023, "huishoudens", 187640.0, "85618NED", vroeg),
        ("GM0344", 2023, "inwoners", 367947.0, "85618NED", vroeg),
        ("GM0344", 2023, "wmo_clienten", 19810.0, "85618NED", later),
        ("GM0344", 2023, "woz", 460.0, "85618NED", later),
        ("WK034401", 2023, "inwoners", 29040.0, "85618NED", vroeg),
        ("GM0344", 2024, "inwoners", 374238.0, "85984NED", ander_jaar),
    ]


def test_cbs_waarden_hoogste_load_id_wint_niet_de_invoervolgorde(con):
    eerste = laad(con)
    tweede = laad(con)
    # The later load's rows are inserted first: only load_id decides.
    kwb(con, tweede, [("GM0344", "inwoners", "2")])
    kwb(con, eerste, [("GM0344", "inwoners", "1")])
    bouw(con, "intermediate.cbs_waarden")
    assert rijen(con, "select waarde, release_load_id from intermediate.cbs_waarden") == [(2.0, tweede)]


def test_cbs_waarden_een_rij_per_gebied_jaar_indicator(con):
    for _ in range(3):
        load = laad(con)
        kwb(con, load, [("GM0344", "inwoners", "1"), ("GM0344", "huishoudens", "."), ("WK034401", "inwoners", "2")])
    bouw(con, "intermediate.cbs_waarden")
    assert rijen(
        con,
        """select count(*), count(distinct (gebied_code, jaar, indicator)) from intermediate.cbs_waarden""",
    ) == [(3, 3)]


# -------------------------------------------------------------------------------- intermediate.cbs_gebieden


def test_cbs_gebieden_naam_uit_laatste_release_met_naam(con):
    vroeg = laad(con)
    later = laad(con)
    kwb(
        con,
        vroeg,
        [
            ("GM0344", "inwoners", "1", "Utrecht", "1"),
            ("GM0344", "huishoudens", "1", "Utrecht", "1"),
            ("WK034401", "inwoners", "1", "Wijk 01 West", "1"),
            ("BU03440111", "inwoners", "1", "Oude naam", "1"),
        ],
    )
    kwb(
        con,
        later,
        [
            # The later release has no name or ind_wbi column: the earlier name stays.
            ("GM0344", "inwoners", "2"),
            ("GM0344", "huishoudens", "2"),
            ("WK034401", "inwoners", "2", None, None),
            # A later release with a name wins.
            ("BU03440111", "inwoners", "2", "Welgelegen, Den Hommel", "2"),
            # An area only in the later release, without a name.
            ("BU03440112", "inwoners", "2"),
        ],
    )
    bouw(con, "intermediate.cbs_gebieden")
    assert rijen(
        con,
        """select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, gebied_naam, ind_wbi
           from intermediate.cbs_gebieden order by gebied_code""",
    ) == [
        ("BU03440111", "buurt", "WK034401", "GM0344", 2023, "Welgelegen, Den Hommel", 2),
        ("BU03440112", "buurt", "WK034401", "GM0344", 2023, None, None),
        ("GM0344", "gemeente", None, "GM0344", 2023, "Utrecht", 1),
        ("WK034401", "wijk", "GM0344", "GM0344", 2023, "Wijk 01 West", 1),
    ]


def test_cbs_gebieden_per_jaar(con):
    j2023 = laad(con, jaar=2023)
    j2024 = laad(con, jaar=2024, tabel_id="85984NED")
    kwb(con, j2023, [("WK034401", "inwoners", "1", "Wijk 01 West")])
    kwb(con, j2024, [("WK034401", "inwoners", "1", "West")])
    bouw(con, "intermediate.cbs_gebieden")
    assert rijen(con, "select gebied_code, jaar, gebied_naam from intermediate.cbs_gebieden order by jaar") == [
        ("WK034401", 2023, "Wijk 01 West"),
        ("WK034401", 2024, "West"),
    ]


# ------------------------------------------------------------------------------- intermediate.verhoudingen


def test_verhoudingen_aandeel_65_plus_afgerond_en_null_bij_deling_door_nul(con):
    load = laad(con)
    kwb(
        con,
        load,
        [
            ("GM0344", "inwoners", "200"),
            ("GM0344", "inwoners_65_plus", "30"),  # 15.0
            ("WK034401", "inwoners", "3"),
            ("WK034401", "inwoners_65_plus", "1"),  # 33.333… → 33.3
            ("WK034402", "inwoners", "0"),
            ("WK034402", "inwoners_65_plus", "0"),  # division by zero → NULL, not an error, not 0
            ("BU03440111", "inwoners", "300"),
            ("BU03440111", "inwoners_65_plus", "."),  # unknown input → NULL
            ("BU03440112", "inwoners", "."),
            ("BU03440112", "inwoners_65_plus", "5"),  # unknown denominator → NULL
            ("BU03440113", "inwoners", "1000"),
            ("BU03440113", "inwoners_65_plus", "0"),  # a real 0 stays 0
            ("BU03440114", "inwoners", "8"),
            ("BU03440114", "inwoners_65_plus", "1"),  # 12.5 exactly
        ],
    )
    bouw(con, "intermediate.verhoudingen")
    assert rijen(
        con,
        """select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, waarde, tabel_id, release_load_id
           from intermediate.verhoudingen where indicator = 'aandeel_65_plus' order by gebied_code""",
    ) == [
        ("BU03440111", "buurt", "WK034401", "GM0344", 2023, None, "85618NED", load),
        ("BU03440112", "buurt", "WK034401", "GM0344", 2023, None, "85618NED", load),
        ("BU03440113", "buurt", "WK034401", "GM0344", 2023, 0.0, "85618NED", load),
        ("BU03440114", "buurt", "WK034401", "GM0344", 2023, 12.5, "85618NED", load),
        ("GM0344", "gemeente", None, "GM0344", 2023, 15.0, "85618NED", load),
        ("WK034401", "wijk", "GM0344", "GM0344", 2023, 33.3, "85618NED", load),
        ("WK034402", "wijk", "GM0344", "GM0344", 2023, None, "85618NED", load),
    ]


def test_verhoudingen_alle_vier_aandelen(con):
    load = laad(con)
    kwb(
        con,
        load,
        [
            ("GM0344", "inwoners", "367947"),
            ("GM0344", "inwoners_0_14", "59655"),
            ("GM0344", "inwoners_65_plus", "39373"),
            ("GM0344", "huishoudens", "187640"),
            ("GM0344", "eenpersoonshuishoudens", "95359"),
            ("GM0344", "personen_bijstand", "10410"),
            ("WK034401", "huishoudens", "0"),
            ("WK034401", "eenpersoonshuishoudens", "0"),
        ],
    )
    bouw(con, "intermediate.verhoudingen")
    assert rijen(
        con, "select gebied_code, indicator, waarde from intermediate.verhoudingen order by gebied_code, indicator"
    ) == [
        ("GM0344", "aandeel_0_14", 16.2),  # 59655 / 367947 = 16.21 %
        ("GM0344", "aandeel_65_plus", 10.7),  # 39373 / 367947 = 10.70 %
        ("GM0344", "aandeel_eenpersoonshuishoudens", 50.8),  # 95359 / 187640 = 50.82 %
        ("GM0344", "bijstand_per_1000_inwoners", 28.3),  # 10410 / 367.947 = 28.29
        # a ratio exists where its teller does: WK034401 has only households, so only that share (0 / 0)
        ("WK034401", "aandeel_eenpersoonshuishoudens", None),
    ]


def test_verhoudingen_release_load_id_volgt_de_eigen_invoer(con):
    vroeg = laad(con)
    later = laad(con)
    kwb(con, vroeg, [("GM0344", "inwoners", "200"), ("GM0344", "inwoners_65_plus", "30"), ("GM0344", "wmo_clienten", ".")])
    kwb(con, later, [("GM0344", "wmo_clienten", "19810")])
    bouw(con, "intermediate.verhoudingen")
    assert rijen(
        con, "select waarde, release_load_id from intermediate.verhoudingen where indicator = 'aandeel_65_plus'"
    ) == [(15.0, vroeg)]


# --------------------------------------------------------------------------------- marts.indicator_waarden


def _klein(con) -> dict[str, int]:
    """Two years of a gemeente, two wijken and two buurten, plus 2024 boundaries with names."""
    catalogus(con)
    j2023 = laad(con, jaar=2023, tabel_id="85618NED")
    j2024 = laad(con, jaar=2024, tabel_id="85984NED")
    grenzen = laad(con, "grenzen", jaar=2024, tabel_id="buurt/wijk")
    kwb(
        con,
        j2023,
        [
            ("GM0344", "inwoners", "200", "Utrecht", "1"),
            ("GM0344", "inwoners_65_plus", "30", "Utrecht", "1"),
            ("WK034401", "inwoners", "100", "Wijk 01 West", "1"),
            ("WK034401", "inwoners_65_plus", ".", "Wijk 01 West", "1"),
            ("WK034402", "inwoners", "100", "Wijk 02 Noordwest", "1"),
            ("WK034402", "inwoners_65_plus", "0", "Wijk 02 Noordwest", "1"),
            # No name in the KWB file: the boundary name, then the code.
            ("BU03440111", "inwoners", "0"),
            ("BU03440111", "inwoners_65_plus", "0"),
            ("BU03440112", "inwoners", "40"),
            ("BU03440112", "onbekende_indicator", "7"),
        ],
    )
    kwb(
        con,
        j2024,
        [
            ("GM0344", "inwoners", "210", "Utrecht", "1"),
            ("GM0344", "inwoners_65_plus", "42", "Utrecht", "1"),
            ("WK034401", "inwoners", "110", "Wijk 01 West", "1"),
            ("WK034401", "inwoners_65_plus", "11", "Wijk 01 West", "1"),
            ("BU03440111", "inwoners", "-99997"),
        ],
    )
    grens(con, grenzen, 2024, "buurt", "BU03440111", "Welgelegen, Den Hommel")
    grens(con, grenzen, 2024, "wijk", "WK034401", "West (grensnaam)")  # the KWB name wins over this one
    return {"j2023": j2023, "j2024": j2024, "grenzen": grenzen}


def test_indicator_waarden_label_eenheid_en_naamterugval(con):
    loads = _klein(con)
    bouw(con, "marts.indicator_waarden")
    # Label and unit come from the one indicator catalogue (raw.indicator_catalogus), not from the test's
    # raw.cbs_variabelen, which only maps CBS's column names.
    j2023, j2024 = loads["j2023"], loads["j2024"]
    assert rijen(
        con,
        """select gebied_code, gebied_niveau, gebied_naam, ouder_code, gemeente_code, jaar, indicator, label, waarde,
                  eenheid, bron, tabel_id, release_load_id, ind_wbi
           from marts.indicator_waarden
           where indicator in ('inwoners', 'inwoners_65_plus', 'onbekende_indicator')
           order by jaar, gebied_code, indicator""",
    ) == [
        ("BU03440111", "buurt", "Welgelegen, Den Hommel", "WK034401", "GM0344", 2023, "inwoners", "Aantal inwoners", 0.0, "aantal", "cbs", "85618NED", j2023, None),
        ("BU03440111", "buurt", "Welgelegen, Den Hommel", "WK034401", "GM0344", 2023, "inwoners_65_plus", "Inwoners 65 jaar of ouder", 0.0, "aantal", "cbs", "85618NED", j2023, None),
        ("BU03440112", "buurt", "BU03440112", "WK034401", "GM0344", 2023, "inwoners", "Aantal inwoners", 40.0, "aantal", "cbs", "85618NED", j2023, None),
        ("BU03440112", "buurt", "BU03440112", "WK034401", "GM0344", 2023, "onbekende_indicator", None, 7.0, None, "cbs", "85618NED", j2023, None),
        ("GM0344", "gemeente", "Utrecht", None, "GM0344", 2023, "inwoners", "Aantal inwoners", 200.0, "aantal", "cbs", "85618NED", j2023, 1),
        ("GM0344", "gemeente", "Utrecht", None, "GM0344", 2023, "inwoners_65_plus", "Inwoners 65 jaar of ouder", 30.0, "aantal", "cbs", "85618NED", j2023, 1),
        ("WK034401", "wijk", "Wijk 01 West", "GM0344", "GM0344", 2023, "inwoners", "Aantal inwoners", 100.0, "aantal", "cbs", "85618NED", j2023, 1),
        ("WK034401", "wijk", "Wijk 01 West", "GM0344", "GM0344", 2023, "inwoners_65_plus", "Inwoners 65 jaar of ouder", None, "aantal", "cbs", "85618NED", j2023, 1),
        ("WK034402", "wijk", "Wijk 02 Noordwest", "GM0344", "GM0344", 2023, "inwoners", "Aantal inwoners", 100.0, "aantal", "cbs", "85618NED", j2023, 1),
        ("WK034402", "wijk", "Wijk 02 Noordwest", "GM0344", "GM0344", 2023, "inwoners_65_plus", "Inwoners 65 jaar of ouder", 0.0, "aantal", "cbs", "85618NED", j2023, 1),
        ("BU03440111", "buurt", "Welgelegen, Den Hommel", "WK034401", "GM0344", 2024, "inwoners", "Aantal inwoners", None, "aantal", "cbs", "85984NED", j2024, None),
        ("GM0344", "gemeente", "Utrecht", None, "GM0344", 2024, "inwoners", "Aantal inwoners", 210.0, "aantal", "cbs", "85984NED", j2024, 1),
        ("GM0344", "gemeente", "Utrecht", None, "GM0344", 2024, "inwoners_65_plus", "Inwoners 65 jaar of ouder", 42.0, "aantal", "cbs", "85984NED", j2024, 1),
        ("WK034401", "wijk", "Wijk 01 West", "GM0344", "GM0344", 2024, "inwoners", "Aantal inwoners", 110.0, "aantal", "cbs", "85984NED", j2024, 1),
        ("WK034401", "wijk", "Wijk 01 West", "GM0344", "GM0344", 2024, "inwoners_65_plus", "Inwoners 65 jaar of ouder", 11.0, "aantal", "cbs", "85984NED", j2024, 1),
    ]  # fmt: skip


def test_indicator_waarden_afgeleide_aandelen_met_eigen_label(con):
    _klein(con)
    bouw(con, "marts.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, jaar, label, waarde, eenheid from marts.indicator_waarden
           where indicator = 'aandeel_65_plus' order by jaar, gebied_code""",
    ) == [
        ("BU03440111", 2023, "Aandeel inwoners van 65 jaar of ouder", None, "%"),  # 0 / 0
        # BU03440112 2023 has no inwoners_65_plus row (the teller is absent): no ratio row either.
        ("GM0344", 2023, "Aandeel inwoners van 65 jaar of ouder", 15.0, "%"),
        ("WK034401", 2023, "Aandeel inwoners van 65 jaar of ouder", None, "%"),  # teller '.'
        ("WK034402", 2023, "Aandeel inwoners van 65 jaar of ouder", 0.0, "%"),
        # BU03440111 2024 has inwoners only: no row.
        ("GM0344", 2024, "Aandeel inwoners van 65 jaar of ouder", 20.0, "%"),
        ("WK034401", 2024, "Aandeel inwoners van 65 jaar of ouder", 10.0, "%"),
    ]
    # The ratio's own inputs and its disclosure class travel with it; CBS cells have neither teller nor noemer.
    assert rijen(
        con,
        """select gebied_code, jaar, bron, openbaarmaking, teller, noemer from marts.indicator_waarden
           where indicator = 'aandeel_65_plus' order by jaar, gebied_code""",
    ) == [
        ("BU03440111", 2023, "cbs", "verhouding", 0.0, 0.0),
        ("GM0344", 2023, "cbs", "verhouding", 30.0, 200.0),
        ("WK034401", 2023, "cbs", "verhouding", None, 100.0),
        ("WK034402", 2023, "cbs", "verhouding", 0.0, 100.0),
        ("GM0344", 2024, "cbs", "verhouding", 42.0, 210.0),
        ("WK034401", 2024, "cbs", "verhouding", 11.0, 110.0),
    ]
    assert rijen(
        con,
        """select distinct bron, openbaarmaking, teller, noemer from marts.indicator_waarden
           where indicator in ('inwoners', 'inwoners_65_plus', 'onbekende_indicator') order by openbaarmaking""",
    ) == [("cbs", "aantal_personen", None, None), ("cbs", None, None, None)]  # onbekende_indicator is in no catalogue
    # Only aandeel_65_plus has its teller in these rows: six derived rows next to the 15 CBS rows.
    assert rijen(con, "select count(*) from marts.indicator_waarden") == [(15 + 6,)]
    assert rijen(
        con, "select count(*), count(distinct (gebied_code, jaar, indicator)) from marts.indicator_waarden"
    ) == [(21, 21)]


def test_indicator_waarden_labels_uit_de_verpakte_catalogus_via_build_marts(tmp_path):
    db = tmp_path / "build.duckdb"
    con = connect(db)
    init_database(con)
    catalogus(con, [("inwoners", "verouderd label", "verouderd", "a_inw", True)])  # build_marts replaces it
    load = laad(con)
    kwb(con, load, [("GM0344", "inwoners", "367947", "Utrecht", "1"), ("GM0344", "personen_bijstand", ".")])
    con.close()
    build_marts(db)
    con = connect(db, read_only=True)
    try:
        assert rijen(
            con,
            """select indicator, label, waarde, eenheid from marts.indicator_waarden
               where indicator in ('inwoners', 'personen_bijstand') order by indicator""",
        ) == [
            ("inwoners", "Aantal inwoners", 367947.0, "aantal"),
            ("personen_bijstand", "Personen met een bijstandsuitkering", None, "aantal"),
        ]
    finally:
        con.close()


# ------------------------------------------------------------------------------- marts.*_profiel (wide)

_ID_KOLOMMEN = ["gebied_code", "gebied_naam", "ouder_code", "gemeente_code", "jaar"]
# Only aandeel_65_plus has its teller (inwoners_65_plus) in _klein: the other shares get no column.
_WIDE = _ID_KOLOMMEN + ["aandeel_65_plus", "inwoners", "inwoners_65_plus"]


def test_wijk_profiel_een_rij_per_wijk_per_jaar(con):
    _klein(con)
    bouw(con, "marts.wijk_profiel")
    assert kolommen(con, "marts.wijk_profiel") == _WIDE
    assert rijen(con, "select * from marts.wijk_profiel order by jaar, gebied_code") == [
        ("WK034401", "Wijk 01 West", "GM0344", "GM0344", 2023, None, 100.0, None),
        ("WK034402", "Wijk 02 Noordwest", "GM0344", "GM0344", 2023, 0.0, 100.0, 0.0),
        ("WK034401", "Wijk 01 West", "GM0344", "GM0344", 2024, 10.0, 110.0, 11.0),
    ]


def test_buurt_profiel_een_rij_per_buurt_per_jaar(con):
    _klein(con)
    bouw(con, "marts.buurt_profiel")
    # Buurten have onbekende_indicator as well, so it becomes a column here (no label needed).
    assert kolommen(con, "marts.buurt_profiel") == _WIDE + ["onbekende_indicator"]
    assert rijen(con, "select * from marts.buurt_profiel order by jaar, gebied_code") == [
        ("BU03440111", "Welgelegen, Den Hommel", "WK034401", "GM0344", 2023, None, 0.0, 0.0, None),
        ("BU03440112", "BU03440112", "WK034401", "GM0344", 2023, None, 40.0, None, 7.0),
        ("BU03440111", "Welgelegen, Den Hommel", "WK034401", "GM0344", 2024, None, None, None, None),
    ]


def test_gemeente_profiel_een_rij_per_gemeente_per_jaar(con):
    _klein(con)
    bouw(con, "marts.gemeente_profiel")
    assert kolommen(con, "marts.gemeente_profiel") == _WIDE
    assert rijen(con, "select * from marts.gemeente_profiel order by jaar, gebied_code") == [
        ("GM0344", "Utrecht", None, "GM0344", 2023, 15.0, 200.0, 30.0),
        ("GM0344", "Utrecht", None, "GM0344", 2024, 20.0, 210.0, 42.0),
    ]


def test_profielen_op_demo_een_rij_per_gebied_per_jaar(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        for tabel, aantal in (("gemeente_profiel", 1), ("wijk_profiel", 10), ("buurt_profiel", 111)):
            assert rijen(
                con, f"select count(*), count(distinct (gebied_code, jaar)), count(distinct jaar) from marts.{tabel}"
            ) == [(2 * aantal, 2 * aantal, 2)], tabel
        assert rijen(
            con, "select jaar, inwoners, aandeel_65_plus from marts.wijk_profiel where gebied_code = 'WK034401' order by jaar"
        ) == [(2023, 29040.0, 9.8), (2024, 29710.0, 9.6)]
    finally:
        con.close()


# ----------------------------------------------------------------------------------- staging.cbs_grenzen


def test_staging_grenzen_laatste_load_per_gebied_wint(con):
    oud = laad(con, "grenzen", jaar=2024, tabel_id="buurt")
    nieuw = laad(con, "grenzen", jaar=2024, tabel_id="buurt")
    grens(con, nieuw, 2024, "buurt", "BU03440111", "Welgelegen, Den Hommel", b"nieuw")
    grens(con, oud, 2024, "buurt", "BU03440111", "Welgelegen", b"oud")
    grens(con, oud, 2024, "buurt", "BU03440112", "Alleen in de oude load", b"oud")  # stays: no newer row
    grens(con, oud, 2023, "buurt", "BU03440111", "Welgelegen 2023", b"2023")  # another year stays
    grens(con, nieuw, 2024, "wijk", "WK034401", "Wijk 01 West", b"wijk")
    bouw(con, "marts.gebied_grenzen", "staging.cbs_grenzen")
    assert rijen(
        con,
        """select jaar, gebied_niveau, gebied_code, gebied_naam, gemeente_code, geometrie, load_id
           from staging.cbs_grenzen order by jaar, gebied_code""",
    ) == [
        (2023, "buurt", "BU03440111", "Welgelegen 2023", "GM0344", b"2023", oud),
        (2024, "buurt", "BU03440111", "Welgelegen, Den Hommel", "GM0344", b"nieuw", nieuw),
        (2024, "buurt", "BU03440112", "Alleen in de oude load", "GM0344", b"oud", oud),
        (2024, "wijk", "WK034401", "Wijk 01 West", "GM0344", b"wijk", nieuw),
    ]
    assert rijen(
        con, "select jaar, gebied_code, gebied_naam, geometrie from marts.gebied_grenzen order by jaar, gebied_code"
    ) == [
        (2023, "BU03440111", "Welgelegen 2023", b"2023"),
        (2024, "BU03440111", "Welgelegen, Den Hommel", b"nieuw"),
        (2024, "BU03440112", "Alleen in de oude load", b"oud"),
        (2024, "WK034401", "Wijk 01 West", b"wijk"),
    ]


# ------------------------------------------------------------------------------------ pub.indicator_waarden


def test_pub_indicator_waarden_onderdrukt_precies_waar_waarde_null(con):
    _klein(con)
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden", "pub.openbaarmaking")
    assert rijen(
        con,
        """select gebied_code, jaar, indicator, waarde, onderdrukt, onderdrukt_reden from pub.indicator_waarden
           where indicator in ('inwoners', 'inwoners_65_plus') order by jaar, gebied_code, indicator""",
    ) == [
        ("BU03440111", 2023, "inwoners", 0.0, False, None),  # 0 is a value, not a hidden one
        ("BU03440111", 2023, "inwoners_65_plus", 0.0, False, None),
        ("BU03440112", 2023, "inwoners", 40.0, False, None),
        ("GM0344", 2023, "inwoners", 200.0, False, None),
        ("GM0344", 2023, "inwoners_65_plus", 30.0, False, None),
        ("WK034401", 2023, "inwoners", 100.0, False, None),
        ("WK034401", 2023, "inwoners_65_plus", None, True, "onbekend of geheim (CBS)"),
        ("WK034402", 2023, "inwoners", 100.0, False, None),
        ("WK034402", 2023, "inwoners_65_plus", 0.0, False, None),
        ("BU03440111", 2024, "inwoners", None, True, "onbekend of geheim (CBS)"),
        ("GM0344", 2024, "inwoners", 210.0, False, None),
        ("GM0344", 2024, "inwoners_65_plus", 42.0, False, None),
        ("WK034401", 2024, "inwoners", 110.0, False, None),
        ("WK034401", 2024, "inwoners_65_plus", 11.0, False, None),
    ]
    assert rijen(con, "select count(*) from pub.indicator_waarden where onderdrukt is distinct from (waarde is null)") == [(0,)]
    assert rijen(
        con, "select count(*) from pub.indicator_waarden where onderdrukt is distinct from (onderdrukt_reden is not null)"
    ) == [(0,)]
    # The counts behind a ratio stay in the mart: pub has no teller, noemer or disclosure class.
    assert {"teller", "noemer", "openbaarmaking"} & set(kolommen(con, "pub.indicator_waarden")) == set()
    # Every value passes through unchanged: the same rows as the mart, both ways.
    gedeeld = "gebied_code, gebied_niveau, gebied_naam, ouder_code, gemeente_code, jaar, indicator, label, waarde, eenheid, bron, tabel_id, ind_wbi"
    for a, b in (("pub", "marts"), ("marts", "pub")):
        assert rijen(
            con, f"select {gedeeld} from {a}.indicator_waarden except all select {gedeeld} from {b}.indicator_waarden"
        ) == []
    assert rijen(con, "select count(*) from pub.indicator_waarden") == rijen(con, "select count(*) from marts.indicator_waarden")
    # pub's value is the one disclosure control decided on (for CBS figures: the mart's value, unchanged).
    assert rijen(
        con,
        """select count(*) from pub.indicator_waarden p join pub.openbaarmaking o using (gebied_code, jaar, indicator)
           where p.waarde is not distinct from o.waarde and p.onderdrukt = o.onderdrukt
             and p.onderdrukt_reden is not distinct from o.reden""",
    ) == rijen(con, "select count(*) from pub.openbaarmaking")


def test_bouw_modellen_bouwt_alle_modellen_en_dan_de_openbaarmaking(con):
    _klein(con)
    ververs_indicator_catalogus(con)
    gebouwd = bouw_modellen(con, catalogi=False).gebouwd
    assert sorted(gebouwd) == sorted(MODELLEN + PYTHON_STAPPEN)
    assert gebouwd == [node.name for node in build_graph()]
    assert gebouwd.index("pub.openbaarmaking") < gebouwd.index("pub.rode_draden_bewijs") < gebouwd.index("pub.rode_draden")
    # One decision per row of the mart, no more.
    assert rijen(
        con, "select count(*), count(distinct (gebied_code, jaar, indicator)) from pub.openbaarmaking"
    ) == rijen(con, "select count(*), count(*) from marts.indicator_waarden")


def test_pub_indicator_waarden_op_demo_onderdrukt_is_waarde_null(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        # The demo has CBS figures only: they pass disclosure control unchanged, a NULL hidden as CBS's own.
        assert rijen(
            con,
            """select count(*), count(*) filter (where onderdrukt), count(*) filter (where onderdrukt is distinct from (waarde is null)),
                      count(*) filter (where onderdrukt and onderdrukt_reden is distinct from 'onbekend of geheim (CBS)'),
                      count(*) filter (where not onderdrukt and onderdrukt_reden is not null)
               from pub.indicator_waarden""",
        ) == rijen(
            con,
            "select count(*), count(*) filter (where waarde is null), 0, 0, 0 from marts.indicator_waarden",
        )
    finally:
        con.close()


# ----------------------------------------------------------------------------------------------- pub.bronnen


def test_pub_bronnen_laatste_load_per_bron_tabel_jaar(con):
    t = datetime
    laad(con, "cbs_kwb", jaar=2023, tabel_id="85618NED", bestand="/data/cbs/kwb-2023-utrecht.xlsx", geladen_op=t(2025, 1, 1))
    laad(
        con, "cbs_kwb", jaar=2023, tabel_id="85618NED", via="snapshot", bestand=r"C:\snapshots\85618NED-GM0344.json",
        opgehaald_op=t(2024, 12, 30, 8, 0), geladen_op=t(2025, 1, 2),
    )
    laad(
        con, "cbs_kwb", jaar=2024, tabel_id="85984NED", via="online", bestand="https://opendata.cbs.nl/ODataFeed/odata/85984NED",
        opgehaald_op=t(2025, 1, 3, 9, 30), geladen_op=t(2025, 1, 3, 9, 31),
    )
    laad(con, "grenzen", jaar=2024, tabel_id="buurt", bestand="/data/geo/buurten-2024-utrecht.geojson", geladen_op=t(2025, 1, 4))
    # A later load that loaded nothing (everything quarantined) does not replace the one that did.
    laad(con, "grenzen", jaar=2024, tabel_id="buurt", bestand="/data/geo/leeg.geojson", loaded=0, geladen_op=t(2025, 1, 5))
    laad(con, "grenzen", jaar=2024, tabel_id="wijk", bestand="PDOK wijkenbuurten 2024 wijk", via="snapshot", geladen_op=t(2025, 1, 6))
    bouw(con, "pub.bronnen")
    assert kolommen(con, "pub.bronnen") == [
        "bron", "tabel_id", "gemeente", "jaar", "bestand", "via", "peildatum_bron", "geladen_op", "uit_snapshot", "verouderd"
    ]  # fmt: skip
    # Fetched in January 2025: by now (and forever after) more than 400 days ago, so every row is verouderd.
    assert rijen(con, "select * from pub.bronnen order by bron, jaar, tabel_id") == [
        ("cbs_kwb", "85618NED", "GM0344", 2023, "85618NED-GM0344.json", "snapshot", t(2024, 12, 30, 8, 0), t(2025, 1, 2), True, True),
        ("cbs_kwb", "85984NED", "GM0344", 2024, "85984NED", "online", t(2025, 1, 3, 9, 30), t(2025, 1, 3, 9, 31), False, True),
        ("grenzen", "buurt", "GM0344", 2024, "buurten-2024-utrecht.geojson", "bestand", t(2025, 1, 4), t(2025, 1, 4), False, True),
        ("grenzen", "wijk", "GM0344", 2024, "PDOK wijkenbuurten 2024 wijk", "snapshot", t(2025, 1, 6), t(2025, 1, 6), True, True),
    ]  # fmt: skip


def test_pub_bronnen_verouderd_na_de_drempel_van_de_soort_bron_of_uit_snapshot(con):
    from datetime import timedelta

    def dagen_geleden(n: int) -> datetime:
        return datetime.now() - timedelta(days=n)

    laad(con, "cbs_kwb", jaar=2023, tabel_id="a", geladen_op=dagen_geleden(398))
    laad(con, "cbs_kwb", jaar=2024, tabel_id="b", geladen_op=dagen_geleden(402))
    laad(con, "beschikkingen", jaar=None, tabel_id="c", geladen_op=dagen_geleden(40))
    laad(con, "beschikkingen", jaar=None, tabel_id="d", geladen_op=dagen_geleden(44))
    laad(con, "besprekingen", jaar=None, tabel_id="e", geladen_op=dagen_geleden(3000))
    laad(con, "onbekende_bron", jaar=None, tabel_id="f", geladen_op=dagen_geleden(363))
    laad(con, "onbekende_bron", jaar=None, tabel_id="g", geladen_op=dagen_geleden(367))
    laad(con, "grenzen", jaar=2024, tabel_id="h", via="snapshot", geladen_op=dagen_geleden(1))
    # opgehaald_op, when known, counts rather than the load time
    laad(con, "casuistiek", jaar=None, tabel_id="i", opgehaald_op=dagen_geleden(100), geladen_op=dagen_geleden(1))
    bouw(con, "pub.bronnen")
    assert rijen(con, "select tabel_id, verouderd from pub.bronnen order by tabel_id") == [
        ("a", False), ("b", True), ("c", False), ("d", True), ("e", False), ("f", False), ("g", True), ("h", True), ("i", True),
    ]  # fmt: skip


def test_echte_modellen_staan_na_hun_bronnen():
    geordend = build_graph()
    positie = {node.name: i for i, node in enumerate(geordend)}
    maker = {rel: node.name for node in geordend for rel in node.creates}
    assert len(positie) == len(MODELLEN) + len(PYTHON_STAPPEN) == 35
    assert sorted(positie) == sorted(MODELLEN + PYTHON_STAPPEN)
    # Every node runs after the nodes that create what it reads (disclosure control before the marts that read it).
    for node in geordend:
        for ref in node.reads:
            if ref in maker and maker[ref] != node.name:
                assert positie[maker[ref]] < positie[node.name], f"{node.name} runs before {ref}"
    assert (
        positie["intermediate.cbs_waarden"]
        < positie["intermediate.verhoudingen"]
        < positie["intermediate.indicator_basis"]
        < positie["marts.indicator_waarden"]
    )
    assert positie["marts.indicator_waarden"] < positie["marts.profielen"]
    assert positie["marts.indicator_waarden"] < positie["pub.indicator_waarden"]
    assert (
        positie["staging.beschikkingen"]
        < positie["intermediate.beschikking_perioden"]
        < positie["intermediate.beschikkingen_per_periode"]
        < positie["intermediate.beschikking_aantallen"]
        < positie["intermediate.verhoudingen"]
    )


def test_split_statements_houdt_puntkomma_in_aanhalingstekens():
    sql = (
        "select 'a;b' as x, \"kolom;naam\" from t;\n"
        "comment on table t is 'it''s; fine'; -- trailing; comment\n"
        "-- only a comment;\n"
    )
    assert split_statements(sql) == [
        "select 'a;b' as x, \"kolom;naam\" from t",
        "comment on table t is 'it''s; fine'",
    ]
    assert split_statements("select 1 -- don't split; here\n; select 2") == ["select 1 -- don't split; here", "select 2"]
    assert split_statements("  ;  ; ") == []


# ---------------------------------------------------------------------------------------------- comments


def test_elke_marts_tabel_heeft_comment(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        tabellen = rijen(con, "select table_name, comment from duckdb_tables() where schema_name = 'marts' order by 1")
    finally:
        con.close()
    assert [t for t, _ in tabellen] == [
        "buurt_profiel", "gebied_grenzen", "gemeente_profiel", "indicator_waarden", "kansen_per_wijk",
        "laatste_bespreking", "thema_combinaties", "vergelijkbare_wijken", "wijk_profiel",
    ]  # fmt: skip
    assert [t for t, c in tabellen if not (c or "").strip()] == []


def test_elke_pub_relatie_heeft_comment(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        relaties = rijen(con, """select view_name, comment from duckdb_views() where schema_name = 'pub'
                                 union all
                                 select table_name, comment from duckdb_tables() where schema_name = 'pub'
                                 order by 1""")
    finally:
        con.close()
    assert [v for v, _ in relaties] == [
        "besprekingen", "bronnen", "gebied_grenzen", "indicator_waarden", "kansen", "openbaarmaking", "rode_draden",
        "rode_draden_bewijs", "themas", "vergelijkbare_wijken",
    ]  # fmt: skip
    assert [v for v, c in relaties if not (c or "").strip()] == []


def test_elke_marts_kolom_heeft_comment(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        zonder = rijen(
            con,
            """select table_name || '.' || column_name from duckdb_columns()
               where schema_name = 'marts' and coalesce(trim(comment), '') = '' order by table_name, column_index""",
        )
        met = rijen(con, "select count(*) from duckdb_columns() where schema_name = 'marts' and comment is not null")
    finally:
        con.close()
    assert met[0][0] >= 18  # indicator_waarden's 17 + gebied_grenzen.geometrie: the query does see comments
    assert zonder == [], "marts columns without COMMENT: " + ", ".join(c for (c,) in zonder)

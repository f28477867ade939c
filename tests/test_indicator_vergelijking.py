"""The comparisons in marts.indicator_waarden (DESIGN §6) on hand-written rows, compared with exact expected output.

Each test builds a fresh DuckDB file: init_database, rows in meta.loads / raw.cbs_kwb / raw.cbs_variabelen (and
raw.beschikkingen for gemeente figures), then the real build (models, disclosure control, pub), then one query on
marts.indicator_waarden. Expected values are computed by hand (z-scores, index) or from the closed forms of the
Wilson and Byar limits, written out below; intervals are compared rounded to 3 decimals. The names say the rule.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from modeltest import bouw

from wijkprofiel.db import connect, init_database

_sha = itertools.count(1)
_rij = itertools.count(1)

#: Test catalogue of CBS variables: a count, two CBS percentages (no teller), a distance and a code.
CATALOGUS = [
    ("inwoners", "Inwoners", "aantal", "a_inw", True),
    ("inwoners_65_plus", "65-plussers", "aantal", "a_65_oo", True),
    ("personen_bijstand", "Personen met bijstand", "aantal", "a_soz_wb", True),
    ("koopwoningen_pct", "Koopwoningen", "%", "p_koopw", False),
    ("huurwoningen_pct", "Huurwoningen", "%", "p_huurw", False),
    ("afstand_huisartsenpraktijk", "Afstand tot huisartsenpraktijk", "km", "g_afs_hp", False),
    ("stedelijkheid", "Mate van stedelijkheid", "code", "ste_mvs", False),
]

BASIS_KOLOMMEN = [
    "gebied_code", "gebied_niveau", "gebied_naam", "ouder_code", "gemeente_code", "jaar", "indicator", "label",
    "waarde", "eenheid", "bron", "openbaarmaking", "teller", "noemer", "noemer_jaar", "tabel_id", "release_load_id",
    "ind_wbi",
]  # fmt: skip
VERGELIJKING_KOLOMMEN = [
    "gemeente_waarde", "index_gemeente", "z_score", "vorige_jaar", "vorige_waarde", "verschil",
    "vorige_indeling_gewijzigd", "interval_onder", "interval_boven", "significant",
]  # fmt: skip


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "vergelijking.duckdb")
    init_database(connection)
    connection.executemany("insert into raw.cbs_variabelen values (?, ?, ?, ?, ?)", CATALOGUS)
    yield connection
    connection.close()


def kwb(con, jaar: int, rows) -> int:
    """One CBS KWB release for `jaar` (a meta.loads row and its raw.cbs_kwb rows); returns its load_id.

    rows: (code, indicator, waarde) or (code, indicator, waarde, ind_wbi)."""
    load_id = con.execute(
        """insert into meta.loads (bron, bestand, sha256, tabel_id, gemeente, jaar, via, rows_in, loaded, quarantined)
           values ('cbs_kwb', ?, ?, ?, 'GM0344', ?, 'bestand', ?, ?, 0) returning load_id""",
        [f"/data/cbs/kwb-{jaar}.xlsx", f"sha-{next(_sha)}", f"KWB{jaar}", jaar, len(rows), len(rows)],
    ).fetchone()[0]
    records = []
    for row in rows:
        code, indicator, waarde, wbi = (tuple(row) + (None,))[:4]
        records.append([load_id, f"KWB{jaar}", jaar, code, None, wbi, indicator, waarde])
    con.executemany("insert into raw.cbs_kwb values (?, ?, ?, ?, ?, ?, ?, ?)", records)
    return load_id


def beschikkingen(con, per_buurt: dict[str, int], ingang: str = "2024-03-01") -> None:
    """One export of lopende Wmo beschikkingen: `n` clients per buurt, all starting on `ingang` (the peildatum)."""
    bestand = f"/data/beschikkingen/suite4-{next(_sha)}.csv"
    rows = [(buurt, i) for buurt, n in per_buurt.items() for i in range(n)]
    load_id = con.execute(
        """insert into meta.loads (bron, bestand, sha256, gemeente, via, rows_in, loaded, quarantined, toelichting)
           values ('beschikkingen', ?, ?, 'GM0344', 'bestand', ?, ?, 0, 'bron=suite4 periode=volledig') returning load_id""",
        [bestand, f"sha-{next(_sha)}", len(rows), len(rows)],
    ).fetchone()[0]
    for buurt, i in rows:
        con.execute(
            """insert into raw.beschikkingen (load_id, bron, periode, beschikking_id, client_key, wet, voorziening_code,
                   voorziening, leveringsvorm, ingangsdatum, buurtcode, wijkcode, gemeentecode, plaatsing,
                   bron_bestand, bron_rij)
               values (?, 'suite4', 'volledig', ?, ?, 'wmo', '01', 'voorziening 01', 'zin', ?, ?, ?, 'GM0344', 'adres', ?, ?)""",
            [load_id, f"{buurt}-{i}", f"{buurt}-c{i}", date.fromisoformat(ingang), buurt, "WK" + buurt[2:8], bestand, next(_rij)],
        )


def rijen(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def kolommen(con, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


# ------------------------------------------------------------------------------- index and z-score (2023)


def _twee_gemeenten(con) -> None:
    """GM0344 with four wijken and two buurten, GM0518 with two wijken; one CBS year."""
    kwb(
        con,
        2023,
        [
            ("GM0344", "koopwoningen_pct", "35"), ("GM0344", "huurwoningen_pct", "0"), ("GM0344", "inwoners", "1000"),
            ("GM0344", "stedelijkheid", "1"), ("GM0344", "afstand_huisartsenpraktijk", "1.0"),
            ("WK034401", "koopwoningen_pct", "45"), ("WK034401", "huurwoningen_pct", "0"), ("WK034401", "inwoners", "400"),
            ("WK034401", "stedelijkheid", "2"), ("WK034401", "afstand_huisartsenpraktijk", "1.2"),
            ("WK034402", "koopwoningen_pct", "28"), ("WK034402", "huurwoningen_pct", "5"), ("WK034402", "inwoners", "300"),
            ("WK034402", "stedelijkheid", "1"), ("WK034402", "afstand_huisartsenpraktijk", "1.2"),
            ("WK034403", "koopwoningen_pct", "35"), ("WK034403", "huurwoningen_pct", "."), ("WK034403", "inwoners", "300"),
            ("WK034403", "stedelijkheid", "1"), ("WK034403", "afstand_huisartsenpraktijk", "1.2"),
            ("WK034404", "koopwoningen_pct", "."),
            ("BU03440111", "koopwoningen_pct", "40"), ("BU03440111", "afstand_huisartsenpraktijk", "0.8"),
            ("BU03440112", "koopwoningen_pct", "50"), ("BU03440112", "afstand_huisartsenpraktijk", "1.6"),
            ("GM0518", "koopwoningen_pct", "50"),
            ("WK051801", "koopwoningen_pct", "60"),
            ("WK051802", "koopwoningen_pct", "70"),
        ],
    )  # fmt: skip


def _vergelijking(con, indicator: str) -> list[tuple]:
    return rijen(
        con,
        """select gebied_code, waarde, gemeente_waarde, index_gemeente, z_score from marts.indicator_waarden
           where indicator = ? order by gemeente_code, gebied_code""",
        [indicator],
    )


def test_index_gemeente_100_voor_de_gemeente_en_afgerond_ten_opzichte_van_de_eigen_gemeente(con):
    _twee_gemeenten(con)
    bouw(con, "marts.indicator_waarden")
    assert [(c, w, g, i) for c, w, g, i, _ in _vergelijking(con, "koopwoningen_pct")] == [
        ("BU03440111", 40.0, 35.0, 114),  # 100 × 40 / 35 = 114.3
        ("BU03440112", 50.0, 35.0, 143),  # 142.9
        ("GM0344", 35.0, 35.0, 100),
        ("WK034401", 45.0, 35.0, 129),  # 128.6
        ("WK034402", 28.0, 35.0, 80),
        ("WK034403", 35.0, 35.0, 100),
        ("WK034404", None, 35.0, None),  # own value unknown
        # another gemeente's areas compare with their own gemeente (50), not with GM0344
        ("GM0518", 50.0, 50.0, 100),
        ("WK051801", 60.0, 50.0, 120),
        ("WK051802", 70.0, 50.0, 140),
    ]
    assert [(c, i) for c, _, _, i, _ in _vergelijking(con, "afstand_huisartsenpraktijk")] == [
        ("BU03440111", 80), ("BU03440112", 160), ("GM0344", 100), ("WK034401", 120), ("WK034402", 120), ("WK034403", 120),
    ]  # fmt: skip


def test_index_gemeente_niet_voor_aantallen_en_codes_en_niet_bij_een_gemeentewaarde_0(con):
    _twee_gemeenten(con)
    bouw(con, "marts.indicator_waarden")
    assert [(c, w, g, i) for c, w, g, i, _ in _vergelijking(con, "inwoners")] == [
        ("GM0344", 1000.0, 1000.0, None),
        ("WK034401", 400.0, 1000.0, None),
        ("WK034402", 300.0, 1000.0, None),
        ("WK034403", 300.0, 1000.0, None),
    ]
    assert {i for _, _, _, i, _ in _vergelijking(con, "stedelijkheid")} == {None}
    # gemeente 0 %: no index (not an error, not infinity); the gemeente value is still shown
    assert [(c, w, g, i) for c, w, g, i, _ in _vergelijking(con, "huurwoningen_pct")] == [
        ("GM0344", 0.0, 0.0, None),
        ("WK034401", 0.0, 0.0, None),
        ("WK034402", 5.0, 0.0, None),
        ("WK034403", None, 0.0, None),
    ]


def test_z_score_onder_de_wijken_van_de_gemeente_met_drie_of_meer_bekende_waarden(con):
    _twee_gemeenten(con)
    bouw(con, "marts.indicator_waarden")
    # GM0344's wijken 45, 28, 35 (WK034404 unknown): mean 36, sample sd √((81 + 64 + 1) / 2) = √73 = 8.544
    assert [(c, z) for c, _, _, _, z in _vergelijking(con, "koopwoningen_pct")] == [
        ("BU03440111", None),  # only two buurten
        ("BU03440112", None),
        ("GM0344", None),  # the gemeente itself has no z-score
        ("WK034401", 1.05),  # 9 / 8.544
        ("WK034402", -0.94),  # −8 / 8.544
        ("WK034403", -0.12),  # −1 / 8.544
        ("WK034404", None),  # unknown value
        ("GM0518", None),
        ("WK051801", None),  # GM0518 has two wijken: fewer than 3 values, not pooled with GM0344's
        ("WK051802", None),
    ]
    # A count gets a z-score too (no index): 400, 300, 300 → mean 333.3, sd 57.735
    assert [(c, z) for c, _, _, _, z in _vergelijking(con, "inwoners")] == [
        ("GM0344", None), ("WK034401", 1.15), ("WK034402", -0.58), ("WK034403", -0.58),
    ]  # fmt: skip


def test_z_score_null_bij_minder_dan_drie_bekende_waarden_of_zonder_spreiding(con):
    _twee_gemeenten(con)
    bouw(con, "marts.indicator_waarden")
    # huurwoningen: two known wijk values (0, 5; WK034403 unknown) → no z-score
    assert {z for _, _, _, _, z in _vergelijking(con, "huurwoningen_pct")} == {None}
    # afstand: three wijken, all 1.2 → standard deviation 0 → no z-score (not a division by zero)
    assert {z for _, _, _, _, z in _vergelijking(con, "afstand_huisartsenpraktijk")} == {None}


# ----------------------------------------------------------------------------------------- previous period


def test_vorige_waarde_uit_het_vorige_jaar_of_het_laatste_eerdere_jaar_met_een_rij(con):
    kwb(
        con, 2021,
        [("GM0344", "koopwoningen_pct", "30"), ("WK034401", "koopwoningen_pct", "40", "1"),
         ("WK034402", "koopwoningen_pct", "50", "1"), ("BU03440111", "koopwoningen_pct", "20")],
    )  # fmt: skip
    kwb(
        con, 2022,
        [("GM0344", "koopwoningen_pct", "31"), ("WK034401", "koopwoningen_pct", "42.5", "1"),
         ("WK034402", "inwoners", "100", "2"),  # no koopwoningen row in 2022; CBS: the wijk changed
         ("BU03440111", "koopwoningen_pct", ".")],
    )  # fmt: skip
    # No 2023 release loaded.
    kwb(
        con, 2024,
        [("GM0344", "koopwoningen_pct", "33"), ("WK034401", "koopwoningen_pct", "41.3", "1"),
         ("WK034402", "koopwoningen_pct", "52", "1"), ("BU03440111", "koopwoningen_pct", "25", "1")],
    )  # fmt: skip
    bouw(con, "marts.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, jaar, waarde, vorige_jaar, vorige_waarde, verschil, vorige_indeling_gewijzigd
           from marts.indicator_waarden where indicator = 'koopwoningen_pct' order by gebied_code, jaar""",
    ) == [
        ("BU03440111", 2021, 20.0, None, None, None, None),
        # the earlier row exists with an unknown value: vorige_jaar is set, the difference is unknown;
        # a buurt without CBS's flag counts as possibly changed
        ("BU03440111", 2022, None, 2021, 20.0, None, True),
        ("BU03440111", 2024, 25.0, 2022, None, None, True),
        # a gemeente without a flag counts as unchanged
        ("GM0344", 2021, 30.0, None, None, None, None),
        ("GM0344", 2022, 31.0, 2021, 30.0, 1.0, False),
        ("GM0344", 2024, 33.0, 2022, 31.0, 2.0, False),
        ("WK034401", 2021, 40.0, None, None, None, None),
        ("WK034401", 2022, 42.5, 2021, 40.0, 2.5, False),  # ind_wbi 2022 = 1
        # 2023 is not loaded: CBS has not confirmed the wijk unchanged over 2023, so compare with care
        ("WK034401", 2024, 41.3, 2022, 42.5, -1.2, True),
        ("WK034402", 2021, 50.0, None, None, None, None),
        ("WK034402", 2024, 52.0, 2021, 50.0, 2.0, True),  # two years back; 2022 says changed
    ]


def test_vorige_indeling_gewijzigd_alleen_onwaar_als_cbs_elk_jaar_sindsdien_1_geeft(con):
    kwb(
        con, 2021,
        [("GM0344", "koopwoningen_pct", "30", "1"), ("WK034401", "koopwoningen_pct", "40", "1"),
         ("WK034402", "koopwoningen_pct", "50", "1"), ("WK034403", "koopwoningen_pct", "60", "1")],
    )  # fmt: skip
    kwb(
        con, 2022,
        # The areas exist in 2022 (with their flag) but have no koopwoningen figure.
        [("GM0344", "inwoners", "1000", "1"), ("WK034401", "inwoners", "100", "1"),
         ("WK034402", "inwoners", "100", "1"), ("WK034403", "inwoners", "100", "1")],
    )  # fmt: skip
    kwb(
        con, 2023,
        [("GM0344", "koopwoningen_pct", "31", "2"), ("WK034401", "koopwoningen_pct", "41", "1"),
         ("WK034402", "koopwoningen_pct", "51", "3"), ("WK034403", "koopwoningen_pct", "61")],
    )  # fmt: skip
    bouw(con, "marts.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, vorige_jaar, ind_wbi, vorige_indeling_gewijzigd from marts.indicator_waarden
           where indicator = 'koopwoningen_pct' and jaar = 2023 order by gebied_code""",
    ) == [
        ("GM0344", 2021, 2, True),  # a gemeente with a code other than 1
        ("WK034401", 2021, 1, False),  # 1 in 2022 and in 2023: unchanged over the two-year gap
        ("WK034402", 2021, 3, True),
        ("WK034403", 2021, None, True),  # no flag in 2023: not confirmed
    ]


# ------------------------------------------------------------------------------------ uncertainty intervals

_INTERVAL = """
    select gebied_code, waarde, teller, noemer, gemeente_waarde,
           round(interval_onder, 3), round(interval_boven, 3), significant
    from marts.indicator_waarden where indicator = ? and jaar = ? order by gebied_code
"""


_PUB = """
    select gebied_code, waarde, gemeente_waarde, index_gemeente, z_score,
           round(interval_onder, 3), round(interval_boven, 3), significant
    from pub.indicator_waarden where indicator = ? and jaar = ? order by gebied_code
"""


def _pub_gelijk_aan_mart_voor_cbs(con) -> None:
    """CBS figures are published as CBS published them, so their pub comparisons are the mart's."""
    kolommen = ", ".join(["gebied_code", "jaar", "indicator", "waarde"] + VERGELIJKING_KOLOMMEN)
    for a, b in (("marts.indicator_waarden", "pub.indicator_waarden"), ("pub.indicator_waarden", "marts.indicator_waarden")):
        assert rijen(con, f"select {kolommen} from {a} where bron = 'cbs' except all select {kolommen} from {b}") == []


def test_wilson_interval_voor_een_aandeel_met_teller_en_noemer(con):
    # aandeel_65_plus (%, from CBS counts). Wilson, z = 1.96: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n).
    kwb(
        con, 2023,
        [
            ("GM0344", "inwoners", "1000"), ("GM0344", "inwoners_65_plus", "150"), ("GM0344", "koopwoningen_pct", "35"),
            ("WK034401", "inwoners", "200"), ("WK034401", "inwoners_65_plus", "50"), ("WK034401", "koopwoningen_pct", "45"),
            ("WK034402", "inwoners", "20"), ("WK034402", "inwoners_65_plus", "4"),
            ("WK034403", "inwoners", "10"), ("WK034403", "inwoners_65_plus", "0"),
            ("WK034404", "inwoners", "."), ("WK034404", "inwoners_65_plus", "3"),
            ("BU03440111", "inwoners", "10"), ("BU03440111", "inwoners_65_plus", "10"),
            ("BU03440112", "inwoners", "0"), ("BU03440112", "inwoners_65_plus", "0"),
            ("BU03440113", "inwoners", "5"), ("BU03440113", "inwoners_65_plus", "10"),  # CBS rounding: teller > noemer
        ],
    )  # fmt: skip
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden")
    assert rijen(con, _INTERVAL, ["aandeel_65_plus", 2023]) == [
        ("BU03440111", 100.0, 10.0, 10.0, 15.0, 72.247, 100.0, True),  # 10 of 10
        ("BU03440112", None, 0.0, 0.0, 15.0, None, None, None),  # 0 / 0: no share, no interval
        ("BU03440113", 200.0, 10.0, 5.0, 15.0, None, None, None),  # not a proportion: no interval
        ("GM0344", 15.0, 150.0, 1000.0, 15.0, 12.921, 17.347, False),
        ("WK034401", 25.0, 50.0, 200.0, 15.0, 19.508, 31.434, True),  # 15 below the interval
        ("WK034402", 20.0, 4.0, 20.0, 15.0, 8.066, 41.602, False),  # higher, but 4 of 20 cannot support it
        ("WK034403", 0.0, 0.0, 10.0, 15.0, 0.0, 27.753, False),  # 0 of 10: lower limit 0
        ("WK034404", None, 3.0, None, 15.0, None, None, None),  # noemer unknown
    ]
    # A CBS percentage without teller and noemer gets no interval.
    assert rijen(con, _INTERVAL, ["koopwoningen_pct", 2023]) == [
        ("GM0344", 35.0, None, None, 35.0, None, None, None),
        ("WK034401", 45.0, None, None, 35.0, None, None, None),
    ]
    _pub_gelijk_aan_mart_voor_cbs(con)


def test_poisson_interval_voor_een_cbs_cijfer_per_1000_bij_0_1_en_10(con):
    # bijstand_per_1000_inwoners: Byar for the teller O, × 1000 / noemer. Exact closed forms where Byar is
    # poorest: upper ln 40 = 3.689 for O = 0, lower −ln 0.975 = 0.0253 for O = 1.
    kwb(
        con, 2023,
        [
            ("GM0344", "inwoners", "1000"), ("GM0344", "personen_bijstand", "24"),
            ("WK034401", "inwoners", "500"), ("WK034401", "personen_bijstand", "0"),
            ("WK034402", "inwoners", "500"), ("WK034402", "personen_bijstand", "1"),
            ("WK034403", "inwoners", "500"), ("WK034403", "personen_bijstand", "10"),
        ],
    )  # fmt: skip
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden")
    assert rijen(con, _INTERVAL, ["bijstand_per_1000_inwoners", 2023]) == [
        # Byar(24) = [15.373, 35.712]
        ("GM0344", 24.0, 24.0, 1000.0, 24.0, 15.373, 35.712, False),
        ("WK034401", 0.0, 0.0, 500.0, 24.0, 0.0, 7.378, True),  # 2 × 3.689
        ("WK034402", 2.0, 1.0, 500.0, 24.0, 0.051, 11.128, True),  # 2 × 0.0253, 2 × Byar upper(1) = 2 × 5.564
        ("WK034403", 20.0, 10.0, 500.0, 24.0, 9.575, 36.783, False),  # 2 × [4.787, 18.391]
    ]
    _pub_gelijk_aan_mart_voor_cbs(con)


def _wmo_2024(con) -> None:
    """CBS 2023 inwoners; 4 Wmo clients in BU03440111 (WK034401), 20 in BU03440211 (WK034402); peildatum 2024-03-01."""
    kwb(
        con, 2023,
        [
            ("GM0344", "inwoners", "1000"), ("WK034401", "inwoners", "100"), ("WK034402", "inwoners", "200"),
            ("BU03440111", "inwoners", "100"), ("BU03440211", "inwoners", "200"),
        ],
    )  # fmt: skip
    beschikkingen(con, {"BU03440111": 4, "BU03440211": 20})


def test_poisson_interval_en_significant_voor_gemeentecijfers_per_1000(con):
    _wmo_2024(con)
    bouw(con, "marts.indicator_waarden")
    # beschikt_wmo_per_1000 for 2024 uses CBS's 2023 inwoners. Byar: O = 4 → [1.076, 10.241] × 10,
    # O = 20 → [12.211, 30.890] × 5, O = 24 → [15.373, 35.712] × 1.
    assert rijen(con, _INTERVAL, ["beschikt_wmo_per_1000", 2024]) == [
        ("BU03440111", 40.0, 4.0, 100.0, 24.0, 10.762, 102.408, False),
        ("BU03440211", 100.0, 20.0, 200.0, 24.0, 61.057, 154.449, True),
        ("GM0344", 24.0, 24.0, 1000.0, 24.0, 15.373, 35.712, False),
        ("WK034401", 40.0, 4.0, 100.0, 24.0, 10.762, 102.408, False),
        ("WK034402", 100.0, 20.0, 200.0, 24.0, 61.057, 154.449, True),
    ]
    assert rijen(
        con,
        """select gebied_code, gemeente_waarde, index_gemeente, z_score from marts.indicator_waarden
           where indicator = 'beschikt_wmo_per_1000' and jaar = 2024 order by gebied_code""",
    ) == [
        ("BU03440111", 24.0, 167, None),  # 100 × 40 / 24 = 166.7; two buurten: no z-score
        ("BU03440211", 24.0, 417, None),
        ("GM0344", 24.0, 100, None),
        ("WK034401", 24.0, 167, None),
        ("WK034402", 24.0, 417, None),
    ]
    # The count itself: a gemeente value, but no index and no interval.
    assert rijen(con, _INTERVAL.replace("round(interval_onder, 3)", "index_gemeente"), ["beschikt_wmo_clienten", 2024]) == [
        ("BU03440111", 4.0, None, None, 24.0, None, None, None),
        ("BU03440211", 20.0, None, None, 24.0, None, None, None),
        ("GM0344", 24.0, None, None, 24.0, None, None, None),
        ("WK034401", 4.0, None, None, 24.0, None, None, None),
        ("WK034402", 20.0, None, None, 24.0, None, None, None),
    ]


# ---------------------------------------------------------------------------- shape, comments, privacy, pub


def test_kolommen_van_de_basis_eerst_ongewijzigd_en_elke_kolom_met_comment(con):
    _wmo_2024(con)
    bouw(con, "intermediate.indicator_basis", "marts.indicator_waarden")
    assert kolommen(con, "intermediate.indicator_basis") == BASIS_KOLOMMEN
    assert kolommen(con, "marts.indicator_waarden") == BASIS_KOLOMMEN + VERGELIJKING_KOLOMMEN
    # The mart is the basis plus columns: the same rows with the same values, both ways.
    gedeeld = ", ".join(BASIS_KOLOMMEN)
    for a, b in (("intermediate.indicator_basis", "marts.indicator_waarden"), ("marts.indicator_waarden", "intermediate.indicator_basis")):
        assert rijen(con, f"select {gedeeld} from {a} except all select {gedeeld} from {b}") == []
    assert rijen(
        con,
        """select column_name from duckdb_columns()
           where schema_name = 'marts' and table_name = 'indicator_waarden' and coalesce(trim(comment), '') = ''""",
    ) == []
    assert rijen(
        con, "select comment <> '' from duckdb_tables() where schema_name = 'marts' and table_name = 'indicator_waarden'"
    ) == [(True,)]
    assert rijen(
        con,
        """select distinct typeof(index_gemeente), typeof(z_score), typeof(vorige_jaar), typeof(interval_onder),
                  typeof(significant), typeof(vorige_indeling_gewijzigd)
           from marts.indicator_waarden where indicator = 'beschikt_wmo_per_1000'""",
    ) == [("DOUBLE", "DOUBLE", "INTEGER", "DOUBLE", "BOOLEAN", "BOOLEAN")]


def test_openbaarmaking_en_pub_werken_nog_en_pub_toont_geen_vergelijkingen(con):
    _wmo_2024(con)
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden", "pub.openbaarmaking")
    assert rijen(con, "select count(*) from pub.indicator_waarden") == rijen(con, "select count(*) from marts.indicator_waarden")
    assert rijen(con, "select count(*) from pub.openbaarmaking") == rijen(con, "select count(*) from marts.indicator_waarden")
    # Disclosure control on the gemeente figures is unchanged: 4 clients are hidden, with the rate built on them.
    assert rijen(
        con,
        """select gebied_code, indicator, waarde, onderdrukt, onderdrukt_reden from pub.indicator_waarden
           where jaar = 2024 and indicator like 'beschikt_wmo%' order by gebied_code, indicator""",
    ) == [
        ("BU03440111", "beschikt_wmo_clienten", None, True, "minder dan 8"),
        ("BU03440111", "beschikt_wmo_per_1000", None, True, "minder dan 8"),
        # WK034402's only buurt has its value: published, it would give the hidden WK034402 away
        ("BU03440211", "beschikt_wmo_clienten", None, True, "secundair onderdrukt (anders terug te rekenen)"),
        ("BU03440211", "beschikt_wmo_per_1000", None, True, "secundair onderdrukt (anders terug te rekenen)"),
        ("GM0344", "beschikt_wmo_clienten", 25.0, False, None),  # 24 rounded to 5
        ("GM0344", "beschikt_wmo_per_1000", 25.0, False, None),  # from the rounded count
        ("WK034401", "beschikt_wmo_clienten", None, True, "minder dan 8"),
        ("WK034401", "beschikt_wmo_per_1000", None, True, "minder dan 8"),
        # the gemeente minus WK034402 would give WK034401's 4 away
        ("WK034402", "beschikt_wmo_clienten", None, True, "secundair onderdrukt (anders terug te rekenen)"),
        ("WK034402", "beschikt_wmo_per_1000", None, True, "secundair onderdrukt (anders terug te rekenen)"),
    ]
    # pub has the comparison columns, computed from published values only: the hidden rows (a true 4, and
    # the cells hidden with it) get no index, interval or significance; the gemeente's 25 is published.
    assert kolommen(con, "pub.indicator_waarden") == [
        "gebied_code", "gebied_niveau", "gebied_naam", "ouder_code", "gemeente_code", "jaar", "indicator", "label",
        "waarde", "eenheid", "bron", "tabel_id", "ind_wbi", "noemer_jaar", "onderdrukt", "onderdrukt_reden",
    ] + VERGELIJKING_KOLOMMEN  # fmt: skip
    assert rijen(con, _PUB, ["beschikt_wmo_per_1000", 2024]) == [
        ("BU03440111", None, 25.0, None, None, None, None, None),
        ("BU03440211", None, 25.0, None, None, None, None, None),
        # the interval of the published 25 per 1 000 uses the rounded 25 clients: Byar(25) = [16.174, 36.906]
        ("GM0344", 25.0, 25.0, 100, None, 16.174, 36.906, False),
        ("WK034401", None, 25.0, None, None, None, None, None),
        ("WK034402", None, 25.0, None, None, None, None, None),
    ]


def test_pub_vergelijkingen_uit_afgeronde_aantallen(con):
    """12 and 23 Wmo clients in two buurten of 500 inwoners are published as 10 and 25: the published rate,
    index and interval follow the rounded counts, not the true ones the mart compares."""
    kwb(
        con, 2023,
        [
            ("GM0344", "inwoners", "1000"), ("WK034401", "inwoners", "1000"),
            ("BU03440111", "inwoners", "500"), ("BU03440112", "inwoners", "500"),
        ],
    )  # fmt: skip
    beschikkingen(con, {"BU03440111": 12, "BU03440112": 23})
    bouw(con, "pub.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, waarde, index_gemeente from marts.indicator_waarden
           where indicator = 'beschikt_wmo_per_1000' and jaar = 2024 order by gebied_code""",
    ) == [("BU03440111", 24.0, 69), ("BU03440112", 46.0, 131), ("GM0344", 35.0, 100), ("WK034401", 35.0, 100)]
    assert rijen(con, _PUB, ["beschikt_wmo_per_1000", 2024]) == [
        ("BU03440111", 20.0, 35.0, 57, None, 9.575, 36.783, False),  # 10 per 500: 2 × Byar(10)
        ("BU03440112", 50.0, 35.0, 143, None, 32.349, 73.813, False),  # 25 per 500: 2 × Byar(25)
        ("GM0344", 35.0, 35.0, 100, None, 24.375, 48.678, False),  # Byar(35)
        ("WK034401", 35.0, 35.0, 100, None, 24.375, 48.678, False),
    ]
    # A count gets the gemeente value but no index and no interval; its published value is the rounded one.
    assert rijen(con, _PUB, ["beschikt_wmo_clienten", 2024]) == [
        ("BU03440111", 10.0, 35.0, None, None, None, None, None),
        ("BU03440112", 25.0, 35.0, None, None, None, None, None),
        ("GM0344", 35.0, 35.0, None, None, None, None, None),
        ("WK034401", 35.0, 35.0, None, None, None, None, None),
    ]


def test_pub_z_score_en_verschil_uit_gepubliceerde_waarden(con):
    """The z-score is taken over the published values of the wijken; verschil over published values."""
    for jaar, bijstand in ((2022, ("20", "30", "40")), (2023, ("25", "30", "."))):
        kwb(
            con, jaar,
            [("GM0344", "inwoners", "3000"), ("GM0344", "personen_bijstand", "90")]
            + [(f"WK03440{i}", "inwoners", "1000") for i in (1, 2, 3)]
            + [(f"WK03440{i}", "personen_bijstand", b) for i, b in zip((1, 2, 3), bijstand)],
        )  # fmt: skip
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, jaar, waarde, z_score, vorige_jaar, vorige_waarde, verschil from pub.indicator_waarden
           where indicator = 'bijstand_per_1000_inwoners' order by jaar, gebied_code""",
    ) == [
        ("GM0344", 2022, 30.0, None, None, None, None),
        ("WK034401", 2022, 20.0, -1.0, None, None, None),  # mean 30, sd 10
        ("WK034402", 2022, 30.0, 0.0, None, None, None),
        ("WK034403", 2022, 40.0, 1.0, None, None, None),
        ("GM0344", 2023, 30.0, None, 2022, 30.0, 0.0),
        ("WK034401", 2023, 25.0, None, 2022, 20.0, 5.0),  # 2 known values: no z-score
        ("WK034402", 2023, 30.0, None, 2022, 30.0, 0.0),
        ("WK034403", 2023, None, None, 2022, 40.0, None),  # unknown this year: no verschil
    ]
    _pub_gelijk_aan_mart_voor_cbs(con)

"""The beschikkingen models on a handful of hand-written rows, compared with an exact expected output.

Each test builds a fresh DuckDB file: init_database, rows straight into meta.loads / raw.beschikkingen (already
pseudonymised and placed, as the ingest writes them) and raw.cbs_kwb where a noemer is needed, then the real
build (models, disclosure control, pub), then one query on the model under test. The names say the rule.
"""

from __future__ import annotations

import itertools
from datetime import date

from modeltest import bouw, cbs, rijen

_sha = itertools.count(1)
_rij = itertools.count(1)

D = date.fromisoformat


# ------------------------------------------------------------------------------------------------ helpers


def b(
    beschikking_id: str | None,
    client: str,
    ingang: str,
    eind: str | None = None,
    *,
    wet: str = "wmo",
    code: str = "01",
    buurt: str | None = "BU03440111",
    gemeente: str | None = "GM0344",
    reden_wijziging: str | None = None,
) -> dict:
    """One beschikking as raw.beschikkingen holds it; a buurt of None is an unplaced row."""
    return {
        "beschikking_id": beschikking_id,
        "client_key": client,
        "wet": wet,
        "voorziening_code": code,
        "voorziening": f"voorziening {code}",
        "leveringsvorm": "zin",
        "ingangsdatum": D(ingang),
        "einddatum": D(eind) if eind else None,
        "reden_einde": None,
        "reden_wijziging": reden_wijziging,
        "buurtcode": buurt,
        "wijkcode": "WK" + buurt[2:8] if buurt else None,
        "gemeentecode": gemeente,
        "plaatsing": "adres" if buurt else "geen",
        "leeftijdsklasse": None,
        "geslacht": None,
    }


def export(con, bron: str, periode: str, rows: list[dict]) -> int:
    """One export: a meta.loads row (bron beschikkingen) and its rows in raw.beschikkingen; returns the load_id."""
    bestand = f"/data/beschikkingen/{bron}-{periode}-{next(_sha)}.csv"
    load_id = con.execute(
        """insert into meta.loads (bron, bestand, sha256, gemeente, via, rows_in, loaded, quarantined, toelichting)
           values ('beschikkingen', ?, ?, 'GM0344', 'bestand', ?, ?, 0, ?) returning load_id""",
        [bestand, f"sha-{next(_sha)}", len(rows), len(rows), f"bron={bron} periode={periode}"],
    ).fetchone()[0]
    for row in rows:
        record = {"load_id": load_id, "bron": bron, "periode": periode, **row, "bron_bestand": bestand, "bron_rij": next(_rij)}
        kolommen = ", ".join(record)
        con.execute(
            f"insert into raw.beschikkingen ({kolommen}) values ({', '.join('?' * len(record))})", list(record.values())
        )
    return load_id


# ------------------------------------------------------------------------------------ staging.beschikkingen


def test_staging_nieuwere_export_van_dezelfde_bron_en_periode_vervangt_de_oudere_helemaal(con):
    oud = export(con, "suite4", "volledig", [b("A", "c1", "2024-01-01"), b("B", "c2", "2024-02-01")])
    nieuw = export(con, "suite4", "volledig", [b("A", "c1", "2024-01-01", "2024-03-31")])  # B is gone
    ander = export(con, "suite4", "2023", [b("C", "c3", "2023-05-01", "2023-06-30")])  # another periode adds up
    jeugd = export(con, "jeugd", "volledig", [b("J", "c4", "2024-01-15", wet="jeugdwet", code="40")])  # another bron
    assert oud < nieuw < ander < jeugd
    bouw(con, "staging.beschikkingen")
    assert rijen(
        con,
        """select bron, periode, beschikking_id, client_key, ingangsdatum, einddatum, load_id
           from staging.beschikkingen order by bron, periode, beschikking_id""",
    ) == [
        ("jeugd", "volledig", "J", "c4", D("2024-01-15"), None, jeugd),
        ("suite4", "2023", "C", "c3", D("2023-05-01"), D("2023-06-30"), ander),
        ("suite4", "volledig", "A", "c1", D("2024-01-01"), D("2024-03-31"), nieuw),
    ]


def test_staging_alleen_het_load_id_beslist_niet_de_invoervolgorde(con):
    # The newer export's rows are inserted before the older one's (load_ids taken first).
    oud_id = con.execute(
        "insert into meta.loads (bron, bestand, sha256, via, rows_in, loaded, quarantined) "
        "values ('beschikkingen', 'oud.csv', 'x1', 'bestand', 1, 1, 0) returning load_id"
    ).fetchone()[0]
    nieuw = export(con, "suite4", "volledig", [b("N", "c1", "2024-01-01")])
    con.execute(
        """insert into raw.beschikkingen (load_id, bron, periode, beschikking_id, client_key, wet, voorziening_code,
               leveringsvorm, ingangsdatum, plaatsing, bron_bestand, bron_rij)
           values (?, 'suite4', 'volledig', 'O', 'c2', 'wmo', '01', 'zin', date '2024-06-01', 'geen', 'oud.csv', 1)""",
        [oud_id],
    )
    bouw(con, "staging.beschikkingen")
    assert rijen(con, "select beschikking_id, load_id from staging.beschikkingen") == [("N", nieuw)]


def test_staging_dezelfde_beschikking_binnen_een_bron_alleen_de_laatste_versie(con):
    eerste = export(
        con, "berichten", "bericht-1",
        [b("T1", "c1", "2024-01-01"), b("T2", "c2", "2024-01-01"), b(None, "c5", "2024-01-01"), b(None, "c6", "2024-01-02")],
    )  # fmt: skip
    tweede = export(con, "berichten", "bericht-2", [b("T1", "c1", "2024-01-01", "2024-06-30")])
    # The same id in another bron is another beschikking.
    ander = export(con, "ander", "volledig", [b("T1", "c9", "2024-02-01")])
    bouw(con, "staging.beschikkingen")
    assert rijen(
        con,
        """select bron, periode, beschikking_id, client_key, einddatum, load_id
           from staging.beschikkingen order by bron, periode, beschikking_id, client_key""",
    ) == [
        ("ander", "volledig", "T1", "c9", None, ander),
        ("berichten", "bericht-1", "T2", "c2", None, eerste),
        # rows without a beschikking_id are never merged
        ("berichten", "bericht-1", None, "c5", None, eerste),
        ("berichten", "bericht-1", None, "c6", None, eerste),
        ("berichten", "bericht-2", "T1", "c1", D("2024-06-30"), tweede),
    ]


def test_staging_dezelfde_beschikking_twee_keer_in_een_export_de_latere_regel_telt(con):
    # Two 301 messages of one beschikking in one file: the later line is the later state. Only the keys pass
    # through the window that finds it, so the kept row must still be the whole later row.
    load_id = export(
        con, "berichten", "samen",
        [b("T1", "c1", "2024-01-01", code="02"), b("T2", "c2", "2024-01-01"), b("T1", "c1", "2024-01-01", "2024-03-31", code="03")],
    )  # fmt: skip
    bouw(con, "staging.beschikkingen")
    assert rijen(
        con,
        "select beschikking_id, voorziening_code, einddatum, load_id from staging.beschikkingen order by beschikking_id",
    ) == [("T1", "03", D("2024-03-31"), load_id), ("T2", "01", None, load_id)]


def test_staging_reden_wijziging_13_verwijdert_de_beschikking(con):
    export(con, "berichten", "bericht-1", [b("T1", "c1", "2024-01-01"), b("T2", "c2", "2024-01-01")])
    export(
        con, "berichten", "bericht-2",
        [
            b("T1", "c1", "2024-01-01", "2024-02-29", reden_wijziging="13"),  # the earlier version without 13 goes too
            b("T3", "c3", "2024-02-01", reden_wijziging="13"),  # sent in error and withdrawn in the same message
            b("T4", "c4", "2024-02-01", reden_wijziging="01"),  # any other reason stays
        ],
    )  # fmt: skip
    bouw(con, "staging.beschikkingen")
    assert rijen(
        con, "select beschikking_id, reden_wijziging from staging.beschikkingen order by beschikking_id"
    ) == [("T2", None), ("T4", "01")]


def test_staging_13_in_een_oudere_versie_verwijdert_de_nieuwere_niet(con):
    export(con, "berichten", "bericht-1", [b("T1", "c1", "2024-01-01", reden_wijziging="13")])
    export(con, "berichten", "bericht-2", [b("T1", "c1", "2024-01-01", "2024-05-31")])
    bouw(con, "staging.beschikkingen")
    assert rijen(con, "select beschikking_id, periode, einddatum from staging.beschikkingen") == [
        ("T1", "bericht-2", D("2024-05-31"))
    ]


def test_staging_peildatum_per_bron_en_periode_is_de_laatste_datum_van_die_export(con):
    # The older export of suite4/volledig reaches further, but it has been replaced: it does not count.
    export(con, "suite4", "volledig", [b("X", "c0", "2024-01-01", "2024-12-31")])
    export(
        con, "suite4", "volledig",
        [b("A", "c1", "2024-02-01", "2024-05-31"), b("B", "c2", "2024-03-15"), b("C", "c3", "2023-01-01", "2023-12-31")],
    )  # fmt: skip
    export(con, "suite4", "2023", [b("D", "c4", "2023-12-01"), b("E", "c5", "2023-03-01", "2023-04-30")])
    export(con, "jeugd", "volledig", [b("J", "c6", "2024-07-01", wet="jeugdwet", code="40")])  # only an ingangsdatum
    bouw(con, "staging.beschikkingen")
    assert rijen(
        con, "select bron, periode, beschikking_id, peildatum from staging.beschikkingen order by bron, periode, beschikking_id"
    ) == [
        ("jeugd", "volledig", "J", D("2024-07-01")),
        ("suite4", "2023", "D", D("2023-12-01")),
        ("suite4", "2023", "E", D("2023-12-01")),
        ("suite4", "volledig", "A", D("2024-05-31")),
        ("suite4", "volledig", "B", D("2024-05-31")),
        ("suite4", "volledig", "C", D("2024-05-31")),
    ]


def test_staging_neemt_geen_identificerende_kolommen_op(con):
    export(con, "suite4", "volledig", [b("A", "c1", "2024-01-01")])
    bouw(con, "staging.beschikkingen")
    kolommen = [d[0] for d in con.execute("select * from staging.beschikkingen limit 0").description]
    assert {"bsn", "geboortedatum", "postcode", "huisnummer"} & set(kolommen) == set()
    assert "peildatum" in kolommen and "client_key" in kolommen


# ----------------------------------------------------------------------------- intermediate.beschikking_perioden


def _perioden(con) -> list[tuple]:
    return rijen(
        con,
        "select periode_soort, periode, jaar, begin, eind from intermediate.beschikking_perioden order by periode_soort, begin",
    )


def test_perioden_zes_kalenderjaren_tot_de_laatste_peildatum(con):
    export(con, "suite4", "volledig", [b("A", "c1", "2019-03-01", "2024-05-15")])
    export(con, "jeugd", "volledig", [b("J", "c2", "2024-02-01", wet="jeugdwet", code="40")])  # an earlier peildatum
    bouw(con, "intermediate.beschikking_perioden")
    jaren = [("jaar", str(j), j, date(j, 1, 1), date(j, 12, 31)) for j in range(2019, 2024)]
    jaren.append(("jaar", "2024", 2024, date(2024, 1, 1), date(2024, 5, 15)))  # the year holding the peildatum ends on it
    kwartalen = []
    for j in range(2019, 2025):
        for k, (begin, eind) in enumerate([("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31")], 1):
            if (j, k) <= (2024, 2):
                kwartalen.append(("kwartaal", f"{j}-K{k}", j, D(f"{j}-{begin}"), D(f"{j}-{eind}")))
    kwartalen[-1] = ("kwartaal", "2024-K2", 2024, D("2024-04-01"), D("2024-05-15"))
    assert _perioden(con) == jaren + kwartalen
    assert len(kwartalen) == 22
    assert rijen(
        con, "select typeof(jaar), typeof(begin), typeof(eind) from intermediate.beschikking_perioden limit 1"
    ) == [("INTEGER", "DATE", "DATE")]


def test_perioden_peildatum_op_de_laatste_dag_van_een_kwartaal(con):
    export(con, "suite4", "volledig", [b("A", "c1", "2024-03-31")])
    bouw(con, "intermediate.beschikking_perioden")
    perioden = _perioden(con)
    assert perioden[:6] == [("jaar", str(j), j, date(j, 1, 1), date(j, 12, 31)) for j in range(2019, 2024)] + [
        ("jaar", "2024", 2024, date(2024, 1, 1), date(2024, 3, 31))
    ]
    assert perioden[-2:] == [
        ("kwartaal", "2023-K4", 2023, D("2023-10-01"), D("2023-12-31")),
        ("kwartaal", "2024-K1", 2024, D("2024-01-01"), D("2024-03-31")),  # no 2024-K2
    ]
    assert len(perioden) == 6 + 21


def test_perioden_peildatum_op_1_januari(con):
    export(con, "suite4", "volledig", [b("A", "c1", "2023-06-01", "2024-01-01")])
    bouw(con, "intermediate.beschikking_perioden")
    perioden = _perioden(con)
    assert ("jaar", "2024", 2024, D("2024-01-01"), D("2024-01-01")) in perioden
    assert perioden[-1] == ("kwartaal", "2024-K1", 2024, D("2024-01-01"), D("2024-01-01"))
    assert perioden[0] == ("jaar", "2019", 2019, D("2019-01-01"), D("2019-12-31"))
    assert len(perioden) == 6 + 21


def test_perioden_zonder_beschikkingen_geen_perioden(con):
    bouw(con, "intermediate.beschikking_aantallen")
    assert _perioden(con) == []
    assert rijen(con, "select count(*) from intermediate.beschikkingen_per_periode") == [(0,)]
    assert rijen(con, "select count(*) from intermediate.beschikking_aantallen") == [(0,)]


# ------------------------------------------------------------------------ intermediate.beschikkingen_per_periode

_PER_PERIODE = """
    select gebied_niveau, gebied_code, gemeente_code, wet, voorziening_code, peildatum, lopend, instroom, uitstroom, clienten
    from intermediate.beschikkingen_per_periode
    where periode = ?
    order by case gebied_niveau when 'buurt' then 1 when 'wijk' then 2 else 3 end, gebied_code, wet, voorziening_code
"""


def _basis(con) -> None:
    """Two buurten of one wijk, one unplaced row; peildatum 2024-05-15 (b3's einddatum)."""
    export(
        con, "suite4", "volledig",
        [
            b("b1", "c1", "2023-02-01", code="01", buurt="BU03440111"),
            b("b2", "c1", "2023-11-15", "2024-02-10", code="02", buurt="BU03440111"),  # the same client again
            b("b3", "c2", "2024-04-01", "2024-05-15", code="01", buurt="BU03440112"),
            b("b4", "c3", "2022-06-01", "2023-12-31", wet="jeugdwet", code="40", buurt="BU03440112"),
            b("b5", "c4", "2024-01-10", code="01", buurt=None),  # unplaced: gemeente only
        ],
    )  # fmt: skip


def test_per_periode_jaar_lopend_instroom_uitstroom_en_unieke_clienten(con):
    _basis(con)
    bouw(con, "intermediate.beschikkingen_per_periode")
    eind = D("2023-12-31")
    assert rijen(con, _PER_PERIODE, ["2023"]) == [
        # b1 and b2 of client c1: two lopende beschikkingen, one client
        ("buurt", "BU03440111", "GM0344", "wmo", "*", eind, 2, 2, 0, 1),
        ("buurt", "BU03440111", "GM0344", "wmo", "01", eind, 1, 1, 0, 1),
        ("buurt", "BU03440111", "GM0344", "wmo", "02", eind, 1, 1, 0, 1),
        # b4 ends on the last day: still lopend on it, and uitstroom in the year
        ("buurt", "BU03440112", "GM0344", "jeugdwet", "*", eind, 1, 0, 1, 1),
        ("buurt", "BU03440112", "GM0344", "jeugdwet", "40", eind, 1, 0, 1, 1),
        ("wijk", "WK034401", "GM0344", "jeugdwet", "*", eind, 1, 0, 1, 1),
        ("wijk", "WK034401", "GM0344", "jeugdwet", "40", eind, 1, 0, 1, 1),
        ("wijk", "WK034401", "GM0344", "wmo", "*", eind, 2, 2, 0, 1),
        ("wijk", "WK034401", "GM0344", "wmo", "01", eind, 1, 1, 0, 1),
        ("wijk", "WK034401", "GM0344", "wmo", "02", eind, 1, 1, 0, 1),
        ("gemeente", "GM0344", "GM0344", "jeugdwet", "*", eind, 1, 0, 1, 1),
        ("gemeente", "GM0344", "GM0344", "jeugdwet", "40", eind, 1, 0, 1, 1),
        ("gemeente", "GM0344", "GM0344", "wmo", "*", eind, 2, 2, 0, 1),
        ("gemeente", "GM0344", "GM0344", "wmo", "01", eind, 1, 1, 0, 1),
        ("gemeente", "GM0344", "GM0344", "wmo", "02", eind, 1, 1, 0, 1),
    ]
    peil = D("2024-05-15")
    assert rijen(con, _PER_PERIODE, ["2024"]) == [
        # b1 lopend; b2 ended in February (uitstroom, not lopend, no client)
        ("buurt", "BU03440111", "GM0344", "wmo", "*", peil, 1, 0, 1, 1),
        ("buurt", "BU03440111", "GM0344", "wmo", "01", peil, 1, 0, 0, 1),
        ("buurt", "BU03440111", "GM0344", "wmo", "02", peil, 0, 0, 1, 0),
        # b3 starts and ends (on the peildatum) in the year
        ("buurt", "BU03440112", "GM0344", "wmo", "*", peil, 1, 1, 1, 1),
        ("buurt", "BU03440112", "GM0344", "wmo", "01", peil, 1, 1, 1, 1),
        ("wijk", "WK034401", "GM0344", "wmo", "*", peil, 2, 1, 2, 2),
        ("wijk", "WK034401", "GM0344", "wmo", "01", peil, 2, 1, 1, 2),
        ("wijk", "WK034401", "GM0344", "wmo", "02", peil, 0, 0, 1, 0),
        # b5 (unplaced) only here
        ("gemeente", "GM0344", "GM0344", "wmo", "*", peil, 3, 2, 2, 3),
        ("gemeente", "GM0344", "GM0344", "wmo", "01", peil, 3, 2, 1, 3),
        ("gemeente", "GM0344", "GM0344", "wmo", "02", peil, 0, 0, 1, 0),
    ]


def test_per_periode_kwartalen(con):
    _basis(con)
    bouw(con, "intermediate.beschikkingen_per_periode")
    q = "select gebied_code, lopend, instroom, uitstroom, clienten, peildatum from intermediate.beschikkingen_per_periode " \
        "where periode = ? and gebied_niveau = 'gemeente' and wet = 'wmo' and voorziening_code = '*'"  # fmt: skip
    assert rijen(con, q, ["2023-K4"]) == [("GM0344", 2, 1, 0, 1, D("2023-12-31"))]  # b1, b2 (new) — one client
    assert rijen(con, q, ["2024-K1"]) == [("GM0344", 2, 1, 1, 2, D("2024-03-31"))]  # b1, b5 (new); b2 out
    assert rijen(con, q, ["2024-K2"]) == [("GM0344", 3, 1, 1, 3, D("2024-05-15"))]  # b1, b5, b3 (in and out)
    assert rijen(con, q, ["2023-K1"]) == [("GM0344", 1, 1, 0, 1, D("2023-03-31"))]  # b1
    assert rijen(con, q, ["2022-K4"]) == []  # only jeugdwet then
    assert rijen(
        con,
        """select distinct periode_soort, jaar from intermediate.beschikkingen_per_periode
           where periode in ('2024-K1', '2024') order by 1""",
    ) == [("jaar", 2024), ("kwartaal", 2024)]


def test_per_periode_twee_beschikkingen_van_een_client_zijn_een_client(con):
    export(
        con, "suite4", "volledig",
        [
            b("b1", "c1", "2024-01-01", code="01", buurt="BU03440111"),
            b("b2", "c1", "2024-02-01", code="01", buurt="BU03440111"),  # same client, same voorziening
            b("b3", "c1", "2024-03-01", code="02", buurt="BU03440112"),  # same client, another buurt
            b("b4", "c2", "2024-03-01", code="02", buurt="BU03440112"),
        ],
    )  # fmt: skip
    bouw(con, "intermediate.beschikkingen_per_periode")
    assert rijen(
        con,
        """select gebied_code, voorziening_code, lopend, clienten from intermediate.beschikkingen_per_periode
           where periode = '2024' order by gebied_code, voorziening_code""",
    ) == [
        ("BU03440111", "*", 2, 1),
        ("BU03440111", "01", 2, 1),
        ("BU03440112", "*", 2, 2),
        ("BU03440112", "02", 2, 2),
        ("GM0344", "*", 4, 2),
        ("GM0344", "01", 2, 1),
        ("GM0344", "02", 2, 2),
        ("WK034401", "*", 4, 2),
        ("WK034401", "01", 2, 1),
        ("WK034401", "02", 2, 2),
    ]


def test_per_periode_client_met_een_gat_en_clienten_met_dezelfde_perioden(con):
    export(
        con, "suite4", "volledig",
        [
            b("g1", "c1", "2024-01-01", "2024-03-31"),
            b("g2", "c1", "2024-07-01", "2024-09-30"),  # c1 again after a quarter without: two runs of periods
            b("g3", "c2", "2024-01-01", "2024-03-31"),  # c2 and c4: the same periods, as c1's first
            b("g5", "c4", "2024-01-01", "2024-03-31"),
            b("g4", "c3", "2024-01-01"),  # open-ended; the export's peildatum is 2024-09-30
        ],
    )  # fmt: skip
    bouw(con, "intermediate.beschikkingen_per_periode")
    assert rijen(
        con,
        """select periode, lopend, instroom, uitstroom, clienten from intermediate.beschikkingen_per_periode
           where gebied_niveau = 'wijk' and voorziening_code = '*' order by periode""",
    ) == [
        ("2024", 2, 5, 4, 2),
        ("2024-K1", 4, 4, 3, 4),
        ("2024-K2", 1, 0, 0, 1),  # c1 not lopend at the end of K2
        ("2024-K3", 2, 1, 1, 2),
    ]


def test_per_periode_telt_tot_de_peildatum_van_de_eigen_export(con):
    # suite4 reaches 2024-05-15; jeugd's export ends on 2024-03-31, so in its last period it counts up to then:
    # J1, ending on jeugd's peildatum, is still lopend at the end of 2024 as far as that export knows.
    export(con, "suite4", "volledig", [b("A", "c1", "2024-01-01", "2024-05-15")])
    export(
        con, "jeugd", "volledig",
        [b("J1", "j1", "2024-01-05", "2024-03-31", wet="jeugdwet", code="40"), b("J2", "j2", "2024-02-01", wet="jeugdwet", code="40")],
    )  # fmt: skip
    bouw(con, "intermediate.beschikkingen_per_periode")
    assert rijen(
        con,
        """select periode, wet, peildatum, lopend, instroom, uitstroom, clienten from intermediate.beschikkingen_per_periode
           where gebied_niveau = 'gemeente' and voorziening_code = '*' order by periode, wet""",
    ) == [
        ("2024", "jeugdwet", D("2024-05-15"), 2, 2, 1, 2),
        ("2024", "wmo", D("2024-05-15"), 1, 1, 1, 1),
        ("2024-K1", "jeugdwet", D("2024-03-31"), 2, 2, 1, 2),
        ("2024-K1", "wmo", D("2024-03-31"), 1, 1, 0, 1),
        # 2024-K2 starts after jeugd's peildatum: that export has nothing to say about it
        ("2024-K2", "wmo", D("2024-05-15"), 1, 0, 1, 1),
    ]


def test_per_periode_ongeplaatste_rij_telt_alleen_in_de_gemeente(con):
    export(
        con, "suite4", "volledig",
        [b("b1", "c1", "2024-01-01", buurt="BU03440111"), b("b2", "c2", "2024-02-01", buurt=None), b("b3", "c3", "2024-03-01", buurt=None)],
    )  # fmt: skip
    bouw(con, "intermediate.beschikkingen_per_periode")
    assert rijen(
        con,
        """select gebied_niveau, gebied_code, gemeente_code, lopend, clienten from intermediate.beschikkingen_per_periode
           where periode = '2024' and voorziening_code = '*' order by gebied_niveau""",
    ) == [("buurt", "BU03440111", "GM0344", 1, 1), ("gemeente", "GM0344", "GM0344", 3, 3), ("wijk", "WK034401", "GM0344", 1, 1)]
    assert rijen(con, "select count(*) from intermediate.beschikkingen_per_periode where gebied_code is null") == [(0,)]


def test_per_periode_verwijderde_en_vervangen_beschikkingen_tellen_niet(con):
    export(con, "suite4", "volledig", [b("X", "c9", "2024-01-01"), b("A", "c1", "2024-01-01")])
    export(con, "suite4", "volledig", [b("A", "c1", "2024-01-01"), b("R", "c8", "2024-01-01", reden_wijziging="13")])
    export(con, "suite4", "extra", [b("Z", "c7", "2024-01-01", "2024-02-01")])  # keeps the peildatum past 1 January
    bouw(con, "intermediate.beschikkingen_per_periode")
    assert rijen(
        con,
        """select lopend, clienten, instroom from intermediate.beschikkingen_per_periode
           where periode = '2024' and gebied_niveau = 'gemeente' and voorziening_code = '*'""",
    ) == [(2, 2, 2)]  # A and Z; not X (replaced export), not R (withdrawn)


# ----------------------------------------------------------------------------- intermediate.beschikking_aantallen


def test_aantallen_indicatornamen_per_wet_en_instroom(con):
    export(
        con, "suite4", "volledig",
        [
            b("w1", "c1", "2024-02-01", wet="wmo", code="01"),
            b("w2", "c1", "2024-03-01", wet="wmo", code="02"),  # one client, two beschikkingen
            b("j1", "c2", "2024-01-15", wet="jeugdwet", code="40"),
            b("p1", "c3", "2024-01-20", wet="participatiewet", code="PW1"),
            b("s1", "c4", "2024-02-20", wet="schuldhulp", code="SH1"),
            b("z1", "c5", "2023-06-01", wet="wlz", code="WLZ"),  # from 2023: lopend in 2024, no instroom there
        ],
    )  # fmt: skip
    bouw(con, "intermediate.beschikking_aantallen")
    per_gebied = [
        ("beschikt_instroom", 5.0),  # beschikkingen (not clients) of every wet that started in 2024
        ("beschikt_jeugdhulp_jongeren", 1.0),
        ("beschikt_participatiewet_clienten", 1.0),
        ("beschikt_schuldhulp_clienten", 1.0),
        ("beschikt_wlz_clienten", 1.0),
        ("beschikt_wmo_clienten", 1.0),
    ]
    gebieden = [("BU03440111", "buurt", "WK034401"), ("GM0344", "gemeente", None), ("WK034401", "wijk", "GM0344")]
    assert rijen(
        con,
        """select gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, indicator, waarde
           from intermediate.beschikking_aantallen where jaar = 2024 order by gebied_code, indicator""",
    ) == [(code, niveau, ouder, "GM0344", 2024, ind, w) for code, niveau, ouder in gebieden for ind, w in per_gebied]
    assert rijen(
        con,
        """select gebied_code, indicator, waarde from intermediate.beschikking_aantallen
           where jaar = 2023 order by gebied_code, indicator""",
    ) == [
        (code, ind, 1.0) for code in ("BU03440111", "GM0344", "WK034401") for ind in ("beschikt_instroom", "beschikt_wlz_clienten")
    ]
    assert rijen(con, "select distinct typeof(waarde), typeof(jaar) from intermediate.beschikking_aantallen") == [
        ("DOUBLE", "INTEGER")
    ]
    # Every indicator name is in the packaged catalogue as a gemeente person count.
    assert rijen(
        con,
        """select distinct a.indicator, c.bron, c.openbaarmaking from intermediate.beschikking_aantallen a
           left join raw.indicator_catalogus c using (indicator) where c.openbaarmaking is distinct from 'aantal_personen'""",
    ) == []


def test_aantallen_clienten_op_de_peildatum_niet_iedereen_van_het_jaar(con):
    export(
        con, "suite4", "volledig",
        [b("w1", "c1", "2024-01-01", "2024-03-31"), b("w2", "c2", "2024-02-01"), b("w3", "c3", "2024-01-01", "2024-06-30")],
    )  # fmt: skip
    bouw(con, "intermediate.beschikking_aantallen")
    # Peildatum 2024-06-30: c1 ended before it, c2 and c3 are lopend on it.
    assert rijen(
        con,
        """select indicator, waarde from intermediate.beschikking_aantallen
           where gebied_code = 'GM0344' and jaar = 2024 order by indicator""",
    ) == [("beschikt_instroom", 3.0), ("beschikt_wmo_clienten", 2.0)]


# ----------------------------------------------------------------------- intermediate.verhoudingen (gemeente)


def _wmo_clienten_2021_2024(con) -> None:
    """Wmo clients in BU03440111: 3 in 2021, 4 in 2022–2024; peildatum 2024-06-30."""
    export(
        con, "suite4", "volledig",
        [
            b("w1", "c1", "2021-01-01"),
            b("w2", "c2", "2021-01-01"),
            b("w3", "c3", "2021-01-01"),
            b("w4", "c4", "2022-03-01", "2024-06-30"),
        ],
    )  # fmt: skip


def test_verhoudingen_wmo_per_1000_inwoners_van_hetzelfde_of_het_dichtstbijzijnde_cbs_jaar(con):
    _wmo_clienten_2021_2024(con)
    cbs(con, 2022, [("GM0344", None, "inwoners", "500"), ("WK034401", None, "inwoners", "100")], ind_wbi=None)
    cbs(con, 2023, [("GM0344", None, "inwoners", "400"), ("WK034401", None, "inwoners", "50")], ind_wbi=None)
    bouw(con, "intermediate.verhoudingen", "marts.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, jaar, teller, noemer, waarde from intermediate.verhoudingen
           where indicator = 'beschikt_wmo_per_1000' order by gebied_code, jaar""",
    ) == [
        ("BU03440111", 2021, 3.0, None, None),  # CBS gave no inwoners for the buurt
        ("BU03440111", 2022, 4.0, None, None),
        ("BU03440111", 2023, 4.0, None, None),
        ("BU03440111", 2024, 4.0, None, None),
        ("GM0344", 2021, 3.0, 500.0, 6.0),  # before the first CBS year: the nearest, 2022 (noemer_jaar says so)
        ("GM0344", 2022, 4.0, 500.0, 8.0),  # 1000 × 4 / 500
        ("GM0344", 2023, 4.0, 400.0, 10.0),  # 1000 × 4 / 400
        ("GM0344", 2024, 4.0, 400.0, 10.0),  # CBS has not published 2024: the nearest, 2023, not 2022
        ("WK034401", 2021, 3.0, 100.0, 30.0),
        ("WK034401", 2022, 4.0, 100.0, 40.0),
        ("WK034401", 2023, 4.0, 50.0, 80.0),
        ("WK034401", 2024, 4.0, 50.0, 80.0),
    ]
    # The mart carries the ratio with its teller and noemer, as a gemeente figure.
    assert rijen(
        con,
        """select bron, openbaarmaking, teller, noemer, waarde, eenheid from marts.indicator_waarden
           where indicator = 'beschikt_wmo_per_1000' and gebied_code = 'GM0344' and jaar = 2024""",
    ) == [("gemeente", "verhouding", 4.0, 400.0, 10.0, "per 1 000 inwoners")]


def test_verhoudingen_gemeente_ratio_alleen_waar_de_teller_bestaat(con):
    _wmo_clienten_2021_2024(con)
    cbs(con, 2023, [("GM0344", None, "inwoners", "400"), ("GM0344", None, "huishoudens", "200"),
                    ("GM0344", None, "inwoners_65_plus", "80")], ind_wbi=None)
    bouw(con, "intermediate.verhoudingen")
    # Only Wmo clients exist: no jeugdhulp, participatiewet, schuldhulp or Wlz ratios, not even as NULL.
    assert rijen(
        con,
        """select distinct indicator from intermediate.verhoudingen where indicator like 'beschikt_%' order by 1""",
    ) == [("beschikt_wmo_per_1000",)]


def test_verhoudingen_noemer_0_24_is_null_als_een_deel_onbekend_is(con):
    """The packaged catalogue names the sum inwoners_0_14+inwoners_15_24 (CBS has no 0–17 per buurt)."""
    export(
        con, "suite4", "volledig",
        [
            b("j1", "c1", "2023-01-01", wet="jeugdwet", code="40", buurt="BU03440111"),
            b("j2", "c2", "2023-01-01", wet="jeugdwet", code="40", buurt="BU03440211"),
            b("j3", "c3", "2023-02-01", wet="jeugdwet", code="40", buurt="BU03440211"),
        ],
    )  # fmt: skip
    cbs(
        con, 2023,
        [
            ("GM0344", None, "inwoners_0_14", "60"), ("GM0344", None, "inwoners_15_24", "40"),
            ("WK034401", None, "inwoners_0_14", "10"), ("WK034401", None, "inwoners_15_24", "."),  # a part unknown
            ("WK034402", None, "inwoners_0_14", "30"),  # a part missing
        ],
        ind_wbi=None,
    )  # fmt: skip
    bouw(con, "intermediate.verhoudingen")
    assert rijen(
        con,
        """select gebied_code, teller, noemer, waarde from intermediate.verhoudingen
           where indicator = 'beschikt_jeugdhulp_per_1000_jongeren' and gebied_niveau <> 'buurt' order by gebied_code""",
    ) == [
        ("GM0344", 3.0, 100.0, 30.0),  # 1000 × 3 / (60 + 40)
        ("WK034401", 1.0, None, None),
        ("WK034402", 2.0, None, None),
    ]


def test_verhoudingen_jeugdhulp_per_1000_jongeren_noemer_uit_een_eerder_cbs_jaar(con):
    export(con, "suite4", "volledig", [b("j1", "c1", "2022-01-01", "2024-03-31", wet="jeugdwet", code="40")])
    cbs(con, 2022, [("GM0344", None, "inwoners_0_14", "60"), ("GM0344", None, "inwoners_15_24", "40")], ind_wbi=None)
    cbs(con, 2023, [("GM0344", None, "inwoners_0_14", "50")], ind_wbi=None)  # 2023 lacks a part: NULL, not 2022's sum
    bouw(con, "intermediate.verhoudingen")
    assert rijen(
        con,
        """select teller, noemer, waarde from intermediate.verhoudingen
           where indicator = 'beschikt_jeugdhulp_per_1000_jongeren' and gebied_code = 'GM0344' order by jaar""",
    ) == [
        (1.0, 100.0, 10.0),  # 2022: 1000 × 1 / (60 + 40)
        (1.0, None, None),  # 2023: a part unknown
        (1.0, None, None),  # 2024 (no CBS year yet) uses 2023, the latest CBS year, not 2022's complete sum
    ]
    assert rijen(
        con, "select indicator, noemer from raw.indicator_catalogus where indicator = 'beschikt_jeugdhulp_per_1000_jongeren'"
    ) == [("beschikt_jeugdhulp_per_1000_jongeren", "inwoners_0_14+inwoners_15_24")]


# ----------------------------------------------------------------------------- through to pub.indicator_waarden


def test_pub_toont_beschikkingscijfers_na_openbaarmaking(con):
    # 2024 beschikkingen, CBS only up to 2023: the 2023 area list and inwoners are used.
    cbs(
        con, 2023,
        [
            ("GM0344", None, "inwoners", "1000"), ("WK034401", None, "inwoners", "600"), ("WK034402", None, "inwoners", "400"),
            ("BU03440111", None, "inwoners", "100"), ("BU03440112", None, "inwoners", "200"), ("BU03440113", None, "inwoners", "300"),
            ("BU03440211", None, "inwoners", "200"), ("BU03440212", None, "inwoners", "200"),
        ],
        ind_wbi=None,
    )  # fmt: skip
    per_buurt = {"BU03440111": 12, "BU03440112": 3, "BU03440113": 20, "BU03440211": 15, "BU03440212": 10}
    rows = [b(f"{buurt}-{i}", f"{buurt}-c{i}", "2024-03-01", buurt=buurt) for buurt, n in per_buurt.items() for i in range(n)]
    export(con, "suite4", "volledig", rows)
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden")
    assert rijen(
        con,
        """select gebied_code, indicator, waarde, onderdrukt, onderdrukt_reden, bron from pub.indicator_waarden
           where jaar = 2024 and indicator in ('beschikt_wmo_clienten', 'beschikt_wmo_per_1000')
           order by gebied_code, indicator""",
    ) == [
        # BU03440112 (3) is hidden, so the smallest other buurt of WK034401 goes too
        ("BU03440111", "beschikt_wmo_clienten", None, True, "secundair onderdrukt (anders terug te rekenen)", "gemeente"),
        ("BU03440111", "beschikt_wmo_per_1000", None, True, "secundair onderdrukt (anders terug te rekenen)", "gemeente"),
        ("BU03440112", "beschikt_wmo_clienten", None, True, "minder dan 8", "gemeente"),
        ("BU03440112", "beschikt_wmo_per_1000", None, True, "minder dan 8", "gemeente"),
        ("BU03440113", "beschikt_wmo_clienten", 20.0, False, None, "gemeente"),
        ("BU03440113", "beschikt_wmo_per_1000", 66.7, False, None, "gemeente"),  # 1000 × 20 / 300
        ("BU03440211", "beschikt_wmo_clienten", 15.0, False, None, "gemeente"),
        ("BU03440211", "beschikt_wmo_per_1000", 75.0, False, None, "gemeente"),
        ("BU03440212", "beschikt_wmo_clienten", 10.0, False, None, "gemeente"),
        ("BU03440212", "beschikt_wmo_per_1000", 50.0, False, None, "gemeente"),
        ("GM0344", "beschikt_wmo_clienten", 60.0, False, None, "gemeente"),
        ("GM0344", "beschikt_wmo_per_1000", 60.0, False, None, "gemeente"),
        ("WK034401", "beschikt_wmo_clienten", 35.0, False, None, "gemeente"),
        ("WK034401", "beschikt_wmo_per_1000", 58.3, False, None, "gemeente"),  # 1000 × 35 / 600
        ("WK034402", "beschikt_wmo_clienten", 25.0, False, None, "gemeente"),
        ("WK034402", "beschikt_wmo_per_1000", 62.5, False, None, "gemeente"),
    ]
    # The mart keeps the true figures (12, 1000 × 12 / 100) for analysts; pub never shows them.
    assert rijen(
        con,
        """select indicator, waarde, teller, noemer from marts.indicator_waarden
           where jaar = 2024 and gebied_code = 'BU03440111' and indicator like 'beschikt_wmo%' order by indicator""",
    ) == [("beschikt_wmo_clienten", 12.0, None, None), ("beschikt_wmo_per_1000", 120.0, 12.0, 100.0)]
    assert {"teller", "noemer"} & {d[0] for d in con.execute("select * from pub.indicator_waarden limit 0").description} == set()


def test_verhoudingen_noemer_uit_het_dichtstbijzijnde_cbs_jaar_en_welk_jaar(con):
    """A year without a CBS noemer takes the nearest CBS year's (the earlier of two equally near) and says which in
    noemer_jaar: beschikkingen before the first and after the last loaded CBS year are not silently empty."""
    export(con, "suite4", "volledig", [b("w1", "c1", "2021-01-01", "2025-06-30")])
    cbs(con, 2022, [("GM0344", None, "inwoners", "100")], ind_wbi=None)
    cbs(con, 2024, [("GM0344", None, "inwoners", "200")], ind_wbi=None)  # no 2023 release loaded
    bouw(con, "marts.indicator_waarden", "pub.indicator_waarden")
    assert rijen(
        con,
        """select jaar, teller, noemer, noemer_jaar, waarde from intermediate.verhoudingen
           where indicator = 'beschikt_wmo_per_1000' and gebied_code = 'GM0344' order by jaar""",
    ) == [
        (2021, 1.0, 100.0, 2022, 10.0),  # before the first CBS year: the first one
        (2022, 1.0, 100.0, 2022, 10.0),  # its own year
        (2023, 1.0, 100.0, 2022, 10.0),  # 2022 and 2024 equally near: the earlier
        (2024, 1.0, 200.0, 2024, 5.0),
        (2025, 1.0, 200.0, 2024, 5.0),  # CBS has not published 2025: the latest
    ]
    # pub publishes the year of the noemer beside the (hidden: 1 client is fewer than 8) rate; a CBS count has none
    assert rijen(
        con,
        """select jaar, indicator, noemer_jaar from pub.indicator_waarden
           where gebied_code = 'GM0344' and indicator in ('beschikt_wmo_per_1000', 'inwoners') order by indicator, jaar""",
    ) == [
        (2021, "beschikt_wmo_per_1000", 2022), (2022, "beschikt_wmo_per_1000", 2022),
        (2023, "beschikt_wmo_per_1000", 2022), (2024, "beschikt_wmo_per_1000", 2024),
        (2025, "beschikt_wmo_per_1000", 2024),
        (2022, "inwoners", None), (2024, "inwoners", None),
    ]  # fmt: skip

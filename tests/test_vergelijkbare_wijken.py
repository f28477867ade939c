"""marts.vergelijkbare_wijken: the five most similar wijken on a standardised CBS profile (DESIGN §6).

Tiny hand-written CBS rows (meta.loads + raw.cbs_kwb), the real build, one query on the mart, compared with
an exact expected output; then the real Utrecht data (demo_db) against an independent Python computation.
"""

from __future__ import annotations

import math
import shutil
import statistics
from functools import partial

from modeltest import bouw, laad, rijen

from wijkprofiel.db import connect
from wijkprofiel.transform.build import bouw_modellen

KOLOMMEN = [
    "wijkcode", "wijk_naam", "gemeente_code", "scope", "rang", "vergelijkbare_wijkcode", "vergelijkbare_wijk_naam",
    "vergelijkbare_gemeente_code", "afstand", "gemeenschappelijke_kenmerken", "peiljaar",
]  # fmt: skip

#: The raw CBS indicators a profile is written as (the shares are computed from counts by the build).
KENMERKEN = (
    "aandeel_65_plus", "aandeel_0_14", "aandeel_eenpersoonshuishoudens", "gemiddelde_huishoudensgrootte",
    "huishoudens_laag_inkomen_pct", "koopwoningen_pct", "corporatiewoningen_pct", "bevolkingsdichtheid",
)  # fmt: skip

#: Four wijken whose z-scores are ±1 on seven features: every feature takes two values, two wijken each, so
#: (value - mean) / population sd = ±1. The splits: AB|CD on age and one-person households (3 features),
#: AC|BD on household size and low income (2), AD|BC on owner-occupied and corporation housing (2).
#: Density 100, 100, 1 000, 10 000 is 0, 0, 1, 2 in units of ln 10: mean 0.75, variance 0.6875 = 11/16, so a
#: step of one ln 10 is a squared z difference of 16/11.
A = dict(zip(KENMERKEN, (10, 15, 40, 1.5, 20, 30, 50, 100)))
B = dict(zip(KENMERKEN, (10, 15, 40, 2.5, 40, 60, 20, 100)))
C = dict(zip(KENMERKEN, (20, 25, 60, 1.5, 20, 60, 20, 1000)))
D = dict(zip(KENMERKEN, (20, 25, 60, 2.5, 40, 30, 50, 10000)))

# Distance = sqrt(sum of squared z differences / 8). A ±1 feature that differs adds 2² = 4.
AB = round(math.sqrt((4 * 4) / 8), 3)  # 1.414: differ on household size, low income and both housing features
AC = BC = round(math.sqrt((5 * 4 + 16 / 11) / 8), 3)  # 1.638: five ±1 features and one density step
AD = BD = round(math.sqrt((5 * 4 + 4 * 16 / 11) / 8), 3)  # 1.796: five ±1 features and two density steps
CD = round(math.sqrt((4 * 4 + 16 / 11) / 8), 3)  # 1.477: four ±1 features and one density step
# Without the log, density 10 000 would be an outlier: C would be nearest to A (1.583), not D.

NAMEN = {"WK034401": "Noord", "WK034402": "Oost", "WK034403": "Zuid", "WK034404": "West", "WK034405": "Haven",
         "WK034406": "Dorp", "WK034407": "Polder", "WK0363AA": "Centrum", "WK0363AB": "Rand"}  # fmt: skip


# ------------------------------------------------------------------------------------------------ helpers


#: A meta.loads row of a CBS KWB file.
laad = partial(laad, bron="cbs_kwb", jaar=2023, tabel_id="85618NED", bestand="/data/cbs/kwb.xlsx")

def kwb(con, load_id: int, rows) -> None:
    """raw.cbs_kwb rows for one load: (code, indicator, waarde, naam)."""
    tabel_id, jaar = con.execute("select tabel_id, jaar from meta.loads where load_id = ?", [load_id]).fetchone()
    con.executemany(
        "insert into raw.cbs_kwb values (?, ?, ?, ?, ?, ?, ?, ?)",
        [[load_id, tabel_id, jaar, code, naam, "1", indicator, waarde] for code, indicator, waarde, naam in rows],
    )


def wijk(con, load_id: int, code: str, profiel: dict) -> None:
    """A wijk's CBS rows from a profile. Shares are written as counts of 1 000 inwoners / huishoudens, as CBS
    publishes them; a feature that is None is a '.' cell (unknown), a feature not in the dict has no row."""

    def tekst(x):
        return "." if x is None else str(x)

    def telling(x):
        return "." if x is None else str(round(x * 10))

    rows = [(code, "inwoners", "1000"), (code, "huishoudens", "1000")]
    for kenmerk, waarde in profiel.items():
        if kenmerk == "aandeel_65_plus":
            rows.append((code, "inwoners_65_plus", telling(waarde)))
        elif kenmerk == "aandeel_0_14":
            rows.append((code, "inwoners_0_14", telling(waarde)))
        elif kenmerk == "aandeel_eenpersoonshuishoudens":
            rows.append((code, "eenpersoonshuishoudens", telling(waarde)))
        else:
            rows.append((code, kenmerk, tekst(waarde)))
    kwb(con, load_id, [(*row, NAMEN[code]) for row in rows])


def resultaat(con) -> list[tuple]:
    return rijen(con, "select * from marts.vergelijkbare_wijken")


def rij(wijkcode, rang, buur, afstand, *, scope="gemeente", kenmerken=8, peiljaar=2023, gemeente="GM0344",
        buurgemeente="GM0344"):  # fmt: skip
    return (wijkcode, NAMEN[wijkcode], gemeente, scope, rang, buur, NAMEN[buur], buurgemeente, afstand, kenmerken,
            peiljaar)  # fmt: skip


def vier_wijken_verwacht(peiljaar: int) -> list[tuple]:
    return [
        rij("WK034401", 1, "WK034402", AB, peiljaar=peiljaar),
        rij("WK034401", 2, "WK034403", AC, peiljaar=peiljaar),
        rij("WK034401", 3, "WK034404", AD, peiljaar=peiljaar),
        rij("WK034402", 1, "WK034401", AB, peiljaar=peiljaar),
        rij("WK034402", 2, "WK034403", BC, peiljaar=peiljaar),
        rij("WK034402", 3, "WK034404", BD, peiljaar=peiljaar),
        rij("WK034403", 1, "WK034404", CD, peiljaar=peiljaar),
        rij("WK034403", 2, "WK034401", AC, peiljaar=peiljaar),  # a tie with B (1.638): broken by code
        rij("WK034403", 3, "WK034402", BC, peiljaar=peiljaar),
        rij("WK034404", 1, "WK034403", CD, peiljaar=peiljaar),
        rij("WK034404", 2, "WK034401", AD, peiljaar=peiljaar),
        rij("WK034404", 3, "WK034402", BD, peiljaar=peiljaar),
    ]


# ------------------------------------------------------------------------------------------------ tests


def test_vier_wijken_buren_en_rangen_zoals_met_de_hand_berekend(con):
    load = laad(con)
    for code, profiel in zip(("WK034401", "WK034402", "WK034403", "WK034404"), (A, B, C, D)):
        wijk(con, load, code, profiel)
    bouw(con, "marts.vergelijkbare_wijken")
    assert [d[0] for d in con.execute("select * from marts.vergelijkbare_wijken limit 0").description] == KOLOMMEN
    assert resultaat(con) == vier_wijken_verwacht(peiljaar=2023)


def test_kenmerk_dat_in_het_laatste_jaar_ontbreekt_komt_uit_het_jaar_ervoor(con):
    """As CBS publishes: the 2024 table has age, household and density, but income and housing are '.' (not yet
    published). Per wijk and feature the latest year that has a value counts: income and housing from 2023,
    the rest from 2024 (2023's values for those belong to another wijk's profile and must not be used)."""
    oud, nieuw = laad(con, jaar=2023), laad(con, jaar=2024, tabel_id="85984NED")
    later = ("huishoudens_laag_inkomen_pct", "koopwoningen_pct", "corporatiewoningen_pct")
    codes = ("WK034401", "WK034402", "WK034403", "WK034404")
    for code, profiel, ander in zip(codes, (A, B, C, D), (B, C, D, A)):
        wijk(con, oud, code, {k: (profiel[k] if k in later else ander[k]) for k in KENMERKEN})
        wijk(con, nieuw, code, {k: (None if k in later else profiel[k]) for k in KENMERKEN})
    # WK034401 does have koopwoningen in 2024: that value counts, not the (wrong) 2023 one.
    con.execute("update raw.cbs_kwb set waarde = '90' where load_id = ? and gebied_code = 'WK034401' "
                "and indicator = 'koopwoningen_pct'", [oud])
    con.execute("update raw.cbs_kwb set waarde = ? where load_id = ? and gebied_code = 'WK034401' "
                "and indicator = 'koopwoningen_pct'", [str(A["koopwoningen_pct"]), nieuw])
    bouw(con, "marts.vergelijkbare_wijken")
    assert resultaat(con) == vier_wijken_verwacht(peiljaar=2024)


def test_inkomen_valt_terug_op_gemiddeld_inkomen_met_omgekeerd_teken(con):
    """C and D have no low-income share, only the average income per inwoner. Its z-score is reversed: C (rich)
    then sits with A (few low incomes), D (poor) with B. Every other feature splits AB|CD."""
    load = laad(con)
    basis_ab = {k: A[k] for k in KENMERKEN if k != "huishoudens_laag_inkomen_pct"}
    basis_cd = {k: D[k] for k in KENMERKEN if k != "huishoudens_laag_inkomen_pct"}
    basis_ab["bevolkingsdichtheid"], basis_cd["bevolkingsdichtheid"] = 100, 1000
    basis_ab["gemiddelde_huishoudensgrootte"], basis_cd["gemiddelde_huishoudensgrootte"] = 1.5, 2.5
    basis_ab["koopwoningen_pct"], basis_cd["koopwoningen_pct"] = 30, 60
    basis_ab["corporatiewoningen_pct"], basis_cd["corporatiewoningen_pct"] = 50, 20
    wijk(con, load, "WK034401", {**basis_ab, "huishoudens_laag_inkomen_pct": 20})
    wijk(con, load, "WK034402", {**basis_ab, "huishoudens_laag_inkomen_pct": 40})
    wijk(con, load, "WK034403", {**basis_cd, "huishoudens_laag_inkomen_pct": None, "gemiddeld_inkomen_per_inwoner": 50})
    wijk(con, load, "WK034404", {**basis_cd, "huishoudens_laag_inkomen_pct": None, "gemiddeld_inkomen_per_inwoner": 20})
    bouw(con, "marts.vergelijkbare_wijken")
    zelfde = round(math.sqrt(4 / 8), 3)  # 0.707: only income differs
    inkomen_gelijk = round(math.sqrt(7 * 4 / 8), 3)  # 1.871: the seven AB|CD features differ
    alles_anders = round(math.sqrt(8 * 4 / 8), 3)  # 2.0
    assert resultaat(con) == [
        rij("WK034401", 1, "WK034402", zelfde),
        rij("WK034401", 2, "WK034403", inkomen_gelijk),
        rij("WK034401", 3, "WK034404", alles_anders),
        rij("WK034402", 1, "WK034401", zelfde),
        rij("WK034402", 2, "WK034404", inkomen_gelijk),
        rij("WK034402", 3, "WK034403", alles_anders),
        rij("WK034403", 1, "WK034404", zelfde),
        rij("WK034403", 2, "WK034401", inkomen_gelijk),
        rij("WK034403", 3, "WK034402", alles_anders),
        rij("WK034404", 1, "WK034403", zelfde),
        rij("WK034404", 2, "WK034402", inkomen_gelijk),
        rij("WK034404", 3, "WK034401", alles_anders),
    ]


def test_paar_met_minder_dan_vijf_gemeenschappelijke_kenmerken_wordt_niet_gerangschikt(con):
    load = laad(con)
    for code, profiel in zip(("WK034401", "WK034402", "WK034403", "WK034404"), (A, B, C, D)):
        wijk(con, load, code, profiel)
    eerste_vijf = KENMERKEN[:5]  # age, household, income
    zonder_inkomen = KENMERKEN[:4] + KENMERKEN[5:]  # age, household, housing, density
    wijk(con, load, "WK034405", {k: A[k] for k in eerste_vijf})
    wijk(con, load, "WK034406", {k: D[k] for k in zonder_inkomen})
    # Only three features: too few in common with anyone.
    wijk(con, load, "WK034407", {k: B[k] for k in ("aandeel_65_plus", "aandeel_0_14", "gemiddelde_huishoudensgrootte")})
    bouw(con, "marts.vergelijkbare_wijken")
    paren = rijen(
        con,
        """select wijkcode, vergelijkbare_wijkcode, gemeenschappelijke_kenmerken from marts.vergelijkbare_wijken
           order by wijkcode, vergelijkbare_wijkcode""",
    )
    volledig = ("WK034401", "WK034402", "WK034403", "WK034404")
    verwacht = []
    for a in volledig:
        verwacht += [(a, b, 8) for b in volledig if b != a]
        verwacht += [(a, "WK034405", 5), (a, "WK034406", 7)]  # WK034405 and WK034406 share 5 and 7 with them
    # WK034405 and WK034406 share only age and household (4): they never meet; WK034407 meets nobody.
    verwacht += [("WK034405", b, 5) for b in volledig] + [("WK034406", b, 7) for b in volledig]
    assert paren == sorted(verwacht)
    assert rijen(con, "select wijkcode, count(*), max(rang) from marts.vergelijkbare_wijken group by 1 order by 1") == [
        ("WK034401", 5, 5), ("WK034402", 5, 5), ("WK034403", 5, 5), ("WK034404", 5, 5), ("WK034405", 4, 4),
        ("WK034406", 4, 4),
    ]  # fmt: skip


def test_alleen_wijken_van_het_laatste_jaar_van_de_gemeente_doen_mee(con):
    """WK034405 existed in 2023 but not in 2024 (boundaries changed): it is neither compared nor a neighbour,
    and it does not count in the standardisation."""
    oud, nieuw = laad(con, jaar=2023), laad(con, jaar=2024, tabel_id="85984NED")
    for code, profiel in zip(("WK034401", "WK034402", "WK034403", "WK034404"), (A, B, C, D)):
        wijk(con, oud, code, profiel)
        wijk(con, nieuw, code, profiel)
    wijk(con, oud, "WK034405", A)
    bouw(con, "marts.vergelijkbare_wijken")
    assert resultaat(con) == vier_wijken_verwacht(peiljaar=2024)


def test_twee_gemeenten_landelijk_kiest_over_de_grens_gemeente_nooit(con):
    utrecht, amsterdam = laad(con, gemeente="GM0344"), laad(con, gemeente="GM0363")
    wijk(con, utrecht, "WK034401", A)
    wijk(con, utrecht, "WK034402", C)
    wijk(con, utrecht, "WK034403", D)
    wijk(con, amsterdam, "WK0363AA", {**A, "bevolkingsdichtheid": 110})  # almost WK034401's twin
    wijk(con, amsterdam, "WK0363AB", B)
    bouw(con, "marts.vergelijkbare_wijken")
    buren = rijen(
        con,
        """select wijkcode, scope, list(vergelijkbare_wijkcode order by rang)
           from marts.vergelijkbare_wijken group by all order by all""",
    )
    assert buren == [
        # WK034401's twin across the border is its nearest nationally (0.018), out of reach in its own gemeente.
        ("WK034401", "gemeente", ["WK034402", "WK034403"]),
        ("WK034401", "landelijk", ["WK0363AA", "WK0363AB", "WK034402", "WK034403"]),
        ("WK034402", "gemeente", ["WK034403", "WK034401"]),
        # The twin's density (110) is a little closer to WK034402's (1 000) than WK034401's (100) is.
        ("WK034402", "landelijk", ["WK034403", "WK0363AA", "WK034401", "WK0363AB"]),
        ("WK034403", "gemeente", ["WK034402", "WK034401"]),
        ("WK034403", "landelijk", ["WK034402", "WK0363AA", "WK034401", "WK0363AB"]),
        ("WK0363AA", "gemeente", ["WK0363AB"]),
        ("WK0363AA", "landelijk", ["WK034401", "WK0363AB", "WK034402", "WK034403"]),
        ("WK0363AB", "gemeente", ["WK0363AA"]),
        # WK034401 and WK0363AA are both 1.443 from WK0363AB (3 decimals): the tie goes by code.
        ("WK0363AB", "landelijk", ["WK034401", "WK0363AA", "WK034402", "WK034403"]),
    ]
    assert rijen(
        con, "select afstand from marts.vergelijkbare_wijken where wijkcode = 'WK034401' and scope = 'landelijk'"
    ) == [(0.018,), (1.443,), (1.674,), (1.843,)]
    # scope gemeente never leaves the gemeente; landelijk does.
    assert rijen(
        con,
        """select scope, bool_or(vergelijkbare_gemeente_code <> gemeente_code) from marts.vergelijkbare_wijken
           group by 1 order by 1""",
    ) == [("gemeente", False), ("landelijk", True)]
    assert rijen(
        con,
        """select distinct gemeente_code, vergelijkbare_gemeente_code from marts.vergelijkbare_wijken
           where scope = 'gemeente' order by 1""",
    ) == [("GM0344", "GM0344"), ("GM0363", "GM0363")]
    # One standardisation over all loaded wijken: a pair has the same distance in both scopes.
    assert rijen(
        con,
        """select count(*) from marts.vergelijkbare_wijken g
           join marts.vergelijkbare_wijken l using (wijkcode, vergelijkbare_wijkcode)
           where g.scope = 'gemeente' and l.scope = 'landelijk' and g.afstand = l.afstand""",
    ) == [(2 * 3 + 2 * 1,)]


def test_elke_kolom_en_de_tabel_hebben_commentaar(con):
    load = laad(con)
    for code, profiel in zip(("WK034401", "WK034402", "WK034403", "WK034404"), (A, B, C, D)):
        wijk(con, load, code, profiel)
    bouw(con)
    ((tabel,),) = rijen(
        con, "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'vergelijkbare_wijken'"
    )
    # The method and every feature are named.
    for woord in ("z-score", "root mean squared", "fewer than 5", "gemiddeld_inkomen_per_inwoner with the sign reversed",
                  "ln(bevolkingsdichtheid)", *KENMERKEN[:7]):  # fmt: skip
        assert woord in tabel
    assert rijen(
        con,
        """select column_name from duckdb_columns() where schema_name = 'marts' and table_name = 'vergelijkbare_wijken'
           and coalesce(trim(comment), '') = ''""",
    ) == []


# ------------------------------------------------------------------------------------------------ real data


def _referentie(con) -> list[tuple]:
    """The mart's scope-gemeente rows computed in Python from marts.indicator_waarden, independently of the SQL."""
    rows = rijen(
        con,
        """select gebied_code, gebied_naam, gemeente_code, jaar, indicator, waarde from marts.indicator_waarden
           where gebied_niveau = 'wijk' and bron = 'cbs'""",
    )
    laatste = {}
    for _, _, gemeente, jaar, _, _ in rows:
        laatste[gemeente] = max(laatste.get(gemeente, jaar), jaar)
    wijken = {code: (naam, gemeente) for code, naam, gemeente, jaar, _, _ in rows if jaar == laatste[gemeente]}
    indicatoren = KENMERKEN + ("gemiddeld_inkomen_per_inwoner",)
    waarde, jaar_van = {}, {}
    for code, _, _, jaar, indicator, w in rows:
        if code in wijken and indicator in indicatoren and w is not None and jaar >= jaar_van.get((code, indicator), 0):
            waarde[code, indicator], jaar_van[code, indicator] = w, jaar
    z = {}
    for indicator in indicatoren:
        codes = [c for c in wijken if (c, indicator) in waarde]
        x = [waarde[c, indicator] for c in codes]
        if indicator == "bevolkingsdichtheid":
            x = [math.log(max(v, 1)) for v in x]
        teken = -1 if indicator == "gemiddeld_inkomen_per_inwoner" else 1
        sd = statistics.pstdev(x) if x else 0
        for c, v in zip(codes, x):
            if sd:
                z[c, indicator] = teken * (v - statistics.fmean(x)) / sd
    profiel, peiljaar = {}, {}
    for c in wijken:
        inkomen = "huishoudens_laag_inkomen_pct" if (c, "huishoudens_laag_inkomen_pct") in z else "gemiddeld_inkomen_per_inwoner"
        gekozen = [inkomen if i == "huishoudens_laag_inkomen_pct" else i for i in KENMERKEN]
        profiel[c] = [z.get((c, i)) for i in gekozen]
        peiljaar[c] = max(jaar_van[c, i] for i in gekozen if (c, i) in z)
    uit = []
    for a, (naam, gemeente) in sorted(wijken.items()):
        kandidaten = []
        for b, (bnaam, bgemeente) in wijken.items():
            verschillen = [(x - y) ** 2 for x, y in zip(profiel[a], profiel[b]) if x is not None and y is not None]
            if b != a and bgemeente == gemeente and len(verschillen) >= 5:
                afstand = round(math.sqrt(sum(verschillen) / len(verschillen)), 3)
                kandidaten.append((afstand, b, bnaam, bgemeente, len(verschillen)))
        for rang, (afstand, b, bnaam, bgemeente, n) in enumerate(sorted(kandidaten)[:5], start=1):
            uit.append((a, naam, gemeente, "gemeente", rang, b, bnaam, bgemeente, afstand, n, peiljaar[a]))
    return uit


def rijen_per_wijk(uitkomst) -> dict[str, list[int]]:
    per_wijk: dict[str, list[int]] = {}
    for r in uitkomst:
        per_wijk.setdefault(r[0], []).append(r[4])
    return per_wijk


def test_utrecht_elke_wijk_vijf_buren_in_de_gemeente_en_deterministisch(demo_db, tmp_path):
    with connect(demo_db, read_only=True) as con:
        uitkomst = resultaat(con)
        referentie = _referentie(con)
    assert rijen_per_wijk(uitkomst) == {f"WK0344{n:02d}": [1, 2, 3, 4, 5] for n in range(1, 11)}
    assert {r[3] for r in uitkomst} == {"gemeente"}  # one gemeente loaded: no landelijk rows
    assert all(r[0] != r[5] and r[2] == r[7] == "GM0344" for r in uitkomst)
    # Age and household from 2024; income, housing and density only in 2023: all 8 features, peiljaar 2024.
    assert {(r[9], r[10]) for r in uitkomst} == {(8, 2024)}
    assert uitkomst == referentie
    # Rebuilt on a copy with one thread: exactly the same rows in the same order.
    kopie = tmp_path / "kopie.duckdb"
    shutil.copy(demo_db, kopie)
    with connect(kopie) as con:
        con.execute("set threads = 1")
        bouw_modellen(con)
        assert resultaat(con) == uitkomst

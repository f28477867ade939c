"""staging.signalen, staging.kansen and the pub views pub.kansen, pub.rode_draden, pub.gebied_grenzen and
pub.vergelijkbare_wijken on a handful of hand-written rows, compared with an exact expected output.

Each test makes a fresh DuckDB file, writes rows straight into raw.* (with their meta.loads rows, the way the
loaders write them: wijkcode and gemeentecode already derived from a given buurtcode; row builders in
tests/modeltest.py), builds the model it queries and what that model reads (the real build with the packaged
catalogue, themes and koppelingen, `select` +model) and queries that model. The names say the rule.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date

import modeltest
import shapely
from modeltest import (
    bespreking,
    casussen,
    cbs,
    kans,
    kolommen,
    laad,
    rijen,
    rode_draden_in_woorden,
    signaal,
)
from pyproj import Transformer

GM = "GM0344"
BU_A, BU_B, BU_C = "BU03440311", "BU03440312", "BU03440100"  # A and B in WK034403, C in WK034401
WK_AB, WK_C = "WK034403", "WK034401"


# ------------------------------------------------------------------------------------------------ helpers


def bouw(con, *modellen: str) -> None:
    """The real build of `modellen` (and what they read) on the rows the test wrote, with the packaged catalogue,
    themes and koppelingen."""
    modeltest.bouw(con, *modellen, catalogi=True)


def kans_id(bron: str, naam: str, adres, buurtcode, lat, lon, bron_rij: int) -> str:
    """The id staging.kansen documents: md5 over bron|naam|adres|buurtcode|lat|lon|bron_rij, NULLs left out."""
    delen = [bron, naam, adres, buurtcode, None if lat is None else repr(lat), None if lon is None else repr(lon), str(bron_rij)]
    return hashlib.md5("|".join(d for d in delen if d is not None).encode()).hexdigest()


def treffers(con, tekst: str, schemas=("intermediate", "marts", "pub", "meta")) -> list[tuple[str, str]]:
    """(relation, column) of every column in `schemas` whose value, as text, contains `tekst`."""
    uit = []
    for schema, tabel, kolom in rijen(
        con,
        f"""select schema_name, table_name, column_name from duckdb_columns()
            where schema_name in ({', '.join('?' * len(schemas))}) and data_type not in ('BLOB')
            order by all""",
        list(schemas),
    ):
        relatie = f'{schema}."{tabel}"'
        if rijen(con, f'select count(*) from {relatie} where contains("{kolom}"::varchar, ?)', [tekst])[0][0]:
            uit.append((relatie, kolom))
    return uit


# ------------------------------------------------------------------------------------------------ staging.signalen

SIGNALEN_KOLOMMEN = [
    "partner", "signaal_periode", "jaar", "thema", "thema_onbekend", "aantal", "percentage", "n", "vraag", "toelichting",
    "publiceerbaar", "buurtcode", "wijkcode", "gemeentecode", "plaatsing", "bron", "periode", "bron_bestand", "bron_rij",
    "load_id",
]  # fmt: skip


def test_staging_signalen_nieuwste_export_van_bron_en_periode_vervangt_de_oudere(con):
    oud = laad(con, "signalen")
    ander_periode = laad(con, "signalen")
    nieuw = laad(con, "signalen")
    andere_bron = laad(con, "signalen")
    enquete = laad(con, "enquete")
    # the newer export's rows are written first: only the load_id decides, not the order of the rows
    signaal(con, nieuw, "huisarts", "2024-K1", "eenzaamheid", wijk=WK_AB, aantal=4, bron_periode="2024", bron_rij=1)
    signaal(con, nieuw, "poh", "2024-07", "psychische_problemen", buurt=BU_B, aantal=11, bron_periode="2024", bron_rij=2)
    signaal(con, oud, "huisarts", "2024-K1", "eenzaamheid", wijk=WK_AB, aantal=3, bron_periode="2024", bron_rij=1)
    signaal(con, oud, "wijkagent", "2024-K2", "overlast_en_veiligheid", buurt=BU_A, aantal=9, bron_periode="2024",
            bron_rij=2)                                                       # gone from the newer export: gone
    signaal(con, ander_periode, "huisarts", "2023", "eenzaamheid", wijk=WK_AB, aantal=2, bron_periode="2023", bron_rij=1)
    signaal(con, andere_bron, "ggz", "2024", "zorgmijding", wijk=WK_C, aantal=8, bron="partners-zuid",
            bron_periode="2024", bron_rij=1)
    signaal(con, enquete, "enquete", "onbekend", "eenzaamheid", wijk=WK_C, percentage=12.5, n=240,
            vraag="Voelt u zich vaak alleen?", publiceerbaar=True, bron="enquete", bron_rij=1)
    bouw(con, "staging.signalen")
    assert kolommen(con, "staging.signalen") == SIGNALEN_KOLOMMEN
    assert rijen(con, "select * from staging.signalen order by bron, periode, bron_rij") == [
        ("enquete", "onbekend", None, "eenzaamheid", False, None, 12.5, 240, "Voelt u zich vaak alleen?", None, True,
         None, WK_C, GM, "wijkcode", "enquete", "volledig", "/data/enquete.csv", 1, enquete),
        ("huisarts", "2023", 2023, "eenzaamheid", False, 2, None, None, None, None, False,
         None, WK_AB, GM, "wijkcode", "partners", "2023", "/data/partners.csv", 1, ander_periode),  # another periode stays
        ("huisarts", "2024-K1", 2024, "eenzaamheid", False, 4, None, None, None, None, False,
         None, WK_AB, GM, "wijkcode", "partners", "2024", "/data/partners.csv", 1, nieuw),
        ("poh", "2024-07", 2024, "psychische_problemen", False, 11, None, None, None, None, False,
         BU_B, WK_AB, GM, "buurtcode", "partners", "2024", "/data/partners.csv", 2, nieuw),
        ("ggz", "2024", 2024, "zorgmijding", False, 8, None, None, None, None, False,
         None, WK_C, GM, "wijkcode", "partners-zuid", "2024", "/data/partners-zuid.csv", 1, andere_bron),
    ]  # fmt: skip


def test_staging_signalen_enquete_vervangt_geen_partnersignalen_met_hetzelfde_bronlabel(con):
    s = laad(con, "signalen", bestand="/data/signalen/noord-2024.csv")
    signaal(con, s, "huisarts", "2024", "eenzaamheid", wijk=WK_AB, aantal=12, bron="noord", bron_rij=1)
    signaal(con, s, "wijkagent", "2024", "overlast_en_veiligheid", wijk=WK_AB, aantal=9, bron="noord", bron_rij=2)
    e = laad(con, "enquete", bestand="/data/enquete/noord-2024.csv")
    signaal(con, e, "enquete", "2024", "eenzaamheid", wijk=WK_AB, percentage=12.5, n=200, publiceerbaar=True, bron="noord",
            bron_rij=1)
    bouw(con, "staging.signalen")
    # a newer export replaces the older one of the same source; an enquête is not a newer partner export
    assert rijen(con, "select partner, thema, load_id from staging.signalen order by load_id, bron_rij") == [
        ("huisarts", "eenzaamheid", s), ("wijkagent", "overlast_en_veiligheid", s), ("enquete", "eenzaamheid", e)]


def test_staging_signalen_enquete_zonder_periode_en_zonder_signalen_bouwt(con):
    cbs(con, 2024, [(GM, "Utrecht", "inwoners", "1000"), (WK_AB, "Wijk 03", "inwoners", "500"),
                    (WK_C, "Wijk 01", "inwoners", "500")])
    e = laad(con, "enquete")
    signaal(con, e, "enquete", "onbekend", "eenzaamheid", wijk=WK_AB, percentage=12.5, n=200, publiceerbaar=True,
            bron="enquete", bron_rij=1)
    bouw(con, "staging.signalen")
    assert rijen(con, "select partner, signaal_periode, jaar, thema, percentage, n from staging.signalen") == [
        ("enquete", "onbekend", None, "eenzaamheid", 12.5, 200)]


VERTROUWELIJK = "VERTROUWELIJK: mevrouw De Vries (Lindelaan 4) belt dagelijks"
OPENBAAR = "Meer ouderen alleen op het spreekuur"


def test_staging_signalen_jaar_thema_onbekend_en_toelichting_met_publiceerbaar(con):
    s = laad(con, "signalen")
    signaal(con, s, "huisarts", "2024-K3", "eenzaamheid", wijk=WK_AB, aantal=12, toelichting=OPENBAAR, publiceerbaar=True)
    signaal(con, s, "wijkagent", "2024-11", "overlast_en_veiligheid", buurt=BU_A, aantal=9, toelichting=VERTROUWELIJK,
            publiceerbaar=False)
    signaal(con, s, "woningcorporatie", "2023", "onbekend:huurachterstand", wijk=WK_C, aantal=15, publiceerbaar=True)
    signaal(con, s, "ggz", "2024", "psychische_problemen", wijk=WK_C, toelichting="Wachtlijst langer", publiceerbaar=False)
    bouw(con, "intermediate.signalen_per_wijk", "staging.signalen")
    assert rijen(con, """select partner, signaal_periode, jaar, thema, thema_onbekend, aantal, toelichting, publiceerbaar
                         from staging.signalen order by bron_rij""") == [
        ("huisarts", "2024-K3", 2024, "eenzaamheid", False, 12, OPENBAAR, True),
        # staging is person-level: it keeps the partner's text as sent, with the flag that says it may not go out
        ("wijkagent", "2024-11", 2024, "overlast_en_veiligheid", False, 9, VERTROUWELIJK, False),
        ("woningcorporatie", "2023", 2023, "onbekend:huurachterstand", True, 15, None, True),
        ("ggz", "2024", 2024, "psychische_problemen", False, None, "Wachtlijst langer", False),
    ]
    # Downstream only the publiceerbaar text goes on ...
    assert rijen(con, """select wijkcode, thema, partner, toelichtingen_publiceerbaar from intermediate.signalen_per_wijk
                         order by wijkcode, thema, partner""") == [
        (WK_C, "onbekend:huurachterstand", "woningcorporatie", None),
        (WK_C, "psychische_problemen", "ggz", None),
        (WK_AB, "eenzaamheid", "huisarts", [OPENBAAR]),
        (WK_AB, "overlast_en_veiligheid", "wijkagent", None),
    ]
    # ... and a text that is not publiceerbaar is in no column of any layer after staging, nor the name in it.
    for tekst in (VERTROUWELIJK, "De Vries", "Wachtlijst langer"):
        assert treffers(con, tekst) == [], tekst
    assert treffers(con, OPENBAAR) == [('intermediate."signalen_per_wijk"', "toelichtingen_publiceerbaar")]


# ------------------------------------------------------------------------------------------------ staging.kansen

KANSEN_KOLOMMEN = [
    "kans_id", "naam", "soort", "themas", "adres", "lat", "lon", "contact", "buurtcode", "wijkcode", "gemeentecode",
    "plaatsing", "bron", "periode", "bron_bestand", "bron_rij", "load_id",
]  # fmt: skip


def test_staging_kansen_nieuwste_bestand_vervangt_ouder_met_stabiel_kans_id(con):
    oud = laad(con, "kansen")
    nieuw = laad(con, "kansen")
    andere_bron = laad(con, "kansen")
    # the newer file first: the load_id decides
    kans(con, nieuw, "Buurthuis De Linde", ["eenzaamheid", "meedoen"], buurt=BU_A, adres="Lindeplein 1",
         contact="030 123 45 67", bron_rij=1)
    kans(con, nieuw, "Geldinloop Het Anker", ["geldzorgen"], lat=52.0907, lon=5.1214, soort="inloop", plaatsing="geen",
         bron_rij=2)
    kans(con, oud, "Buurthuis De Linde", ["eenzaamheid"], buurt=BU_A, adres="Lindeplein 1", bron_rij=1)
    kans(con, oud, "Inloop Oud", ["geldzorgen"], buurt=BU_B, soort="inloop", bron_rij=2)   # gone from the newer file
    kans(con, andere_bron, "Taalcafé", ["meedoen"], buurt=BU_C, adres="Kerkstraat 2", soort="vrijwilligersinitiatief",
         plaatsing="pc6", bron="vrijwilligers", bron_rij=1)
    bouw(con, "staging.kansen")
    linde = kans_id("kansen", "Buurthuis De Linde", "Lindeplein 1", BU_A, None, None, 1)
    anker = kans_id("kansen", "Geldinloop Het Anker", None, None, 52.0907, 5.1214, 2)
    taal = kans_id("vrijwilligers", "Taalcafé", "Kerkstraat 2", BU_C, None, None, 1)
    assert kolommen(con, "staging.kansen") == KANSEN_KOLOMMEN
    assert rijen(con, "select * from staging.kansen order by bron, bron_rij") == [
        # the same kans on the same row of the newer file keeps its id (reports and the kaart join on it)
        (linde, "Buurthuis De Linde", "buurthuis", ["eenzaamheid", "meedoen"], "Lindeplein 1", None, None, "030 123 45 67",
         BU_A, WK_AB, GM, "buurtcode", "kansen", "volledig", "/data/kansen.csv", 1, nieuw),
        (anker, "Geldinloop Het Anker", "inloop", ["geldzorgen"], None, 52.0907, 5.1214, None,
         None, None, GM, "geen", "kansen", "volledig", "/data/kansen.csv", 2, nieuw),
        (taal, "Taalcafé", "vrijwilligersinitiatief", ["meedoen"], "Kerkstraat 2", None, None, None,
         BU_C, WK_C, GM, "pc6", "vrijwilligers", "volledig", "/data/vrijwilligers.csv", 1, andere_bron),
    ]  # fmt: skip
    assert len({linde, anker, taal}) == 3


def test_staging_kansen_kans_id_onderscheidt_gelijknamige_kansen(con):
    k = laad(con, "kansen")
    kans(con, k, "Taalcafé", ["meedoen"], lat=52.1, lon=5.1, plaatsing="geen", bron_rij=1)
    kans(con, k, "Taalcafé", ["meedoen"], lat=52.1, lon=5.1, plaatsing="geen", bron_rij=2)   # the same spot, twice
    kans(con, k, "Taalcafé", ["meedoen"], buurt=BU_A, bron_rij=3)
    bouw(con, "staging.kansen")
    assert rijen(con, "select kans_id, bron_rij from staging.kansen order by bron_rij") == [
        (kans_id("kansen", "Taalcafé", None, None, 52.1, 5.1, 1), 1),
        (kans_id("kansen", "Taalcafé", None, None, 52.1, 5.1, 2), 2),
        (kans_id("kansen", "Taalcafé", None, BU_A, None, None, 3), 3),
    ]
    assert rijen(con, "select count(distinct kans_id) from staging.kansen") == [(3,)]


def test_staging_kansen_kans_id_uniek_ook_met_twee_perioden(con):
    a = laad(con, "kansen")
    b = laad(con, "kansen")
    kans(con, a, "Buurthuis De Linde", ["eenzaamheid"], buurt=BU_A, adres="Lindeplein 1", periode="2023", bron_rij=1)
    kans(con, b, "Buurthuis De Linde", ["eenzaamheid"], buurt=BU_A, adres="Lindeplein 1", periode="2024", bron_rij=1)
    bouw(con, "pub.kansen", "staging.kansen")
    # Whichever the intent (per source the newest file, as the model's comment says, or one row per period with
    # its own id), an id is unique and a report lists a facility once per theme.
    assert rijen(con, "select count(*) = count(distinct kans_id) from staging.kansen") == [(True,)]
    assert rijen(con, "select naam, count(*) from pub.kansen group by naam") == [("Buurthuis De Linde", 1)]


# ------------------------------------------------------------------------------------------------ pub.kansen

_NAAR_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)


def wgs84(x: float, y: float) -> tuple[float, float]:
    """An RD New point as (lat, lon), rounded to 6 decimals like a kansen file would give it."""
    lon, lat = _NAAR_WGS84.transform(x, y)
    return round(lat, 6), round(lon, 6)


def grens(con, load_id: int, jaar: int, niveau: str, code: str, naam: str, vak: tuple[float, float, float, float]) -> bytes:
    """A rectangular boundary in RD New, as raw.cbs_grenzen stores it (WKB); returns the WKB."""
    wkb = shapely.to_wkb(shapely.box(*vak))
    con.execute("insert into raw.cbs_grenzen values (?, ?, ?, ?, ?, ?)", [load_id, jaar, niveau, code, naam, wkb])
    return wkb


def test_pub_kansen_toont_de_openbare_kolommen_per_wijk_en_thema(con):
    g = laad(con, "grenzen", tabel_id="buurt", jaar=2024)
    grens(con, g, 2024, "buurt", BU_A, "Buurt A", (135000, 458000, 136000, 459000))
    grens(con, g, 2024, "buurt", BU_B, "Buurt B", (136000, 458000, 137000, 459000))
    lat_b, lon_b = wgs84(136500, 458500)           # inside BU_B
    lat_x, lon_x = wgs84(150500, 458500)           # in no loaded buurt
    oud = laad(con, "kansen")
    kans(con, oud, "Buurthuis Gesloten", ["eenzaamheid"], buurt=BU_A)     # replaced by the newer file
    k = laad(con, "kansen")
    kans(con, k, "Buurthuis De Linde", ["meedoen", "eenzaamheid"], buurt=BU_A, adres="Lindeplein 1",
         contact="info@delinde.example")
    kans(con, k, "Geldinloop Het Anker", ["geldzorgen"], lat=lat_b, lon=lon_b, soort="inloop", plaatsing="geen")
    kans(con, k, "Taalcafé Buiten", ["meedoen"], lat=lat_x, lon=lon_x, soort="vrijwilligersinitiatief", plaatsing="geen")
    kans(con, k, "Opvoedsteunpunt", ["opvoeding"], buurt=BU_C, adres="Plein 1", plaatsing="pc6")
    bouw(con, "marts.kansen_per_wijk", "pub.kansen", "staging.kansen")
    ids = dict(rijen(con, "select naam, kans_id from staging.kansen"))
    assert kolommen(con, "pub.kansen") == [
        "kans_id", "wijkcode", "buurtcode", "gemeente_code", "thema", "naam", "soort", "adres", "contact", "lat", "lon"]
    # One row per kans and theme, by wijk, theme and name (a kans placed nowhere last); how it was placed and
    # where it came from (file, row, load) stay in the mart and staging.
    assert rijen(con, "select * from pub.kansen") == [
        (ids["Opvoedsteunpunt"], WK_C, BU_C, GM, "opvoeding", "Opvoedsteunpunt", "buurthuis", "Plein 1", None, None, None),
        (ids["Buurthuis De Linde"], WK_AB, BU_A, GM, "eenzaamheid", "Buurthuis De Linde", "buurthuis", "Lindeplein 1",
         "info@delinde.example", None, None),
        (ids["Geldinloop Het Anker"], WK_AB, BU_B, GM, "geldzorgen", "Geldinloop Het Anker", "inloop", None, None,
         lat_b, lon_b),                                                           # placed by its coordinates
        (ids["Buurthuis De Linde"], WK_AB, BU_A, GM, "meedoen", "Buurthuis De Linde", "buurthuis", "Lindeplein 1",
         "info@delinde.example", None, None),
        (ids["Taalcafé Buiten"], None, None, GM, "meedoen", "Taalcafé Buiten", "vrijwilligersinitiatief", None, None,
         lat_x, lon_x),
    ]  # fmt: skip
    assert rijen(con, "select count(*) from pub.kansen where naam = 'Buurthuis Gesloten'") == [(0,)]
    # the same rows as the mart, without plaatsing
    assert rijen(con, "select * from pub.kansen") == rijen(con, "select * exclude (plaatsing) from marts.kansen_per_wijk")


# ------------------------------------------------------------------------------------------------ pub.gebied_grenzen


def test_pub_gebied_grenzen_laatste_load_per_jaar_en_gebied_zonder_load_id(con):
    oud = laad(con, "grenzen", tabel_id="buurt", jaar=2024)
    nieuw = laad(con, "grenzen", tabel_id="buurt", jaar=2024)
    vorig_jaar = laad(con, "grenzen", tabel_id="buurt", jaar=2023)
    # the newer load's rows first: the load_id decides
    a_nieuw = grens(con, nieuw, 2024, "buurt", BU_A, "Buurt A (nieuw)", (135000, 458000, 136500, 459000))
    b = grens(con, nieuw, 2024, "buurt", BU_B, "Buurt B", (136500, 458000, 137000, 459000))
    grens(con, oud, 2024, "buurt", BU_A, "Buurt A", (135000, 458000, 136000, 459000))
    wijk = grens(con, oud, 2024, "wijk", WK_AB, "Wijk 03 Overvecht", (135000, 458000, 137000, 459000))  # no newer row
    gemeente = grens(con, oud, 2024, "gemeente", GM, "Utrecht", (130000, 450000, 140000, 460000))
    a_2023 = grens(con, vorig_jaar, 2023, "buurt", BU_A, "Buurt A 2023", (135000, 458000, 135500, 459000))
    bouw(con, "pub.gebied_grenzen")
    assert kolommen(con, "pub.gebied_grenzen") == ["jaar", "gebied_niveau", "gebied_code", "gebied_naam", "gemeente_code",
                                                   "geometrie"]
    assert rijen(con, "select * from pub.gebied_grenzen") == [
        (2023, "buurt", BU_A, "Buurt A 2023", GM, a_2023),
        (2024, "buurt", BU_A, "Buurt A (nieuw)", GM, a_nieuw),
        (2024, "buurt", BU_B, "Buurt B", GM, b),
        (2024, "gemeente", GM, "Utrecht", GM, gemeente),
        (2024, "wijk", WK_AB, "Wijk 03 Overvecht", GM, wijk),
    ]
    # the geometry is the boundary as loaded (WKB in RD New), byte for byte
    (geometrie,) = rijen(con, "select geometrie from pub.gebied_grenzen where jaar = 2024 and gebied_code = ?", [BU_A])[0]
    assert shapely.from_wkb(geometrie).bounds == (135000.0, 458000.0, 136500.0, 459000.0)


# ------------------------------------------------------------------------------------------------ pub.vergelijkbare_wijken

#: Three wijken P, Q, R. On every feature two of them are equal and one differs ("odd"): the z-scores of
#: (a, a, b) are ±1/√2, ±1/√2, ∓√2 (population sd), so an equal pair adds 0 and a pair with the odd one
#: (1/√2 + √2)² = 4.5. P is odd on 1 feature, Q on 3, R on 4 (density 1 000, 1 000, 10 000 on a log scale is
#: such a pattern too). Distance = sqrt(4.5 × features where one of the two is odd / 8).
PROFIELEN = {
    # wijk: (65+ per 1 000, 0-14 per 1 000, one-person per 1 000 hh, hh size, low income %, koop %, corporatie %, density)
    "WK034401": ("Noord", (300, 150, 400, "2.0", "10", "60", "20", "1000")),   # P: odd on 65+
    "WK034402": ("Oost", (100, 250, 600, "1.6", "10", "60", "20", "1000")),    # Q: odd on 0-14, one-person, size
    "WK034403": ("Zuid", (100, 150, 400, "2.0", "30", "20", "50", "10000")),   # R: odd on income, housing, density
}
PQ = round(math.sqrt(4.5 * (1 + 3) / 8), 3)  # 1.5
PR = round(math.sqrt(4.5 * (1 + 4) / 8), 3)  # 1.677
QR = round(math.sqrt(4.5 * (3 + 4) / 8), 3)  # 1.984


def profielrijen(code: str, naam: str, profiel: tuple) -> list[tuple]:
    oud, jong, alleen, grootte, laag, koop, corporatie, dichtheid = profiel
    return [(code, naam, ind, str(w)) for ind, w in (
        ("inwoners", 1000), ("inwoners_65_plus", oud), ("inwoners_0_14", jong), ("huishoudens", 1000),
        ("eenpersoonshuishoudens", alleen), ("gemiddelde_huishoudensgrootte", grootte),
        ("huishoudens_laag_inkomen_pct", laag), ("koopwoningen_pct", koop), ("corporatiewoningen_pct", corporatie),
        ("bevolkingsdichtheid", dichtheid))]  # fmt: skip


def test_pub_vergelijkbare_wijken_drie_wijken_met_de_hand_berekend(con):
    # 2023: older names, other values, and a wijk that no longer exists; none of it counts (2024 has every feature).
    cbs(con, 2023, [r for code, (naam, p) in PROFIELEN.items() for r in profielrijen(code, f"{naam} (oud)", p[::-1])]
        + profielrijen("WK034409", "Opgeheven", PROFIELEN["WK034401"][1]))
    rows = [r for code, (naam, p) in PROFIELEN.items() for r in profielrijen(code, naam, p)]
    rows += [(GM, "Utrecht", "inwoners", "3000")]
    rows += profielrijen(BU_C, "Buurt C", PROFIELEN["WK034403"][1])  # a buurt is no wijk: not compared
    cbs(con, 2024, rows)
    bouw(con, "marts.vergelijkbare_wijken", "pub.vergelijkbare_wijken")
    assert kolommen(con, "pub.vergelijkbare_wijken") == [
        "wijkcode", "wijk_naam", "gemeente_code", "scope", "rang", "vergelijkbare_wijkcode", "vergelijkbare_wijk_naam",
        "vergelijkbare_gemeente_code", "afstand", "gemeenschappelijke_kenmerken", "peiljaar"]  # fmt: skip
    assert rijen(con, "select * from pub.vergelijkbare_wijken") == [
        ("WK034401", "Noord", GM, "gemeente", 1, "WK034402", "Oost", GM, PQ, 8, 2024),
        ("WK034401", "Noord", GM, "gemeente", 2, "WK034403", "Zuid", GM, PR, 8, 2024),
        ("WK034402", "Oost", GM, "gemeente", 1, "WK034401", "Noord", GM, PQ, 8, 2024),
        ("WK034402", "Oost", GM, "gemeente", 2, "WK034403", "Zuid", GM, QR, 8, 2024),
        ("WK034403", "Zuid", GM, "gemeente", 1, "WK034401", "Noord", GM, PR, 8, 2024),
        ("WK034403", "Zuid", GM, "gemeente", 2, "WK034402", "Oost", GM, QR, 8, 2024),
    ]
    assert (PQ, PR, QR) == (1.5, 1.677, 1.984)
    # pub passes the mart on unchanged
    assert rijen(con, "select * from pub.vergelijkbare_wijken") == rijen(con, "select * from marts.vergelijkbare_wijken")


# ------------------------------------------------------------------------------------------------ pub.rode_draden

WK1, WK2 = "WK034401", "WK034402"


def rode_draden_geval(con) -> None:
    """Two wijken of 500 inwoners (CBS 2024).
    casuïstiek: WK1 30 geldzorgen + 10 eenzaamheid, WK2 10 geldzorgen + 50 eenzaamheid (gemeente 40 and 60 of 100);
    signalen:   woningcorporatie geldzorgen WK1 20, WK2 10; huisarts eenzaamheid WK2 3 (hidden: below 8) with a
                confidential note; ggz psychische problemen WK1 without a count, with a publishable note;
    enquête:    eenzaamheid WK1 10% of 100, WK2 30% of 100;
    plus kansen (one from an older file) and two besprekingen of WK1 geldzorgen."""
    cbs(con, 2024, [(GM, "Utrecht", "inwoners", "1000"), (WK1, "Wijk 01 West", "inwoners", "500"),
                    (WK2, "Wijk 02 Noordwest", "inwoners", "500")])
    c = laad(con, "casuistiek", tabel_id="wijkteam")
    casussen(con, c, WK1, 30, "geldzorgen", eerste=0)
    casussen(con, c, WK1, 10, "eenzaamheid", eerste=30)
    casussen(con, c, WK2, 10, "geldzorgen", eerste=40)
    casussen(con, c, WK2, 50, "eenzaamheid", eerste=50)
    s = laad(con, "signalen", tabel_id="partners")
    signaal(con, s, "woningcorporatie", "2024", "geldzorgen", wijk=WK1, aantal=20)
    signaal(con, s, "woningcorporatie", "2024", "geldzorgen", wijk=WK2, aantal=10)
    signaal(con, s, "huisarts", "2024-K2", "eenzaamheid", wijk=WK2, aantal=3, toelichting=VERTROUWELIJK)
    signaal(con, s, "ggz", "2024", "psychische_problemen", wijk=WK1, toelichting="Wachtlijsten lopen op", publiceerbaar=True)
    e = laad(con, "enquete", tabel_id="enquete")
    for wijk, pct in ((WK1, 10.0), (WK2, 30.0)):
        signaal(con, e, "enquete", "onbekend", "eenzaamheid", wijk=wijk, percentage=pct, n=100, publiceerbaar=True,
                bron="enquete")
    oud = laad(con, "kansen")
    kans(con, oud, "Gesloten Inloop", ["geldzorgen"], wijk=WK1, plaatsing="geen")
    k = laad(con, "kansen")
    kans(con, k, "Geldinloop", ["geldzorgen"], wijk=WK1, adres="Plein 1", soort="inloop", contact="06 12 34 56 78")
    kans(con, k, "Buurthuis De Linde", ["eenzaamheid", "meedoen"], wijk=WK2, adres="Lindeplein 1")
    kans(con, k, "Ontmoetingsplek", ["eenzaamheid"], wijk=WK2, adres=None, soort="vrijwilligersinitiatief")
    b = laad(con, "besprekingen", tabel_id="bespreking")
    bespreking(con, b, WK1, date(2024, 1, 10), "geldzorgen", "nee", "Uitzoeken", verklaring="Onbekend",
               eigenaar="wijkteam", wanneer="Q1")
    bespreking(con, b, WK1, date(2024, 6, 1), "geldzorgen", "deels", "Vroegsignalering",
               verklaring="Veel huurachterstanden", eigenaar="woningcorporatie", wanneer="Q3")
    bouw(con)


def test_pub_rode_draden_exacte_rijen_uit_gepubliceerde_cijfers(con):
    rode_draden_geval(con)
    vragen = {t: (h, v) for t, h, v in rijen(con, "select thema, herkennen, verklaren from raw.themas")}
    s = {  # the method's strengths, each rounded to 3 decimals as pub.rode_draden_bewijs does
        "casuistiek WK1 geldzorgen": round(math.log((30 + 10) / (30 * 40 / 75 + 10)), 3),     # x 30, E 16
        "signalen WK1 geldzorgen": round(math.log((20 + 10) / (30 / 2 + 10)), 3),             # x 20, E 15
        "genoemd": round(math.log(1.25), 3),                                                  # named, no count
        "enquete WK2 eenzaamheid": round(math.log((30 + 10) / (30 * 20 / 30 + 10)), 3),       # x 30, E 20
        "casuistiek WK2 eenzaamheid": round(math.log((50 + 10) / (50 * 60 / 83.3 + 10)), 3),  # x 50, E 36.0
    }
    assert list(s.values()) == [0.431, 0.182, 0.223, 0.288, 0.265]
    assert kolommen(con, "pub.rode_draden") == [
        "gemeente_code", "wijkcode", "wijknaam", "jaar", "thema", "thema_label", "rang", "sterkte", "status",
        "net_boven_drempel", "bronnen",
        "bewijs", "indicatoren", "herkennen", "verklaren", "kansen", "vorige_bespreking_datum", "vorige_herkend",
        "vorige_verklaring", "vorige_actie", "vorige_eigenaar", "vorige_wanneer",
    ]  # fmt: skip
    # the evidence as the report says it (publish/bewijs.py)
    assert [tuple(r.values()) for r in rode_draden_in_woorden(con)] == [
        # two independent sources point at geldzorgen and together pass 0.5: a rode draad
        (GM, WK1, "Wijk 01 West", 2024, "geldzorgen", "Geldzorgen en schulden", 1,
         round(s["casuistiek WK1 geldzorgen"] + s["signalen WK1 geldzorgen"], 2), "rode draad",
         True, ["casuistiek", "signalen"],  # 0.61: below 0.75, net boven de drempel
         ["Wijkteam: 30 van de 40 casussen in 2024 (75,0%) gaan over geldzorgen en schulden; in de gemeente 40,0%.",
          "Signalen: woningcorporatie meldde 20 keer geldzorgen en schulden in 2024; een gemiddelde wijk in de gemeente: 15."],
         ["casuistiek_geldzorgen_pct", "signalen_geldzorgen"], *vragen["geldzorgen"],
         [{"naam": "Geldinloop", "soort": "inloop", "adres": "Plein 1"}],           # no contact, no replaced kans
         date(2024, 6, 1), "deels", "Veel huurachterstanden", "Vroegsignalering", "woningcorporatie", "Q3"),  # the latest
        # one source: a signal to check; the ggz's publishable note is not part of it
        (GM, WK1, "Wijk 01 West", 2024, "psychische_problemen", "Psychische problemen", 2, round(s["genoemd"], 2),
         "signaal om te toetsen", False, ["signalen"],
         ["Signalen: ggz noemt psychische problemen in 2024 (zonder aantal, of een aantal te klein om te tonen)."],
         ["signalen_psychische_problemen"], *vragen["psychische_problemen"], [], None, None, None, None, None, None),
        # three sources, strongest first; the huisarts's 3 signals are below 8: named, never counted
        (GM, WK2, "Wijk 02 Noordwest", 2024, "eenzaamheid", "Eenzaamheid", 1,
         round(s["enquete WK2 eenzaamheid"] + s["casuistiek WK2 eenzaamheid"] + s["genoemd"], 2), "rode draad",
         False, ["enquete", "casuistiek", "signalen"],
         ["Enquête: 30,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%.",
          "Wijkteam: 50 van de 60 casussen in 2024 (83,3%) gaan over eenzaamheid; in de gemeente 60,0%.",
          "Signalen: huisarts noemt eenzaamheid in 2024 (zonder aantal, of een aantal te klein om te tonen)."],
         ["enquete_eenzaamheid_pct", "casuistiek_eenzaamheid_pct", "signalen_eenzaamheid"], *vragen["eenzaamheid"],
         [{"naam": "Buurthuis De Linde", "soort": "buurthuis", "adres": "Lindeplein 1"},
          {"naam": "Ontmoetingsplek", "soort": "vrijwilligersinitiatief", "adres": None}],
         None, None, None, None, None, None),
    ]  # fmt: skip
    # WK1's eenzaamheid (25% of its cases against 60%, 10% in the enquête against 20%) and WK2's geldzorgen are
    # below what the gemeente's rate gives: no source points at them, they are not listed.
    assert all(h.endswith("?") and v.endswith("?") for h, v in (vragen[t] for t in ("geldzorgen", "eenzaamheid")))


def test_pub_rode_draden_lekt_niets_persoonsgebonden_of_ongepubliceerds(con):
    rode_draden_geval(con)
    # nothing person-level: no case key, no confidential note (nor the name in it), no partner's note at all,
    # in any pub view (a kans's contact is public: pub.kansen shows it, pub.rode_draden does not)
    for tekst in ("CASUS-GEHEIM", VERTROUWELIJK, "De Vries", "Wachtlijsten lopen op"):
        assert treffers(con, tekst, schemas=("pub",)) == [], tekst
    # nothing unpublished: the hidden count (3 signals, below 8) is in no figure, sentence or strength of the
    # evidence; the only counts the sentences cite are published ones (multiples of 5, at least 8)
    assert rijen(con, """select gebied_code, indicator, waarde, onderdrukt from pub.indicator_waarden
                         where indicator = 'signalen_eenzaamheid' order by gebied_code""") == [
        (GM, "signalen_eenzaamheid", None, True), (WK2, "signalen_eenzaamheid", None, True)]
    zinnen = [z for r in rode_draden_in_woorden(con) for z in r["bewijs"]]
    assert not any(" 3 " in z for z in zinnen)
    getallen = {int(g) for z in zinnen for g in re.findall(r"(?<![\d,])(\d+)(?![\d,%])", z)} - {2024}
    assert getallen == {15, 20, 30, 40, 50, 60}  # 15: the average wijk, the published 30 over two wijken
    assert all(g % 5 == 0 and g >= 8 for g in getallen)
    # and the facts behind the sentences hold no other count: each is a published one (100: the enquête's n)
    feiten = rijen(con, "select b.aantal, b.noemer_aantal from pub.rode_draden r, unnest(r.bewijs) as t(b)")
    assert {g for rij in feiten for g in rij if g is not None} == {30.0, 40.0, 50.0, 60.0, 100.0}

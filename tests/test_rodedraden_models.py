"""The rode-draden models on a handful of hand-written rows, compared with an exact expected output.

Each test makes a fresh DuckDB file, writes rows straight into raw.casuistiek / raw.signalen / raw.kansen /
raw.besprekingen (with their meta.loads rows, the way the loader writes them: wijkcode and gemeentecode
already derived from a given buurtcode; row builders in tests/modeltest.py), builds the model it queries and
what that model reads (modeltest.bouw) and queries that model. The names say the rule.
"""

from __future__ import annotations

from datetime import date

import shapely
from modeltest import bespreking, bouw, casus, kans, laad, rijen, signaal
from pyproj import Transformer

GM = "GM0344"
BU_A, BU_B, BU_C = "BU03440311", "BU03440312", "BU03440100"  # A and B in WK034403, C in WK034401
WK_AB, WK_C = "WK034403", "WK034401"


# ------------------------------------------------------------------------------------------------ helpers




def kans_ids(con) -> dict[str, str]:
    """staging.kansen's id per name (the id itself is an internal hash; tests compare by name)."""
    return dict(rijen(con, "select naam, kans_id from staging.kansen"))


_NAAR_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)


def buurtgrens(con, load_id: int, code: str, x0: float, y0: float, x1: float, y1: float) -> None:
    """A square buurt boundary in RD New (as raw.cbs_grenzen stores them)."""
    con.execute("insert into raw.cbs_grenzen values (?, 2024, 'buurt', ?, ?, ?)",
                [load_id, code, f"Buurt {code}", shapely.to_wkb(shapely.box(x0, y0, x1, y1))])


def wgs84(x: float, y: float) -> tuple[float, float]:
    lon, lat = _NAAR_WGS84.transform(x, y)
    return round(lat, 6), round(lon, 6)


# ------------------------------------------------------------------------------------------------ staging.casuistiek


def test_staging_casuistiek_nieuwere_export_van_bron_en_periode_vervangt_oudere(con):
    oud = laad(con, "casuistiek", tabel_id="wijkteam")
    casus(con, oud, "k1", date(2024, 1, 5), "geldzorgen", BU_A)
    casus(con, oud, "k2", date(2024, 1, 6), "eenzaamheid", BU_A)     # gone from the newer export
    ander_periode = laad(con, "casuistiek", tabel_id="wijkteam")
    casus(con, ander_periode, "k4", date(2023, 5, 1), "opvoeding", BU_C, periode="2023")
    nieuw = laad(con, "casuistiek", tabel_id="wijkteam")
    casus(con, nieuw, "k1", date(2024, 1, 5), "geldzorgen", BU_A)
    casus(con, nieuw, "k3", date(2024, 2, 1), "dementie", BU_B)
    andere_bron = laad(con, "casuistiek", tabel_id="wijkteam-zuid")
    casus(con, andere_bron, "k5", date(2024, 3, 1), "verslaving", BU_C, bron="wijkteam-zuid")
    bouw(con, "staging.casuistiek")
    assert rijen(con, "select casus_key, thema, bron, periode, load_id from staging.casuistiek order by casus_key") == [
        ("k1", "geldzorgen", "wijkteam", "volledig", nieuw),
        ("k3", "dementie", "wijkteam", "volledig", nieuw),
        ("k4", "opvoeding", "wijkteam", "2023", ander_periode),        # another period of the same bron stays
        ("k5", "verslaving", "wijkteam-zuid", "volledig", andere_bron),
    ]


def test_staging_casuistiek_zelfde_casus_en_thema_telt_eens(con):
    a = laad(con, "casuistiek")
    casus(con, a, "k1", date(2024, 1, 5), "geldzorgen", BU_A)
    casus(con, a, "k1", date(2024, 1, 5), "geldzorgen", BU_A)           # 'Schulden; geldzorgen': two tags, one theme
    casus(con, a, "k1", date(2024, 1, 5), "onbekend:geldzrgen", BU_A)
    casus(con, a, "k2", date(2024, 3, 1), "eenzaamheid", BU_B, periode="2024-K1")
    b = laad(con, "casuistiek")
    casus(con, b, "k2", date(2024, 4, 2), "eenzaamheid", BU_B, periode="2024-K2")  # the case again next quarter
    bouw(con, "staging.casuistiek")
    assert rijen(con, "select casus_key, thema, thema_onbekend, registratiedatum, periode, load_id from staging.casuistiek "
                      "order by casus_key, thema") == [
        ("k1", "geldzorgen", False, date(2024, 1, 5), "volledig", a),
        ("k1", "onbekend:geldzrgen", True, date(2024, 1, 5), "volledig", a),
        ("k2", "eenzaamheid", False, date(2024, 4, 2), "2024-K2", b),     # the latest registration
    ]


# ------------------------------------------------------------------------------------------------ intermediate.casuistiek_themas


def test_casuistiek_themas_telt_casussen_per_gebied_periode_en_thema(con):
    a = laad(con, "casuistiek")
    casus(con, a, "k1", date(2024, 2, 10), "geldzorgen", BU_A)
    casus(con, a, "k1", date(2024, 2, 10), "eenzaamheid", BU_A)
    casus(con, a, "k2", date(2024, 5, 1), "geldzorgen", BU_A)
    casus(con, a, "k3", date(2024, 2, 20), "geldzorgen", BU_B)
    casus(con, a, "k4", date(2023, 11, 1), "opvoeding", BU_C)
    casus(con, a, "k5", date(2024, 3, 3), "geldzorgen")                   # not placed: gemeente level only
    casus(con, a, "k6", date(2024, 8, 9), "onbekend:fietsdiefstal")       # only an unmapped tag: still a case
    # the same case in a second source: one case, not two
    z = laad(con, "casuistiek", tabel_id="zuid")
    casus(con, z, "k1", date(2024, 2, 10), "geldzorgen", BU_A, bron="zuid")
    bouw(con, "intermediate.casuistiek_themas")
    assert rijen(con, "select gebied_niveau, gebied_code, gemeente_code, periode, jaar, thema, casussen "
                      "from intermediate.casuistiek_themas where periode_soort = 'jaar' "
                      "order by gebied_niveau, gebied_code, jaar, thema") == [
        ("buurt", BU_C, GM, "2023", 2023, "*", 1),
        ("buurt", BU_C, GM, "2023", 2023, "opvoeding", 1),
        ("buurt", BU_A, GM, "2024", 2024, "*", 2),
        ("buurt", BU_A, GM, "2024", 2024, "eenzaamheid", 1),
        ("buurt", BU_A, GM, "2024", 2024, "geldzorgen", 2),
        ("buurt", BU_B, GM, "2024", 2024, "*", 1),
        ("buurt", BU_B, GM, "2024", 2024, "geldzorgen", 1),
        ("gemeente", GM, GM, "2023", 2023, "*", 1),
        ("gemeente", GM, GM, "2023", 2023, "opvoeding", 1),
        ("gemeente", GM, GM, "2024", 2024, "*", 5),
        ("gemeente", GM, GM, "2024", 2024, "eenzaamheid", 1),
        ("gemeente", GM, GM, "2024", 2024, "geldzorgen", 4),
        ("gemeente", GM, GM, "2024", 2024, "onbekend:fietsdiefstal", 1),
        ("wijk", WK_C, GM, "2023", 2023, "*", 1),
        ("wijk", WK_C, GM, "2023", 2023, "opvoeding", 1),
        ("wijk", WK_AB, GM, "2024", 2024, "*", 3),
        ("wijk", WK_AB, GM, "2024", 2024, "eenzaamheid", 1),
        ("wijk", WK_AB, GM, "2024", 2024, "geldzorgen", 3),
    ]
    assert rijen(con, "select gebied_niveau, gebied_code, periode, jaar, thema, casussen from intermediate.casuistiek_themas "
                      "where periode_soort = 'kwartaal' and gebied_niveau in ('wijk', 'gemeente') "
                      "order by gebied_niveau, gebied_code, periode, thema") == [
        ("gemeente", GM, "2023-K4", 2023, "*", 1),
        ("gemeente", GM, "2023-K4", 2023, "opvoeding", 1),
        ("gemeente", GM, "2024-K1", 2024, "*", 3),
        ("gemeente", GM, "2024-K1", 2024, "eenzaamheid", 1),
        ("gemeente", GM, "2024-K1", 2024, "geldzorgen", 3),
        ("gemeente", GM, "2024-K2", 2024, "*", 1),
        ("gemeente", GM, "2024-K2", 2024, "geldzorgen", 1),
        ("gemeente", GM, "2024-K3", 2024, "*", 1),
        ("gemeente", GM, "2024-K3", 2024, "onbekend:fietsdiefstal", 1),
        ("wijk", WK_C, "2023-K4", 2023, "*", 1),
        ("wijk", WK_C, "2023-K4", 2023, "opvoeding", 1),
        ("wijk", WK_AB, "2024-K1", 2024, "*", 2),
        ("wijk", WK_AB, "2024-K1", 2024, "eenzaamheid", 1),
        ("wijk", WK_AB, "2024-K1", 2024, "geldzorgen", 2),
        ("wijk", WK_AB, "2024-K2", 2024, "*", 1),
        ("wijk", WK_AB, "2024-K2", 2024, "geldzorgen", 1),
    ]
    assert rijen(con, "select count(*) from intermediate.casuistiek_themas where gebied_code is null") == [(0,)]


# ------------------------------------------------------------------------------------------------ marts.thema_combinaties


def test_thema_combinaties_paren_binnen_een_casus_met_lift(con):
    a = laad(con, "casuistiek")
    for key, themas in {
        "k1": ["geldzorgen", "eenzaamheid", "psychische_problemen"],
        "k2": ["geldzorgen", "eenzaamheid"],
        "k3": ["geldzorgen"],
        "k4": ["psychische_problemen", "onbekend:fietsdiefstal"],   # unmapped tags form no pair
        "k5": ["onbekend:zwerfafval"],                              # no known theme: not among the cases
    }.items():
        for thema in themas:
            casus(con, a, key, date(2024, 3, 1), thema, BU_A if key != "k3" else BU_B)
    casus(con, a, "k1", date(2024, 3, 1), "geldzorgen", BU_A)         # a repeated tag changes nothing
    casus(con, a, "k6", date(2023, 6, 1), "geldzorgen", BU_A)          # another year
    casus(con, a, "k6", date(2023, 6, 1), "eenzaamheid", BU_A)
    casus(con, a, "k7", date(2024, 3, 1), "geldzorgen")                # not placed: no wijk
    casus(con, a, "k7", date(2024, 3, 1), "eenzaamheid")
    casus(con, a, "k8", date(2024, 3, 1), "geldzorgen", BU_C)          # another wijk, a single theme
    bouw(con, "marts.thema_combinaties")
    # 2024 in WK034403: 4 cases with a known theme; geldzorgen 3, eenzaamheid 2, psychische_problemen 2
    assert rijen(con, "select wijkcode, gemeente_code, jaar, thema_a, thema_b, casussen, lift from marts.thema_combinaties "
                      "order by wijkcode, jaar, thema_a, thema_b") == [
        (WK_AB, GM, 2023, "eenzaamheid", "geldzorgen", 1, 1.0),
        (WK_AB, GM, 2024, "eenzaamheid", "geldzorgen", 2, 1.33),             # 2 × 4 / (2 × 3)
        (WK_AB, GM, 2024, "eenzaamheid", "psychische_problemen", 1, 1.0),    # 1 × 4 / (2 × 2)
        (WK_AB, GM, 2024, "geldzorgen", "psychische_problemen", 1, 0.67),    # 1 × 4 / (3 × 2)
    ]
    # ordered by wijk, year and the number of cases, most first
    assert [r[:2] for r in rijen(con, "select jaar, casussen from marts.thema_combinaties")][:2] == [(2023, 1), (2024, 2)]


# ------------------------------------------------------------------------------------------------ intermediate.signalen_per_wijk


def test_signalen_per_wijk(con):
    oud = laad(con, "signalen")
    signaal(con, oud, "huisarts", "2024-K1", "eenzaamheid", wijk=WK_AB, aantal=99, toelichting="oude tekst",
            publiceerbaar=True)                                                     # replaced by the newer file
    s = laad(con, "signalen")
    signaal(con, s, "huisarts", "2024-K1", "eenzaamheid", buurt=BU_A, aantal=5, toelichting="Meer ouderen op het spreekuur",
            publiceerbaar=True)                                                     # a buurt's signal counts in its wijk
    signaal(con, s, "huisarts", "2024-K3", "eenzaamheid", wijk=WK_AB, aantal=7,
            toelichting="VERTROUWELIJK: patiënten bij naam bekend", publiceerbaar=False)
    signaal(con, s, "huisarts", "2024", "eenzaamheid", wijk=WK_AB, toelichting="Alleenwonenden melden zich later",
            publiceerbaar=True)                                                     # no count given
    signaal(con, s, "huisarts", "2023-K4", "eenzaamheid", wijk=WK_AB, aantal=2, publiceerbaar=True)
    signaal(con, s, "woningcorporatie", "2024-07", "geldzorgen", wijk=WK_AB, aantal=12,
            toelichting="VERTROUWELIJK: ontruiming", publiceerbaar=False)
    e = laad(con, "enquete")
    signaal(con, e, "enquete", "2024", "eenzaamheid", wijk=WK_AB, percentage=10.0, n=100, publiceerbaar=True,
            bron="enquete")
    signaal(con, e, "enquete", "2024", "eenzaamheid", wijk=WK_AB, percentage=20.0, n=300, publiceerbaar=True,
            bron="enquete")
    signaal(con, e, "enquete", "2024", "geldzorgen", wijk=WK_C, percentage=18.0, n=120, publiceerbaar=True, bron="enquete")
    bouw(con, "intermediate.signalen_per_wijk")
    assert rijen(con, "select wijkcode, gemeente_code, jaar, thema, partner, signalen, aantal, percentage, n, "
                      "toelichtingen_publiceerbaar from intermediate.signalen_per_wijk order by wijkcode, jaar, thema, partner") == [
        (WK_C, GM, 2024, "geldzorgen", "enquete", 1, None, 18.0, 120, None),
        (WK_AB, GM, 2023, "eenzaamheid", "huisarts", 1, 2, None, None, None),
        (WK_AB, GM, 2024, "eenzaamheid", "enquete", 2, None, 17.5, 400, None),     # (10×100 + 20×300) / 400
        (WK_AB, GM, 2024, "eenzaamheid", "huisarts", 3, 12, None, None,
         ["Meer ouderen op het spreekuur", "Alleenwonenden melden zich later"]),   # newest period first; no 'nee' text
        (WK_AB, GM, 2024, "geldzorgen", "woningcorporatie", 1, 12, None, None, None),
    ]


# ------------------------------------------------------------------------------------------------ marts.kansen_per_wijk


def test_kansen_per_wijk_een_rij_per_kans_en_thema_en_plaatsing_op_coordinaten(con):
    g = laad(con, "grenzen")
    buurtgrens(con, g, BU_A, 135000, 458000, 136000, 459000)
    buurtgrens(con, g, BU_B, 136000, 458000, 137000, 459000)
    lat_b, lon_b = wgs84(136500, 458500)          # inside BU_B
    lat_x, lon_x = wgs84(140500, 458500)          # in no loaded buurt
    k = laad(con, "kansen")
    kans(con, k, "Buurthuis De Linde", ["eenzaamheid", "meedoen"], buurt=BU_A)
    kans(con, k, "Geldinloop Het Anker", ["geldzorgen"], lat=lat_b, lon=lon_b, plaatsing="geen")
    kans(con, k, "Taalcafé Buiten", ["meedoen"], lat=lat_x, lon=lon_x, plaatsing="geen")
    kans(con, k, "Opvoedsteunpunt", ["opvoeding"], buurt=BU_A, adres="Plein 1", plaatsing="pc6")
    kans(con, k, "Wijkmoestuin", ["onbekend:tuinieren", "meedoen"], buurt=BU_C, lat=lat_b, lon=lon_b)  # a code wins
    bouw(con, "intermediate.kansen_op_de_kaart", "marts.kansen_per_wijk", "pub.kansen", "staging.kansen")
    ids = kans_ids(con)
    assert rijen(con, "select kans_id, buurtcode, wijkcode, gemeentecode from intermediate.kansen_op_de_kaart") == [
        (ids["Geldinloop Het Anker"], BU_B, WK_AB, GM)]
    assert rijen(con, "select kans_id, naam, thema, buurtcode, wijkcode, gemeente_code, plaatsing, lat, lon "
                      "from marts.kansen_per_wijk order by naam, thema") == [
        (ids["Buurthuis De Linde"], "Buurthuis De Linde", "eenzaamheid", BU_A, WK_AB, GM, "buurtcode", None, None),
        (ids["Buurthuis De Linde"], "Buurthuis De Linde", "meedoen", BU_A, WK_AB, GM, "buurtcode", None, None),
        (ids["Geldinloop Het Anker"], "Geldinloop Het Anker", "geldzorgen", BU_B, WK_AB, GM, "coordinaten", lat_b, lon_b),
        (ids["Opvoedsteunpunt"], "Opvoedsteunpunt", "opvoeding", BU_A, WK_AB, GM, "pc6",
         None, None),
        (ids["Taalcafé Buiten"], "Taalcafé Buiten", "meedoen", None, None, GM, "geen", lat_x, lon_x),
        (ids["Wijkmoestuin"], "Wijkmoestuin", "meedoen", BU_C, WK_C, GM, "buurtcode", lat_b, lon_b),
        (ids["Wijkmoestuin"], "Wijkmoestuin", "onbekend:tuinieren", BU_C, WK_C, GM, "buurtcode", lat_b, lon_b),
    ]
    # pub.kansen: the same rows, without how they were placed
    assert rijen(con, "select count(*) from pub.kansen") == [(7,)]
    assert "plaatsing" not in [d[0] for d in con.execute("select * from pub.kansen limit 0").description]


def test_nieuwer_kansenbestand_vervangt_ouder(con):
    oud = laad(con, "kansen")
    kans(con, oud, "Buurthuis Oud", ["eenzaamheid"], buurt=BU_A)
    nieuw = laad(con, "kansen")
    kans(con, nieuw, "Buurthuis Nieuw", ["eenzaamheid"], buurt=BU_A)
    bouw(con, "marts.kansen_per_wijk")
    assert rijen(con, "select naam from marts.kansen_per_wijk") == [("Buurthuis Nieuw",)]


def test_twee_kansen_met_dezelfde_naam_op_coordinaten_blijven_twee(con):
    g = laad(con, "grenzen")
    buurtgrens(con, g, BU_A, 135000, 458000, 136000, 459000)
    buurtgrens(con, g, BU_B, 136000, 458000, 137000, 459000)
    k = laad(con, "kansen")
    lat_a, lon_a = wgs84(135500, 458500)
    lat_b, lon_b = wgs84(136500, 458500)
    kans(con, k, "Taalcafé", ["meedoen"], lat=lat_a, lon=lon_a, plaatsing="geen")
    kans(con, k, "Taalcafé", ["meedoen"], lat=lat_b, lon=lon_b, plaatsing="geen")
    bouw(con, "marts.kansen_per_wijk")
    assert rijen(con, "select count(distinct kans_id) from marts.kansen_per_wijk") == [(2,)]
    assert rijen(con, "select lat, buurtcode from marts.kansen_per_wijk order by lat") == sorted(
        [(lat_a, BU_A), (lat_b, BU_B)])


# ------------------------------------------------------------------------------------------------ marts.laatste_bespreking


def test_laatste_bespreking_per_wijk_en_thema_op_datum(con):
    f = laad(con, "besprekingen", tabel_id="bespreking")
    bespreking(con, f, WK_AB, date(2024, 6, 12), "geldzorgen", "ja", "Vroegsignalering")
    bespreking(con, f, WK_AB, date(2024, 6, 12), "eenzaamheid", "deels", "Ontmoetingsochtend")
    bespreking(con, f, WK_C, date(2024, 6, 12), "opvoeding", "nee")
    a1 = laad(con, "besprekingen", tabel_id="invoer", via="invoer")
    bespreking(con, a1, WK_AB, date(2024, 11, 20), "geldzorgen", "deels", "Spreekuur", bron="invoer", periode=f"invoer-{a1}")
    a2 = laad(con, "besprekingen", tabel_id="invoer", via="invoer")
    # entered later, about an earlier meeting: the meeting's date decides, not the load
    bespreking(con, a2, WK_AB, date(2024, 3, 1), "eenzaamheid", "nee", "Niets", bron="invoer", periode=f"invoer-{a2}")
    a3 = laad(con, "besprekingen", tabel_id="invoer", via="invoer")
    # the same date twice: the later entry wins
    bespreking(con, a3, WK_C, date(2024, 6, 12), "opvoeding", "deels", "Opvoedspreekuur", bron="invoer", periode=f"invoer-{a3}")
    bouw(con, "marts.laatste_bespreking", "pub.besprekingen")
    verwacht = [
        (WK_C, GM, "opvoeding", date(2024, 6, 12), "deels", "Opvoedspreekuur"),
        (WK_AB, GM, "eenzaamheid", date(2024, 6, 12), "deels", "Ontmoetingsochtend"),
        (WK_AB, GM, "geldzorgen", date(2024, 11, 20), "deels", "Spreekuur"),
    ]
    assert rijen(con, "select wijkcode, gemeente_code, thema, datum, herkend, actie from marts.laatste_bespreking") == verwacht
    assert rijen(con, "select wijkcode, gemeente_code, thema, datum, herkend, actie from pub.besprekingen "
                      "order by wijkcode, thema") == verwacht


def test_nieuwer_besprekingsbestand_vervangt_ouder_invoer_blijft(con):
    oud = laad(con, "besprekingen", tabel_id="bespreking")
    bespreking(con, oud, WK_AB, date(2024, 6, 12), "geldzorgen", "ja", "typefout")
    bespreking(con, oud, WK_AB, date(2024, 6, 12), "dementie", "ja")
    nieuw = laad(con, "besprekingen", tabel_id="bespreking")
    bespreking(con, nieuw, WK_AB, date(2024, 6, 12), "geldzorgen", "ja", "Vroegsignalering")
    a = laad(con, "besprekingen", tabel_id="invoer", via="invoer")
    bespreking(con, a, WK_C, date(2024, 6, 1), "opvoeding", "nee", bron="invoer", periode=f"invoer-{a}")
    bouw(con, "staging.besprekingen")
    assert rijen(con, "select wijkcode, thema, actie, load_id from staging.besprekingen order by wijkcode, thema") == [
        (WK_C, "opvoeding", None, a),
        (WK_AB, "geldzorgen", "Vroegsignalering", nieuw),
    ]

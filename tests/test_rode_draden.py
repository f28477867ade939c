"""intermediate.thema_aantallen, pub.rode_draden_bewijs and pub.rode_draden on a handful of hand-written
rows, compared with an exact expected output; then the method on the demo (the built-in causes of the
synthetic data must come out as rode draden) and its privacy (only published figures are cited).

The small case: gemeente GM0344 with two wijken of 500 inwoners (CBS 2024). The real build
(modeltest.bouw with the packaged catalogue, themes and koppelingen) runs on rows written straight into the
raw tables, the way the loaders write them. Expected strengths are written out with the method's formula
(docs/rode-draden.md): sterkte = ln((x + 10) / (E + 10)).
"""

from __future__ import annotations

import math
import re
from datetime import date

from modeltest import (
    als_dicts,
    bespreking,
    bewijs_in_woorden,
    bouw,
    casussen,
    cbs,
    kans,
    laad,
    rijen,
    rode_draden_in_woorden,
    signaal,
)

from wijkprofiel.db import connect
from wijkprofiel.publish.bewijs import bewijs_per_rol

GM, WK1, WK2 = "GM0344", "WK034401", "WK034402"


def cbs_2024(con) -> None:
    cbs(con, 2024, [(GM, "Utrecht", "inwoners", "1000"), (WK1, "Wijk 01 West", "inwoners", "500"),
                    (WK2, "Wijk 02 Noordwest", "inwoners", "500")], tabel_id="85984NED")


def klein_geval(con) -> None:
    """WK01: 30 of 40 cases about geldzorgen (gemeente 40 of 100), the woningcorporatie reports geldzorgen 20
    times (WK02 10 times); WK02: 5 cases about eenzaamheid (hidden), the enquête 30% of 100 (WK01 10% of 100),
    and the ggz names psychische problemen without a count."""
    cbs_2024(con)
    c = laad(con, "casuistiek", tabel_id="wijkteam")
    casussen(con, c, WK1, 30, "geldzorgen")
    casussen(con, c, WK1, 10, "werk_en_inkomen", eerste=30)
    casussen(con, c, WK2, 10, "geldzorgen")
    casussen(con, c, WK2, 5, "eenzaamheid", eerste=10)
    casussen(con, c, WK2, 45, "meedoen", eerste=15)
    s = laad(con, "signalen", tabel_id="partners")
    signaal(con, s, "woningcorporatie", "2024", "geldzorgen", wijk=WK1, aantal=20)
    signaal(con, s, "woningcorporatie", "2024", "geldzorgen", wijk=WK2, aantal=10)
    signaal(con, s, "ggz", "2024", "psychische_problemen", wijk=WK2)
    e = laad(con, "enquete", tabel_id="enquete")
    signaal(con, e, "enquete", "onbekend", "eenzaamheid", wijk=WK1, percentage=10.0, n=100, bron="enquete")
    signaal(con, e, "enquete", "onbekend", "eenzaamheid", wijk=WK2, percentage=30.0, n=100, bron="enquete")
    b = laad(con, "besprekingen", tabel_id="bespreking")
    bespreking(con, b, WK1, date(2024, 6, 1), "geldzorgen", "deels", "Vroegsignalering",
               verklaring="Veel huurachterstanden", eigenaar="woningcorporatie", wanneer="Q3")
    k = laad(con, "kansen", tabel_id="kansen")
    kans(con, k, "Geldinloop", ["geldzorgen"], wijk=WK1, adres="Plein 1", soort="inloop", bron_rij=1)
    bouw(con, "pub.rode_draden", "pub.indicator_waarden", catalogi=True)


def sterkte(x: float, verwacht: float) -> float:
    return math.log((x + 10) / (verwacht + 10))


# ------------------------------------------------------------------------------------------------ intermediate.thema_aantallen


def test_thema_aantallen_telt_casussen_signalen_en_enquete_per_wijk_en_gemeente(con):
    klein_geval(con)
    assert rijen(con, """select gebied_code, jaar, indicator, waarde from intermediate.thema_aantallen
                         where indicator in ('casuistiek_casussen', 'casuistiek_geldzorgen', 'casuistiek_eenzaamheid',
                                             'signalen_geldzorgen', 'enquete_eenzaamheid_ja', 'enquete_eenzaamheid_n')
                         order by indicator, gebied_code""") == [
        (GM, 2024, "casuistiek_casussen", 100.0), (WK1, 2024, "casuistiek_casussen", 40.0),
        (WK2, 2024, "casuistiek_casussen", 60.0),
        (GM, 2024, "casuistiek_eenzaamheid", 5.0), (WK2, 2024, "casuistiek_eenzaamheid", 5.0),
        (GM, 2024, "casuistiek_geldzorgen", 40.0), (WK1, 2024, "casuistiek_geldzorgen", 30.0),
        (WK2, 2024, "casuistiek_geldzorgen", 10.0),
        # an enquête without a period counts for the latest year of the gemeente's casuïstiek and signals
        (GM, 2024, "enquete_eenzaamheid_ja", 40.0), (WK1, 2024, "enquete_eenzaamheid_ja", 10.0),
        (WK2, 2024, "enquete_eenzaamheid_ja", 30.0),
        (GM, 2024, "enquete_eenzaamheid_n", 200.0), (WK1, 2024, "enquete_eenzaamheid_n", 100.0),
        (WK2, 2024, "enquete_eenzaamheid_n", 100.0),
        (GM, 2024, "signalen_geldzorgen", 30.0), (WK1, 2024, "signalen_geldzorgen", 20.0),
        (WK2, 2024, "signalen_geldzorgen", 10.0),
    ]  # fmt: skip
    # a signal without a count adds no figure; an unmapped tag is no figure at all
    assert rijen(con, "select count(*) from intermediate.thema_aantallen where indicator like '%psychische%' "
                      "or indicator like '%onbekend%'") == [(0,)]


def test_thema_aantallen_gaan_door_de_openbaarmaking(con):
    klein_geval(con)
    assert rijen(con, """select gebied_code, indicator, waarde, onderdrukt from pub.indicator_waarden
                         where indicator in ('casuistiek_eenzaamheid', 'casuistiek_geldzorgen_pct', 'enquete_eenzaamheid_pct')
                         order by indicator, gebied_code""") == [
        (GM, "casuistiek_eenzaamheid", None, True), (WK2, "casuistiek_eenzaamheid", None, True),
        (GM, "casuistiek_geldzorgen_pct", 40.0, False), (WK1, "casuistiek_geldzorgen_pct", 75.0, False),
        (WK2, "casuistiek_geldzorgen_pct", 16.7, False),
        (GM, "enquete_eenzaamheid_pct", 20.0, False), (WK1, "enquete_eenzaamheid_pct", 10.0, False),
        (WK2, "enquete_eenzaamheid_pct", 30.0, False),
    ]  # fmt: skip


# -------------------------------------------------------------------------------------------------- pub.rode_draden_bewijs


def test_bewijs_sterkte_en_zinnen_uit_gepubliceerde_cijfers(con):
    klein_geval(con)
    bewijs = [
        (b["wijkcode"], b["thema"], b["bewijsbron"], b["indicator"], b["waarde"], b["gemeente_waarde"], b["waargenomen"],
         None if b["verwacht_aantal"] is None else round(b["verwacht_aantal"], 2), b["sterkte"], b["zin"])
        for b in bewijs_in_woorden(con, """thema in ('geldzorgen', 'eenzaamheid', 'psychische_problemen')
                                           and bewijsbron in ('casuistiek', 'signalen', 'enquete')""")
    ]  # fmt: skip
    assert bewijs == [
        (WK1, "eenzaamheid", "enquete", "enquete_eenzaamheid_pct", 10.0, 20.0, 10.0, 20.0, round(sterkte(10, 20), 3),
         "Enquête: 10,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%."),
        (WK1, "geldzorgen", "casuistiek", "casuistiek_geldzorgen_pct", 75.0, 40.0, 30.0, 16.0, round(sterkte(30, 16), 3),
         "Wijkteam: 30 van de 40 casussen in 2024 (75,0%) gaan over geldzorgen en schulden; in de gemeente 40,0%."),
        (WK1, "geldzorgen", "signalen", "signalen_geldzorgen", 20.0, 30.0, 20.0, 15.0, round(sterkte(20, 15), 3),
         "Signalen: woningcorporatie meldde 20 keer geldzorgen en schulden in 2024; een gemiddelde wijk in de gemeente: 15."),
        # 5 cases is below the threshold: the sentence says so and there is no strength
        (WK2, "eenzaamheid", "casuistiek", "casuistiek_eenzaamheid_pct", None, None, None, None, None,
         "Wijkteam: het aantal casussen over eenzaamheid in 2024 is te klein om te tonen."),
        (WK2, "eenzaamheid", "enquete", "enquete_eenzaamheid_pct", 30.0, 20.0, 30.0, 20.0, round(sterkte(30, 20), 3),
         "Enquête: 30,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%."),
        (WK2, "geldzorgen", "casuistiek", "casuistiek_geldzorgen_pct", 16.7, 40.0, 10.0, 23.95, round(sterkte(10, 10 * 40 / 16.7), 3),
         "Wijkteam: 10 van de 60 casussen in 2024 (16,7%) gaan over geldzorgen en schulden; in de gemeente 40,0%."),
        (WK2, "geldzorgen", "signalen", "signalen_geldzorgen", 10.0, 30.0, 10.0, 15.0, round(sterkte(10, 15), 3),
         "Signalen: woningcorporatie meldde 10 keer geldzorgen en schulden in 2024; een gemiddelde wijk in de gemeente: 15."),
        # a partner naming a theme without a count: the fixed strength ln(1.25)
        (WK2, "psychische_problemen", "signalen", "signalen_psychische_problemen", None, None, None, None,
         round(math.log(1.25), 3),
         "Signalen: ggz noemt psychische problemen in 2024 (zonder aantal, of een aantal te klein om te tonen)."),
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------- pub.rode_draden


def test_rode_draden_status_rang_bronnen_vragen_kansen_en_vorige_bespreking(con):
    klein_geval(con)
    rows = rijen(con, """select wijkcode, rang, thema, status, sterkte, bronnen from pub.rode_draden
                         order by wijkcode, rang""")
    assert rows == [
        # two independent sources point at geldzorgen and together pass 0.5
        (WK1, 1, "geldzorgen", "rode draad", round(sterkte(30, 16) + sterkte(20, 15), 2), ["casuistiek", "signalen"]),
        (WK2, 1, "eenzaamheid", "signaal om te toetsen", round(sterkte(30, 20), 2), ["enquete"]),
        (WK2, 2, "psychische_problemen", "signaal om te toetsen", round(math.log(1.25), 2), ["signalen"]),
    ]
    # werk_en_inkomen (10 cases, all in WK01) and meedoen (45, all in WK02) would stand out most, but the other
    # wijk's 0 is hidden, so the published gemeente total would give it away: secondary suppression hides the
    # figure and the rode draden, built on published values only, do not list the theme.
    assert rijen(con, """select gebied_code, onderdrukt_reden from pub.indicator_waarden
                         where indicator in ('casuistiek_werk_en_inkomen', 'casuistiek_meedoen') and gebied_niveau = 'wijk'
                         order by 1""") == [(WK1, "secundair onderdrukt (anders terug te rekenen)"),
                                            (WK2, "secundair onderdrukt (anders terug te rekenen)")]
    (r,) = rode_draden_in_woorden(con, "wijkcode = ? and thema = 'geldzorgen'", [WK1])
    rij = (r["wijknaam"], r["jaar"], r["thema_label"], r["bewijs"], r["herkennen"].endswith("?"),
           r["verklaren"].endswith("?"), r["kansen"], r["vorige_bespreking_datum"], r["vorige_herkend"], r["vorige_actie"],
           r["vorige_eigenaar"])  # fmt: skip
    assert rij[:3] == ("Wijk 01 West", 2024, "Geldzorgen en schulden")
    assert rij[3] == [  # the sources that point at the theme first, strongest first
        "Wijkteam: 30 van de 40 casussen in 2024 (75,0%) gaan over geldzorgen en schulden; in de gemeente 40,0%.",
        "Signalen: woningcorporatie meldde 20 keer geldzorgen en schulden in 2024; een gemiddelde wijk in de gemeente: 15.",
    ]
    assert rij[4:] == (True, True, [{"naam": "Geldinloop", "soort": "inloop", "adres": "Plein 1"}],
                       date(2024, 6, 1), "deels", "Vroegsignalering", "woningcorporatie")
    # the privacy boundary: what rests on published values is in pub, never in marts
    assert rijen(con, "select table_name from duckdb_tables() where schema_name = 'marts' and table_name like 'rode_draden%'") == []


def bewijs_geval(con) -> None:
    """WK01 has many 65-plussers (CBS 2023; its 2024 figure is unknown) and more cases about eenzaamheid and dementie
    than the gemeente, while the enquête says eenzaamheid as often as the gemeente and the huisarts reports it far
    less than in WK02. WK02: the woningcorporatie reports huisvesting 150 times (WK01 10), with slightly more
    corporatiewoningen than the gemeente."""
    for jaar, wk1_65 in ((2023, "125"), (2024, ".")):
        cbs(con, jaar, [(GM, "Utrecht", "inwoners", "1000"), (WK1, "Wijk 01 West", "inwoners", "500"),
                        (WK2, "Wijk 02 Noordwest", "inwoners", "500"), (GM, "Utrecht", "inwoners_65_plus", "150"),
                        (WK1, "Wijk 01 West", "inwoners_65_plus", wk1_65),
                        (WK2, "Wijk 02 Noordwest", "inwoners_65_plus", "25"),
                        (GM, "Utrecht", "corporatiewoningen_pct", "18"), (WK1, "Wijk 01 West", "corporatiewoningen_pct", "14"),
                        (WK2, "Wijk 02 Noordwest", "corporatiewoningen_pct", "22")], tabel_id=f"KWB{jaar}")  # fmt: skip
    c = laad(con, "casuistiek", tabel_id="wijkteam")
    for wijk, aantallen in ((WK1, {"eenzaamheid": 30, "dementie": 15, "geldzorgen": 15}),
                            (WK2, {"eenzaamheid": 10, "dementie": 10, "geldzorgen": 50})):
        eerste = 0
        for thema, aantal in aantallen.items():
            casussen(con, c, wijk, aantal, thema, eerste=eerste)
            eerste += aantal
    s = laad(con, "signalen", tabel_id="partners")
    for partner, thema, wk1, wk2 in (("huisarts", "eenzaamheid", 10, 90), ("woningcorporatie", "huisvesting", 10, 150)):
        signaal(con, s, partner, "2024", thema, wijk=WK1, aantal=wk1)
        signaal(con, s, partner, "2024", thema, wijk=WK2, aantal=wk2)
    e = laad(con, "enquete", tabel_id="enquete")
    for wijk in (WK1, WK2):
        signaal(con, e, "enquete", "onbekend", "eenzaamheid", wijk=wijk, percentage=20.0, n=100, bron="enquete")
    bouw(con, "pub.rode_draden", catalogi=True)


def test_bewijs_rol_ook_bij_en_terugvaljaar(con):
    """Each cited figure says whether it is evidence (rol), which other listed themes of the wijk it is evidence
    for too (ook_bij), and why it is from before the peiljaar (overgeslagen_jaar, overgeslagen_reden)."""
    bewijs_geval(con)
    feiten = rijen(con, """select r.wijkcode, r.thema, b.indicator, b.jaar, b.rol, b.ook_bij, b.overgeslagen_jaar,
                                  b.overgeslagen_reden
                           from pub.rode_draden r, unnest(r.bewijs) as t(b)
                           where r.wijkcode = ? order by all""", [WK1])
    assert feiten == [
        # 25% 65-plussers against 15% (2023: WK01's 2024 figure is unknown at CBS), evidence for all three themes
        (WK1, "dementie", "aandeel_65_plus", 2023, "wijst", ["eenzaamheid", "zelfstandig_wonen"], 2024,
         "onbekend of geheim (CBS)"),
        (WK1, "dementie", "casuistiek_dementie_pct", 2024, "wijst", [], None, None),
        (WK1, "eenzaamheid", "aandeel_65_plus", 2023, "wijst", ["dementie", "zelfstandig_wonen"], 2024,
         "onbekend of geheim (CBS)"),
        (WK1, "eenzaamheid", "casuistiek_eenzaamheid_pct", 2024, "wijst", [], None, None),
        # 20% in the enquête, as in the gemeente: not evidence, listed apart
        (WK1, "eenzaamheid", "enquete_eenzaamheid_pct", 2024, "wijkt_niet_af", [], None, None),
        # 10 signals where an average wijk has 50: it points away from the theme
        (WK1, "eenzaamheid", "signalen_eenzaamheid", 2024, "andere_kant", [], None, None),
        (WK1, "zelfstandig_wonen", "aandeel_65_plus", 2023, "wijst", ["dementie", "eenzaamheid"], 2024,
         "onbekend of geheim (CBS)"),
    ]  # fmt: skip
    # the rode draden themselves are the method's: the rol only sorts what the report cites
    assert rijen(con, "select count(*) from pub.rode_draden_bewijs where overgeslagen_jaar is not null "
                      "and (jaar >= overgeslagen_jaar or waarde is null)") == [(0,)]


def test_net_boven_de_drempel_wanneer_een_kleine_verandering_de_rode_draad_van_de_lijst_haalt(con):
    bewijs_geval(con)
    assert rijen(con, """select wijkcode, thema, status, sterkte, net_boven_drempel, bronnen from pub.rode_draden
                         order by wijkcode, rang""") == [
        # 0.463 + 0.265: two clear sources, together well over 0.5
        (WK1, "eenzaamheid", "rode draad", 0.8, False, ["cbs_context", "casuistiek"]),
        # sterkte below 0.75
        (WK1, "dementie", "rode draad", 0.61, True, ["cbs_context", "casuistiek"]),
        (WK1, "zelfstandig_wonen", "signaal om te toetsen", 0.46, False, ["cbs_context"]),
        # 0.78 in all, but one of its two sources (corporatiewoningen, ln(22/18) = 0.2) hardly points at it
        (WK2, "huisvesting", "rode draad", 0.78, True, ["signalen", "cbs_context"]),
        (WK2, "eenzaamheid", "signaal om te toetsen", 0.51, False, ["signalen"]),
        (WK2, "geldzorgen", "signaal om te toetsen", 0.29, False, ["casuistiek"]),
    ]  # fmt: skip
    (r,) = als_dicts(con.execute("select * from pub.rode_draden where wijkcode = ? and thema = 'eenzaamheid'", [WK1]))
    assert bewijs_per_rol(r, {"dementie": "Dementie", "zelfstandig_wonen": "Zelfstandig wonen"}) == {
        "wijst": [
            "Aandeel inwoners van 65 jaar of ouder: 25,0% tegen 15,0% in de gemeente (2024: geen CBS-cijfer, daarom "
            "2023). Telt ook mee bij: dementie, zelfstandig wonen.",
            "Wijkteam: 30 van de 60 casussen in 2024 (50,0%) gaan over eenzaamheid; in de gemeente 30,8%.",
        ],
        "wijkt_niet_af": ["Enquête: 20,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%."],
        "andere_kant": ["Signalen: huisarts meldde 10 keer eenzaamheid in 2024; een gemiddelde wijk in de gemeente: 50."],
    }


def test_rode_draden_zonder_casuistiek_of_signalen_leeg(con):
    cbs_2024(con)
    bouw(con, "pub.rode_draden", catalogi=True)
    assert rijen(con, "select count(*) from pub.rode_draden") == [(0,)]


# ------------------------------------------------------------------------------------------------ the demo


def test_demo_rode_draden_volgen_de_ingebouwde_oorzaken(demo_volledig):
    con = connect(demo_volledig, read_only=True)
    try:
        eerste = dict(rijen(con, "select wijknaam, thema from pub.rode_draden where rang = 1 and status = 'rode draad'"))
        rode_draden = set(rijen(con, "select wijkcode, thema from pub.rode_draden where status = 'rode draad'"))
        bronnen = dict(rijen(con, "select wijkcode, bronnen from pub.rode_draden where thema = 'geldzorgen' and wijkcode = 'WK034403'"))
    finally:
        con.close()
    # synth_rodedraden: geldzorgen rises with low income and bijstand (Overvecht), eenzaamheid with one-person
    # households and 65+ (Oost, Binnenstad), opvoeding with the share of 0-14 year olds (Leidsche Rijn, Vleuten-De Meern)
    assert eerste["Wijk 03 Overvecht"] == eerste["Wijk 07 Zuid"] == eerste["Wijk 08 Zuidwest"] == "geldzorgen"
    # ... and dementie and zelfstandig wonen with the 65-plussers of Overvecht
    assert {("WK034403", "dementie"), ("WK034403", "zelfstandig_wonen")} <= rode_draden
    assert eerste["Wijk 05 Oost"] == "eenzaamheid"
    assert eerste["Wijk 06 Binnenstad"] == "eenzaamheid"
    assert eerste["Wijk 09 Leidsche Rijn"] == "opvoeding"
    assert eerste["Wijk 10 Vleuten-De Meern"] == "opvoeding"
    assert {"casuistiek", "voorzieningen", "cbs_context", "signalen"} <= set(bronnen["WK034403"])


def test_demo_bewijs_noemt_alleen_gepubliceerde_aantallen(demo_volledig):
    """Every count a sentence cites is a published count: a multiple of 5 and at least 8 (or a CBS figure)."""
    con = connect(demo_volledig, read_only=True)
    try:
        bewijs = bewijs_in_woorden(con)
        gepubliceerd = {(g, i, j): w for g, i, j, w in rijen(con, "select gebied_code, indicator, jaar, waarde from pub.openbaarmaking")}
    finally:
        con.close()
    zinnen = [(b["bewijsbron"], b["zin"], b["waargenomen"], gepubliceerd.get((b["wijkcode"], b["indicator"], b["jaar"])))
              for b in bewijs if b["zin"] is not None]  # fmt: skip
    assert zinnen
    for bron, zin, waargenomen, gepubliceerd in zinnen:
        if bron in ("casuistiek", "signalen"):
            zin = re.sub(r" \(\d{4}: [^)]*\)", "", zin)  # why a fallback year: "(2024: minder dan 8, daarom 2023)"
            for getal in re.findall(r"(?<![\d,])(\d+(?:\.\d{3})*)(?![\d,%])", zin.split(" in 20")[0]):
                waarde = int(getal.replace(".", ""))
                assert waarde % 5 == 0 and waarde >= 8, zin
        if bron != "cbs_context" and gepubliceerd is None:
            assert waargenomen is None, zin

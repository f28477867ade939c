"""publish/bewijs.py: the evidence of pub.rode_draden_bewijs said in Dutch, one sentence per fact.

The facts come from the SQL models (tests/test_rode_draden.py checks them on hand-written rows); here every kind of
sentence is checked on a fact written out by hand.
"""

from __future__ import annotations

import pytest

from wijkprofiel.publish.bewijs import (
    bewijs_per_rol,
    bewijszin,
    bewijszinnen,
    partnernamen,
    sterkte_in_woorden,
    sterkte_uitleg,
)


def feit(bewijsbron: str, **velden) -> dict:
    leeg = dict.fromkeys(("indicator", "label", "eenheid", "waarde", "gemeente_waarde", "aantal", "noemer_aantal",
                          "vorige_waarde", "verwacht_aantal", "sterkte"))  # fmt: skip
    return {**leeg, "bewijsbron": bewijsbron, "jaar": 2024, "partners": [], "rol": "wijst", "ook_bij": [],
            "overgeslagen_jaar": None, "overgeslagen_reden": None, **velden}


def test_partners_each_once_sorted_by_name_and_unknown_ones_together():
    assert partnernamen(["woningcorporatie", "poh", "huisarts", "overig", "onbekend"]) == [
        "POH", "andere partners", "huisarts", "woningcorporatie"]  # fmt: skip
    assert partnernamen(["meldpunt_zorg_overlast", "clientenraad"]) == ["cliëntenraad", "meldpunt zorg & overlast"]
    assert partnernamen(None) == []


def test_casuistiek_with_count_base_gemeente_and_last_year():
    zin = bewijszin(feit("casuistiek", waarde=75.0, aantal=30.0, noemer_aantal=40.0, gemeente_waarde=40.0,
                         vorige_waarde=62.5), "Geldzorgen en schulden", 2024)  # fmt: skip
    assert zin == ("Wijkteam: 30 van de 40 casussen in 2024 (75,0%) gaan over geldzorgen en schulden; in de gemeente "
                   "40,0%. In 2023 was dat 62,5%.")


def test_casuistiek_without_count_and_hidden():
    assert bewijszin(feit("casuistiek", waarde=12.5), "Eenzaamheid", 2024) == (
        "Wijkteam: 12,5% van de casussen in 2024 gaan over eenzaamheid.")
    assert bewijszin(feit("casuistiek", jaar=2023), "Eenzaamheid", 2024) == (
        "Wijkteam: het aantal casussen over eenzaamheid in 2023 is te klein om te tonen.")


def test_signalen_counted_named_and_silent():
    een = feit("signalen", waarde=1250.0, partners=["woningcorporatie"], verwacht_aantal=15.4)
    assert bewijszin(een, "Geldzorgen en schulden", 2024) == (
        "Signalen: woningcorporatie meldde 1.250 keer geldzorgen en schulden in 2024; een gemiddelde wijk in de "
        "gemeente: 15.")
    samen = feit("signalen", waarde=20.0, partners=["poh", "huisarts"])
    assert bewijszin(samen, "Eenzaamheid", 2024) == "Signalen: POH, huisarts meldden samen 20 keer eenzaamheid in 2024."
    assert bewijszin(feit("signalen", waarde=20.0), "Eenzaamheid", 2024) == (
        "Signalen: partners meldden samen 20 keer eenzaamheid in 2024.")
    # named without a publishable count: the cycle's year, not the year of an older hidden figure
    genoemd = feit("signalen", jaar=2023, partners=["ggz"])
    assert bewijszin(genoemd, "Psychische problemen", 2024) == (
        "Signalen: ggz noemt psychische problemen in 2024 (zonder aantal, of een aantal te klein om te tonen).")
    assert bewijszin(feit("signalen", partners=["ggz", "wijkagent"]), "Overlast", 2024).startswith(
        "Signalen: ggz, wijkagent noemen overlast in 2024")
    assert bewijszin(feit("signalen"), "Overlast", 2024) is None


def test_enquete_and_context_figures_and_what_says_nothing():
    assert bewijszin(feit("enquete", waarde=30.0, gemeente_waarde=20.0), "Eenzaamheid", 2024) == (
        "Enquête: 30,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%.")
    bijstand = feit("voorzieningen", label="Bijstandsuitkeringen per 1000 inwoners", eenheid="per 1000 inwoners",
                    waarde=61.2, gemeente_waarde=24.0, jaar=2023)
    assert bewijszin(bijstand, "Geldzorgen en schulden", 2024) == (
        "Bijstandsuitkeringen per 1000 inwoners: 61,2 tegen 24,0 in de gemeente (2023).")
    laag_inkomen = feit("cbs_context", label="Huishoudens met een laag inkomen", eenheid="%", waarde=14.0)
    assert bewijszin(laag_inkomen, "Geldzorgen en schulden", 2024) == "Huishoudens met een laag inkomen: 14,0% (2024)."
    for bron in ("enquete", "voorzieningen", "cbs_context"):
        assert bewijszin(feit(bron, label="x", eenheid="%"), "Eenzaamheid", 2024) is None


def test_a_rode_draad_says_its_evidence_in_order_and_leaves_out_silent_facts():
    rode_draad = {"thema_label": "Eenzaamheid", "jaar": 2024, "bewijs": [
        feit("enquete", waarde=30.0), feit("signalen"), feit("casuistiek", waarde=10.0)]}
    assert bewijszinnen(rode_draad) == [
        "Enquête: 30,0% van de respondenten noemt eenzaamheid.",
        "Wijkteam: 10,0% van de casussen in 2024 gaan over eenzaamheid.",
    ]
    assert bewijszinnen({**rode_draad, "bewijs": None}) == []


@pytest.mark.parametrize(
    ("sterkte", "net_boven_drempel", "woorden"),
    [(0.5, True, "zwak, net boven de drempel"), (0.74, False, "zwak"), (0.75, False, "matig"),
     (1.2, True, "matig, net boven de drempel"), (1.49, False, "matig"), (1.5, False, "sterk"), (2.5, False, "zeer sterk"),
     (5.0, False, "zeer sterk"), (0.3, None, "zwak")],
)  # fmt: skip
def test_the_strength_of_a_rode_draad_in_words_and_borderline_as_pub_marks_it(sterkte, net_boven_drempel, woorden):
    assert sterkte_in_woorden({"sterkte": sterkte, "net_boven_drempel": net_boven_drempel}) == woorden


@pytest.mark.parametrize(
    ("sterkte", "bronnen", "uitleg"),
    [(3.41, ["signalen", "enquete", "voorzieningen", "casuistiek", "cbs_context"],
      "vijf onafhankelijke bronnen, sterk boven het gemeentelijk gemiddelde"),
     (1.47, ["signalen", "voorzieningen", "cbs_context"], "drie onafhankelijke bronnen, duidelijk boven het gemeentelijk gemiddelde"),
     (0.73, ["casuistiek", "cbs_context", "signalen"], "drie onafhankelijke bronnen, iets boven het gemeentelijk gemiddelde"),
     (0.21, ["casuistiek"], "één bron, iets boven het gemeentelijk gemiddelde")],
)  # fmt: skip
def test_the_strength_explained_by_its_sources_and_how_far_above_the_gemeente_they_are(sterkte, bronnen, uitleg):
    assert sterkte_uitleg({"sterkte": sterkte, "bronnen": bronnen}) == uitleg


@pytest.mark.parametrize(
    ("reden", "gezegd"),
    [("minder dan 8", "minder dan 8"), ("onbekend of geheim (CBS)", "geen CBS-cijfer"),
     ("secundair onderdrukt (anders terug te rekenen)", "verborgen, anders terug te rekenen"),
     ("geen cijfer", "geen cijfer"), ("een nieuwe reden", "een nieuwe reden")],
)  # fmt: skip
def test_a_fallback_year_says_why(reden, gezegd):
    casuistiek = feit("casuistiek", waarde=7.1, aantal=10.0, noemer_aantal=140.0, gemeente_waarde=4.7, jaar=2023,
                      overgeslagen_jaar=2024, overgeslagen_reden=reden)
    assert bewijszin(casuistiek, "Dementie", 2024) == (
        f"Wijkteam (2024: {gezegd}, daarom 2023): 10 van de 140 casussen in 2023 (7,1%) gaan over dementie; "
        "in de gemeente 4,7%.")
    bijstand = feit("voorzieningen", label="Personen met bijstand per 1 000 inwoners", eenheid="per 1 000 inwoners",
                    waarde=76.8, gemeente_waarde=28.3, jaar=2023, overgeslagen_jaar=2024, overgeslagen_reden=reden)
    assert bewijszin(bijstand, "Geldzorgen en schulden", 2024) == (
        f"Personen met bijstand per 1 000 inwoners: 76,8 tegen 28,3 in de gemeente (2024: {gezegd}, daarom 2023).")
    signalen = feit("signalen", waarde=20.0, partners=["huisarts"], jaar=2023, overgeslagen_jaar=2024,
                    overgeslagen_reden=reden)
    assert bewijszin(signalen, "Eenzaamheid", 2024).startswith(f"Signalen (2024: {gezegd}, daarom 2023): huisarts")
    enquete = feit("enquete", waarde=30.0, jaar=2023, overgeslagen_jaar=2024, overgeslagen_reden=reden)
    assert bewijszin(enquete, "Eenzaamheid", 2024).startswith(f"Enquête (2024: {gezegd}, daarom 2023): 30,0%")


def test_evidence_apart_from_what_does_not_deviate_points_away_or_is_hidden_and_shared_figures_say_so():
    rode_draad = {"thema_label": "Eenzaamheid", "jaar": 2024, "bewijs": [
        feit("casuistiek", waarde=30.0),
        feit("cbs_context", label="Aandeel 65-plussers", eenheid="%", waarde=25.0, gemeente_waarde=15.0,
             ook_bij=["zelfstandig_wonen", "dementie"]),
        feit("enquete", waarde=20.0, gemeente_waarde=20.0, rol="wijkt_niet_af", ook_bij=["dementie"]),
        feit("signalen", waarde=10.0, partners=["huisarts"], rol="andere_kant"),
        feit("voorzieningen", label="Wmo-cliënten per 1 000", eenheid="per 1 000", waarde=60.0, gemeente_waarde=40.0,
             rol="bron_wijst_niet"),
        feit("casuistiek", jaar=2024, rol="verborgen"),
    ]}  # fmt: skip
    labels = {"dementie": "Dementie", "zelfstandig_wonen": "Zelfstandig wonen"}
    assert bewijs_per_rol(rode_draad, labels) == {
        "wijst": ["Wijkteam: 30,0% van de casussen in 2024 gaan over eenzaamheid.",
                  # sorted by name; only evidence says where else it counts
                  "Aandeel 65-plussers: 25,0% tegen 15,0% in de gemeente (2024). Telt ook mee bij: dementie, "
                  "zelfstandig wonen."],
        "wijkt_niet_af": ["Enquête: 20,0% van de respondenten noemt eenzaamheid; in de gemeente 20,0%."],
        "andere_kant": ["Signalen: huisarts meldde 10 keer eenzaamheid in 2024."],
        "bron_wijst_niet": ["Wmo-cliënten per 1 000: 60,0 tegen 40,0 in de gemeente (2024)."],
        "verborgen": ["Wijkteam: het aantal casussen over eenzaamheid in 2024 is te klein om te tonen."],
    }
    # without evidence of a kind the rol is left out, and bewijszinnen keeps pub's order across all of them
    assert list(bewijs_per_rol({**rode_draad, "bewijs": rode_draad["bewijs"][:2]}, labels)) == ["wijst"]
    assert len(bewijszinnen(rode_draad, labels)) == 6

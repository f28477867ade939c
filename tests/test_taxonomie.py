"""The theme taxonomy: DESIGN §5 themes, tag matching, gemeente extensions and the theme links of categories and indicators.

The DESIGN §5 table is copied below on purpose: the project never reads ../shared, so this test is where the
packaged `themas.yaml` is held to the design.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

import wijkprofiel
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.profiles import laad_profiel
from wijkprofiel.reference.themes import Taxonomie, Thema, check_tags, laad_taxonomie, split_tags

DATA = Path(wijkprofiel.__file__).resolve().parent / "reference" / "data"

# DESIGN §5: key → (example synonyms, ZRM domain or None)
DESIGN_THEMAS = {
    "geldzorgen": (["schulden", "armoede", "betalingsachterstand"], "Financiën"),
    "werk_en_inkomen": (["werkloos", "uitkering", "re-integratie"], "Werk & opleiding"),
    "eenzaamheid": (["sociaal isolement", "weinig netwerk"], "Sociaal netwerk"),
    "huisvesting": (["woonproblemen", "dakloos", "huisuitzetting"], "Huisvesting"),
    "relaties_en_scheiding": (["vechtscheiding", "relatieproblemen"], "Huiselijke relaties"),
    "opvoeding": (["opvoedvragen", "gezinsproblemen"], "ZRM-kind"),
    "huiselijk_geweld": (["kindermishandeling", "onveilig thuis"], "Huiselijke relaties"),
    "psychische_problemen": (["ggz", "depressie", "verward gedrag"], "Geestelijke gezondheid"),
    "dementie": (["geheugenproblemen"], "Geestelijke gezondheid"),
    "lichamelijke_gezondheid": (["chronisch ziek", "beperking"], "Lichamelijke gezondheid"),
    "verslaving": (["middelengebruik", "alcohol", "drugs"], "Middelengebruik"),
    "zelfstandig_wonen": (["ADL", "valrisico", "huishouden"], "Basale/Instrumentele ADL"),
    "mantelzorg": (["overbelaste mantelzorger"], "Sociaal netwerk"),
    "dagbesteding": (["zinvolle daginvulling"], "Tijdsbesteding"),
    "meedoen": (["participatie", "taal", "digitale vaardigheden"], "Maatschappelijke participatie"),
    "justitie": (["politiecontact", "detentie"], "Justitie"),
    "overlast_en_veiligheid": (["burenoverlast", "verwarde personen"], None),
    "zorgmijding": (["moeilijk bereikbaar"], None),
}


@pytest.fixture(scope="module")
def taxonomie() -> Taxonomie:
    return laad_taxonomie()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _gemeente_yaml(tmp_path: Path, text: str) -> Path:
    pad = tmp_path / "themas-gemeente.yaml"
    pad.write_text(text, encoding="utf-8")
    return pad


# --- the default taxonomy against DESIGN §5 -------------------------------------------------------------------

def test_default_taxonomy_has_exactly_the_18_design_themes(taxonomie):
    assert list(taxonomie.themas) == list(DESIGN_THEMAS)
    assert all(isinstance(t, Thema) and t.key == key for key, t in taxonomie.themas.items())


def test_every_design_theme_has_the_zrm_domain_design_gives(taxonomie):
    assert {key: t.zrm_domein for key, t in taxonomie.themas.items()} == {
        key: zrm for key, (_, zrm) in DESIGN_THEMAS.items()
    }


@pytest.mark.parametrize(("key", "synoniem"), [(k, s) for k, (syn, _) in DESIGN_THEMAS.items() for s in syn])
def test_design_example_synonym_maps_to_its_theme(taxonomie, key, synoniem):
    assert taxonomie.match(synoniem) == key


def test_every_theme_has_a_dutch_label_and_at_least_five_synonyms(taxonomie):
    for thema in taxonomie.themas.values():
        assert thema.label and thema.label[0].isupper(), thema.key
        assert len(thema.synoniemen) >= 5, thema.key


def test_every_theme_has_herkennen_and_verklaren_questions_ending_in_a_question_mark(taxonomie):
    for thema in taxonomie.themas.values():
        assert thema.herkennen.startswith("Herkent u") and thema.herkennen.endswith("?"), thema.key
        assert thema.verklaren.startswith("Wat verklaart dit?") and thema.verklaren.endswith("?"), thema.key
        assert "\n" not in thema.herkennen + thema.verklaren


def test_questions_differ_per_theme(taxonomie):
    herkennen = [t.herkennen for t in taxonomie.themas.values()]
    verklaren = [t.verklaren for t in taxonomie.themas.values()]
    assert len(set(herkennen)) == len(herkennen) and len(set(verklaren)) == len(verklaren)


def test_default_taxonomy_has_a_version(taxonomie):
    assert taxonomie.versie == "2025.1"
    assert taxonomie.bronnen == ["themas.yaml"]


def test_no_spelling_belongs_to_two_themes_in_the_default(taxonomie):
    gezien: dict[str, str] = {}
    for vorm, key in taxonomie.spellingen():
        assert gezien.setdefault(vorm, key) == key
    assert ("schulden", "geldzorgen") in taxonomie.spellingen()


# --- matching -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tag", "thema"),
    [
        ("Geldzorgen", "geldzorgen"),
        (" GELDZORGEN ", "geldzorgen"),
        ("financiële problemen", "geldzorgen"),
        ("Financiele Problemen", "geldzorgen"),
        ("Schulden", "geldzorgen"),
        ("schuld", "geldzorgen"),
        ("betalingsachterstanden", "geldzorgen"),
        ("huurachterstand", "geldzorgen"),
        ("sociaal  isolement", "eenzaamheid"),
        ("Sociaal-isolement", "eenzaamheid"),
        ("geïsoleerd", "eenzaamheid"),
        ("Burn-out", "psychische_problemen"),
        ("burnout", "psychische_problemen"),
        ("Cocaine", "verslaving"),
    ],
)
def test_matching_ignores_case_accents_and_whitespace(taxonomie, tag, thema):
    assert taxonomie.match(tag) == thema


@pytest.mark.parametrize("tag", ["werk_en_inkomen", "werk en inkomen", "Werk En Inkomen", "WERK_EN_INKOMEN"])
def test_theme_key_matches_with_spaces_or_underscores(taxonomie, tag):
    assert taxonomie.match(tag) == "werk_en_inkomen"


def test_theme_label_matches(taxonomie):
    assert taxonomie.match("Huiselijk geweld en kindermishandeling") == "huiselijk_geweld"
    assert taxonomie.match("Meedoen in de samenleving") == "meedoen"


@pytest.mark.parametrize("tag", ["", "   ", "?", None])
def test_empty_tag_matches_nothing(taxonomie, tag):
    assert taxonomie.match(tag) is None
    assert taxonomie.suggestie(tag) is None


@pytest.mark.parametrize(("tag", "suggestie"), [("geldzorg", "geldzorgen"), ("eenzaam", "eenzaamheid"),
                                                 ("Mantelzorgr", "mantelzorg"), ("schulden en armoede", "geldzorgen")])
def test_unknown_tag_is_none_with_the_closest_theme_as_suggestion(taxonomie, tag, suggestie):
    assert taxonomie.match(tag) is None
    assert taxonomie.suggestie(tag) == suggestie


def test_unrelated_tag_gets_no_suggestion(taxonomie):
    assert taxonomie.match("parkeerplaats") is None
    assert taxonomie.suggestie("parkeerplaats") is None


# --- split_tags -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheiding", [";", ",", "|", "/"])
def test_split_tags_on_each_separator(scheiding):
    assert split_tags(f"geldzorgen{scheiding} eenzaamheid") == ["geldzorgen", "eenzaamheid"]


def test_split_tags_mixed_separators_keep_order_and_drop_empties_and_duplicates():
    cel = " Schulden ;eenzaamheid,, ggz | schulden/ sociaal  isolement ;; "
    assert split_tags(cel) == ["Schulden", "eenzaamheid", "ggz", "sociaal isolement"]


def test_split_tags_is_also_available_on_the_taxonomy(taxonomie):
    assert taxonomie.split_tags("a; b") == ["a", "b"]


@pytest.mark.parametrize("cel", [None, "", "  ", " ; , | / ", math.nan])
def test_split_tags_of_an_empty_cell_is_an_empty_list(cel):
    assert split_tags(cel) == []


# --- check_tags -----------------------------------------------------------------------------------------------

def test_check_tags_lists_every_distinct_tag_with_count_theme_and_suggestion_unmapped_first(taxonomie):
    tags = ["Schulden", "schulden", "geldzorg", "eenzaamheid", "Geldzorg", "parkeerplaats", "  ", "eenzaam"]
    assert check_tags(tags, taxonomie) == [
        {"tag": "geldzorg", "aantal": 2, "thema": None, "suggestie": "geldzorgen", "spellingen": ["Geldzorg", "geldzorg"]},
        {"tag": "eenzaam", "aantal": 1, "thema": None, "suggestie": "eenzaamheid", "spellingen": ["eenzaam"]},
        {"tag": "parkeerplaats", "aantal": 1, "thema": None, "suggestie": None, "spellingen": ["parkeerplaats"]},
        {"tag": "Schulden", "aantal": 2, "thema": "geldzorgen", "suggestie": None, "spellingen": ["Schulden", "schulden"]},
        {"tag": "eenzaamheid", "aantal": 1, "thema": "eenzaamheid", "suggestie": None, "spellingen": ["eenzaamheid"]},
    ]


def test_check_tags_of_split_cells_counts_each_tag_once_per_cell(taxonomie):
    cellen = ["geldzorgen; eenzaamheid", "Geldzorgen", "geldzorgen, geldzorgen"]
    tags = [tag for cel in cellen for tag in split_tags(cel)]
    rijen = {r["tag"]: r["aantal"] for r in check_tags(tags, taxonomie)}
    assert rijen == {"geldzorgen": 3, "eenzaamheid": 1}


# --- gemeente extension ---------------------------------------------------------------------------------------

def test_gemeente_file_adds_a_synonym_to_an_existing_theme(tmp_path, taxonomie):
    pad = _gemeente_yaml(tmp_path, "themas:\n  geldzorgen:\n    synoniemen: [SHV-traject, kwijtschelding]\n")
    uitgebreid = laad_taxonomie(pad)
    assert uitgebreid.match("shv traject") == "geldzorgen"
    assert uitgebreid.match("Kwijtschelding") == "geldzorgen"
    assert uitgebreid.match("schulden") == "geldzorgen"
    thema = uitgebreid.themas["geldzorgen"]
    assert thema.synoniemen == [*taxonomie.themas["geldzorgen"].synoniemen, "SHV-traject", "kwijtschelding"]
    assert thema.label == taxonomie.themas["geldzorgen"].label
    assert thema.herkennen == taxonomie.themas["geldzorgen"].herkennen
    assert taxonomie.match("kwijtschelding") is None   # the default is not changed


def test_gemeente_file_adds_a_new_theme(tmp_path):
    pad = _gemeente_yaml(
        tmp_path,
        "versie: utrecht-2025-03\n"
        "themas:\n"
        "  laaggeletterdheid_ouders:\n"
        "    label: Laaggeletterde ouders\n"
        "    zrm_domein: null\n"
        "    synoniemen: [ouders kunnen niet lezen, leesproblemen ouders]\n",
    )
    uitgebreid = laad_taxonomie(pad)
    assert list(uitgebreid.themas)[-1] == "laaggeletterdheid_ouders"
    assert len(uitgebreid.themas) == 19
    thema = uitgebreid.themas["laaggeletterdheid_ouders"]
    assert thema == Thema(
        key="laaggeletterdheid_ouders",
        label="Laaggeletterde ouders",
        synoniemen=["ouders kunnen niet lezen", "leesproblemen ouders"],
        zrm_domein=None,
        herkennen="Herkent u het thema 'Laaggeletterde ouders' in deze wijk? Bij welke groepen ziet u het?",
        verklaren="Wat verklaart dit? Wat is er veranderd, en wat valt op?",
    )
    assert uitgebreid.match("Leesproblemen ouders") == "laaggeletterdheid_ouders"
    assert uitgebreid.match("laaggeletterdheid ouders") == "laaggeletterdheid_ouders"
    assert uitgebreid.versie == "2025.1+utrecht-2025-03"
    assert uitgebreid.bronnen == ["themas.yaml", str(pad)]


def test_gemeente_file_replaces_label_and_questions_of_an_existing_theme(tmp_path, taxonomie):
    pad = _gemeente_yaml(
        tmp_path,
        "themas:\n"
        "  zorgmijding:\n"
        "    label: Buiten beeld\n"
        "    herkennen: Herkent u bewoners die buiten beeld raken?\n"
        "    zrm_domein: Maatschappelijke participatie\n",
    )
    thema = laad_taxonomie(pad).themas["zorgmijding"]
    assert thema.label == "Buiten beeld"
    assert thema.herkennen == "Herkent u bewoners die buiten beeld raken?"
    assert thema.verklaren == taxonomie.themas["zorgmijding"].verklaren
    assert thema.zrm_domein == "Maatschappelijke participatie"
    assert thema.synoniemen == taxonomie.themas["zorgmijding"].synoniemen


def test_synonym_of_two_themes_raises_one_line_naming_both(tmp_path):
    pad = _gemeente_yaml(tmp_path, "themas:\n  eenzaamheid:\n    synoniemen: [alleen, Schulden]\n")
    with pytest.raises(WijkprofielError) as exc:
        laad_taxonomie(pad)
    bericht = str(exc.value)
    assert "geldzorgen" in bericht and "eenzaamheid" in bericht and "'Schulden'" in bericht
    assert str(pad) in bericht
    assert "\n" not in bericht


def test_new_theme_reusing_a_default_theme_key_as_synonym_raises_naming_both(tmp_path):
    pad = _gemeente_yaml(tmp_path, "themas:\n  armoede_kinderen:\n    synoniemen: [kinderarmoede, Geld zorgen]\n")
    with pytest.raises(WijkprofielError, match=r"geldzorgen and armoede_kinderen"):
        laad_taxonomie(pad)


@pytest.mark.parametrize(
    ("text", "fout"),
    [
        ("themas:\n  geldzorgen:\n    synoniem: [x]\n", "unknown field(s) synoniem"),
        ("themes:\n  geldzorgen: {}\n", "unknown top-level field(s) themes"),
        ("themas:\n  Geld Zorgen:\n    synoniemen: [x]\n", "(e.g. geld_zorgen)"),
        ("themas: [geldzorgen]\n", "'themas:' must map"),
        ("themas:\n  geldzorgen:\n    synoniemen: {a: b}\n", "synoniemen of theme geldzorgen must be a list"),
        ("themas:\n  geldzorgen:\n    synoniemen: ['--']\n", "synonym without letters or digits"),
        ("themas: [\n", "not valid YAML"),
    ],
)
def test_malformed_gemeente_file_raises_one_line(tmp_path, text, fout):
    pad = _gemeente_yaml(tmp_path, text)
    with pytest.raises(WijkprofielError) as exc:
        laad_taxonomie(pad)
    assert fout in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_gemeente_file_raises(tmp_path):
    with pytest.raises(WijkprofielError, match="file not found"):
        laad_taxonomie(tmp_path / "bestaat-niet.yaml")


# --- thema_koppelingen.csv ------------------------------------------------------------------------------------

def test_koppelingen_are_the_rows_of_the_packaged_csv(taxonomie):
    rijen = taxonomie.koppelingen()
    assert rijen == _csv(DATA / "thema_koppelingen.csv")
    assert list(rijen[0]) == ["soort", "wet", "code", "indicator", "thema", "bewijsbron", "toelichting"]
    rijen[0]["thema"] = "gewijzigd"
    assert taxonomie.koppelingen()[0]["thema"] != "gewijzigd"


def test_koppelingen_rows_are_well_formed_and_unique(taxonomie):
    gezien = set()
    for rij in taxonomie.koppelingen():
        assert rij["soort"] in {"beschikking", "indicator"}, rij
        if rij["soort"] == "beschikking":
            assert rij["wet"] and rij["code"] and not rij["indicator"], rij
        else:
            assert rij["indicator"] and not rij["wet"] and not rij["code"], rij
        assert rij["bewijsbron"] == ("" if rij["soort"] == "beschikking" else rij["bewijsbron"]), rij
        if rij["soort"] == "indicator":
            assert rij["bewijsbron"] in {"voorzieningen", "cbs_context"}, rij
        assert rij["toelichting"], rij
        sleutel = (rij["soort"], rij["wet"], rij["code"], rij["indicator"], rij["thema"])
        assert sleutel not in gezien, rij
        gezien.add(sleutel)


def test_every_koppeling_theme_exists_in_the_taxonomy(taxonomie):
    onbekend = {r["thema"] for r in taxonomie.koppelingen()} - set(taxonomie.themas)
    assert onbekend == set()


def test_every_koppeling_indicator_exists_in_the_indicator_catalogue_or_cbs_variables(taxonomie):
    bekend = {r["indicator"] for r in _csv(DATA / "indicatoren.csv")} | {r["indicator"] for r in _csv(DATA / "cbs_variabelen.csv")}
    gekoppeld = {r["indicator"] for r in taxonomie.koppelingen() if r["soort"] == "indicator"}
    assert gekoppeld - bekend == set()


def test_every_koppeling_category_exists_in_the_code_lists_or_the_local_codes(taxonomie):
    standaard = {"iWmo3.2": "wmo", "iJw3.2": "jeugdwet"}
    bekend = {
        (standaard[r["standard"]], r["code"])
        for r in _csv(DATA / "istandaarden" / "codelists_iwmo_ijw_3_2.csv")
        if r["type"] == "LDT_ProductCategorie"
    }
    bekend |= {(wet, code) for wet, codes in laad_profiel("auto").lokale_codes.items() for code in codes}
    gekoppeld = {(r["wet"], r["code"]) for r in taxonomie.koppelingen() if r["soort"] == "beschikking"}
    assert gekoppeld - bekend == set()
    assert {wet for wet, _ in gekoppeld} == set(laad_profiel("auto").waarden["wet"])


def test_every_theme_of_an_indicator_in_the_catalogue_is_a_koppeling(taxonomie):
    gekoppeld = {(r["indicator"], r["thema"]) for r in taxonomie.koppelingen() if r["soort"] == "indicator"}
    catalogus = {
        (r["indicator"], thema) for r in _csv(DATA / "indicatoren.csv") for thema in r["themas"].split("|")
        if thema and "{thema}" not in r["indicator"]  # per-theme rows (casuïstiek, signals) point at their own theme
    }
    assert catalogus - gekoppeld == set()


@pytest.mark.parametrize(
    ("wet", "code", "thema"),
    [
        ("schuldhulp", "SV", "geldzorgen"), ("schuldhulp", "BB", "geldzorgen"), ("schuldhulp", "BW", "geldzorgen"),
        ("schuldhulp", "SR", "geldzorgen"),
        ("participatiewet", "BL", "geldzorgen"), ("participatiewet", "BL", "werk_en_inkomen"),
        ("participatiewet", "RI", "werk_en_inkomen"),
        ("jeugdwet", "45", "opvoeding"), ("jeugdwet", "48", "huiselijk_geweld"), ("jeugdwet", "48", "opvoeding"),
        ("jeugdwet", "51", "psychische_problemen"), ("jeugdwet", "52", "psychische_problemen"),
        ("jeugdwet", "54", "psychische_problemen"),
        ("wmo", "01", "zelfstandig_wonen"), ("wmo", "02", "eenzaamheid"), ("wmo", "02", "zelfstandig_wonen"),
        ("wmo", "07", "dagbesteding"),
        *[("wmo", c, t) for c in ("11", "12", "13", "14") for t in ("zelfstandig_wonen", "lichamelijke_gezondheid")],
        *[("wmo", c, t) for c in ("15", "16", "17", "18") for t in ("huisvesting", "psychische_problemen")],
        ("wlz", "VV", "zelfstandig_wonen"), ("wlz", "GGZ", "psychische_problemen"),
    ],
)
def test_beschikking_category_points_at_its_theme(taxonomie, wet, code, thema):
    assert any(
        (r["soort"], r["wet"], r["code"], r["thema"]) == ("beschikking", wet, code, thema) for r in taxonomie.koppelingen()
    )


@pytest.mark.parametrize(
    ("indicator", "thema"),
    [
        ("huishoudens_laag_inkomen_pct", "geldzorgen"), ("huishoudens_sociaal_minimum_pct", "geldzorgen"),
        ("bijstand_per_1000_inwoners", "geldzorgen"), ("personen_bijstand", "geldzorgen"),
        ("personen_ww_uitkering", "werk_en_inkomen"), ("personen_ao_uitkering", "werk_en_inkomen"),
        ("aandeel_eenpersoonshuishoudens", "eenzaamheid"),
        ("aandeel_65_plus", "eenzaamheid"), ("aandeel_65_plus", "zelfstandig_wonen"), ("aandeel_65_plus", "dementie"),
        ("aandeel_0_14", "opvoeding"), ("jongeren_jeugdzorg_pct", "opvoeding"),
        ("wmo_clienten_per_1000", "zelfstandig_wonen"), ("corporatiewoningen_pct", "huisvesting"),
        ("beschikt_schuldhulp_per_1000_huishoudens", "geldzorgen"),
    ],
)
def test_indicator_points_at_its_theme(taxonomie, indicator, thema):
    assert any(
        (r["soort"], r["indicator"], r["thema"]) == ("indicator", indicator, thema) for r in taxonomie.koppelingen()
    )

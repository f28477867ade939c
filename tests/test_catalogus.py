"""The indicator catalogue (data/indicatoren.csv): one row per indicator, CBS cells included, checked on load."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wijkprofiel.db import connect, init_database
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.reference.catalogue import (
    catalogus_in_doc,
    cbs_variabelen,
    indicator,
    indicatoren,
    kwb_tabellen,
    lees_catalogus,
    noemer_tekst,
    tabel_ids,
    teller_tekst,
)
from wijkprofiel.reference.themes import laad_taxonomie
from wijkprofiel.transform.build import bouw_modellen, ververs_indicator_catalogus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "wijkprofiel" / "reference" / "data"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_packaged_catalogue_has_every_cbs_variable_and_at_least_30_indicators():
    alle = indicatoren()
    assert len(alle) >= 30
    cbs = {r["indicator"] for r in _csv(DATA / "cbs_variabelen.csv")}
    assert cbs <= {i.indicator for i in alle if i.bron == "cbs" and i.teller is None}
    # every entry is complete: label, definition, unit, direction, disclosure class; ratios say what they divide by
    for i in alle:
        assert i.label and i.definitie and i.eenheid and i.richting and i.openbaarmaking, i
        assert i.definitie.endswith("."), i.indicator
        if i.is_verhouding:
            assert noemer_tekst(i), i.indicator
        if i.bron == "cbs":
            assert tabel_ids(i), i.indicator
        assert set(i.themas) <= set(laad_taxonomie().themas)


def test_cbs_source_mapping_takes_label_and_unit_from_the_catalogue():
    inwoners = next(v for v in cbs_variabelen() if v.indicator == "inwoners")
    assert (inwoners.label, inwoners.eenheid, inwoners.kwb_kort) == ("Aantal inwoners", "aantal", "a_inw")
    assert list(_csv(DATA / "cbs_variabelen.csv")[0]) == ["indicator", "kwb_kort", "odata_sleutel", "statline_titel", "verplicht"]


def test_cbs_definitions_follow_cbs_text():
    """Spot checks against CBS, Toelichting Kerncijfers wijken en buurten 2024 (data/cbs/...pdf)."""
    assert "40% huishoudens met het laagste besteedbaar" in indicator("huishoudens_laag_inkomen_pct").definitie
    assert indicator("huishoudens_laag_inkomen_pct").label == "Huishoudens in de 40% laagste inkomens"  # CBS p_hh_li
    assert "Participatiewet" in indicator("personen_bijstand").definitie
    assert "tot 23 jaar" in indicator("jongeren_jeugdzorg").definitie
    assert "niet het aantal sociale huurwoningen" in indicator("corporatiewoningen_pct").definitie


def test_numerator_and_denominator_in_words_default_to_the_labels_of_teller_and_noemer():
    jeugd = indicator("beschikt_jeugdhulp_per_1000_jongeren")
    assert teller_tekst(jeugd) == "Jongeren met lopende jeugdhulp (gemeente)"
    assert noemer_tekst(jeugd) == "Inwoners 0 tot 15 jaar + Inwoners 15 tot 25 jaar"
    koop = indicator("koopwoningen_pct")
    assert (koop.teller, noemer_tekst(koop)) == (None, "alle woningen op 1 januari")


def test_kwb_token_expands_to_every_known_kwb_table():
    assert tabel_ids(indicator("inwoners")) == tuple(kwb_tabellen()[j] for j in sorted(kwb_tabellen()))
    assert tabel_ids(indicator("afstand_huisartsenpraktijk"))[-1] == "85830NED"
    assert tabel_ids(indicator("beschikt_wmo_clienten")) == ()


_GOED = {
    "indicator": "x", "label": "X", "eenheid": "aantal", "bron": "gemeente", "openbaarmaking": "aantal_personen",
    "teller": "", "noemer": "", "factor": "", "richting": "neutraal", "themas": "", "definitie": "Een x.",
    "bron_tabellen": "", "teller_omschrijving": "", "noemer_omschrijving": "",
}  # fmt: skip


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        ({"definitie": ""}, "line 2 (x): empty definitie"),
        ({"openbaarmaking": "cbs"}, "openbaarmaking 'cbs' is not one of"),
        ({"richting": "hoger"}, "richting 'hoger' is not one of"),
        ({"themas": "geldzorgen|armoede"}, "unknown theme(s) armoede"),
        ({"eenheid": "%"}, "a ratio (%) needs a noemer or noemer_omschrijving"),
        ({"teller": "y", "noemer": "x", "factor": "100", "eenheid": "%"}, "unknown indicator(s) y"),
        ({"teller": "x", "noemer": "x"}, "needs teller, noemer and factor together"),
        ({"bron": "cbs"}, "a CBS figure needs its CBS table ids"),
    ],
)
def test_a_bad_row_gives_one_clear_error_naming_its_line(wijziging, melding):
    with pytest.raises(WijkprofielError) as exc:
        lees_catalogus([{**_GOED, **wijziging}], [], {"geldzorgen"})
    assert melding in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_cbs_variable_without_a_catalogue_row_is_an_error():
    with pytest.raises(WijkprofielError, match="CBS variable inwoners needs a row with bron cbs"):
        lees_catalogus([_GOED], [{"indicator": "inwoners"}], set())
    with pytest.raises(WijkprofielError, match="listed twice: x"):
        lees_catalogus([_GOED, _GOED], [], set())


def test_raw_indicator_catalogus_holds_the_whole_catalogue_with_expanded_table_ids(tmp_path):
    con = connect(tmp_path / "c.duckdb")
    try:
        init_database(con)
        ververs_indicator_catalogus(con)
        bouw_modellen(con, catalogi=False)
        assert con.execute("select count(*) from raw.indicator_catalogus").fetchone() == (len(indicatoren()),)
        assert con.execute(
            """select bron, openbaarmaking, teller, bron_tabellen, teller_omschrijving, noemer_omschrijving
               from raw.indicator_catalogus where indicator in ('wmo_clienten_per_1000', 'beschikt_wmo_per_1000')
               order by indicator"""
        ).fetchall() == [
            ("gemeente", "verhouding", "beschikt_wmo_clienten", "|".join(tabel_ids(indicator("inwoners"))),
             "Wmo-cliënten met een lopende beschikking (gemeente)", "Aantal inwoners"),
            ("cbs", "verhouding", None, "|".join(tabel_ids(indicator("inwoners"))),
             "personen met ten minste één Wmo-maatwerkarrangement", "inwoners"),
        ]  # fmt: skip
    finally:
        con.close()


def test_docs_list_the_current_catalogue():
    doc = (ROOT / "docs" / "indicatoren.md").read_text(encoding="utf-8")
    assert catalogus_in_doc(doc) == doc, "docs/indicatoren.md is out of date: python -m wijkprofiel.catalogus docs/indicatoren.md"


def test_the_cbs_definitions_source_is_bundled_with_attribution():
    assert (ROOT / "data" / "cbs" / "kwb-2024-toelichting-variabelen.pdf").stat().st_size > 100_000
    assert "kwb-2024-toelichting-variabelen.pdf" in (ROOT / "data" / "README.md").read_text(encoding="utf-8")

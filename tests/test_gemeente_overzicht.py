"""The gemeente overview of the index page (issue 14, items 6 and 7): the wijk × theme table of rode draden and
signalen, the themes that recur, the gemeente's key figures over the years, and the data of the compare view."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest
from test_publish_secties import GELDZORGEN, GEMEENTE, WIJK, _rode_draad, gegevens, sectie

from wijkprofiel.publish import opmaak
from wijkprofiel.publish.gegevens import lees_pub
from wijkprofiel.publish.overzicht import (
    TERUGKEREND_VANAF,
    kerncijfers_door_de_jaren,
    terugkerende_themas,
    themamatrix,
    vergelijking,
)
from wijkprofiel.publish.rapport import KERNCIJFERS, schrijf_index


def _pub(db):
    with duckdb.connect(str(db), read_only=True) as con:
        g = lees_pub(con)
        gemeente = g.gemeenten()[0]
        status = con.execute(
            "select wijkcode, thema, status from pub.rode_draden where gemeente_code = ?", [gemeente]
        ).fetchall()
    return g, gemeente, status


def test_the_wijk_theme_table_lists_every_wijk_and_every_theme_that_is_a_rode_draad_somewhere(demo_volledig):
    g, gemeente, status = _pub(demo_volledig)
    wijken = g.wijken(gemeente)
    matrix = themamatrix(g, wijken)

    assert [r["code"] for r in matrix["rijen"]] == wijken
    rode_draad_themas = {t for _, t, s in status if s == "rode draad"}
    assert rode_draad_themas and {t["thema"] for t in matrix["themas"]} == rode_draad_themas
    # a theme that is only ever a signaal is named apart, not dropped
    assert {t["thema"] for t in matrix["alleen_signaal"]} == {t for _, t, _ in status} - rode_draad_themas
    # every cell says what pub.rode_draden says for that wijk and theme; an empty cell means the theme is not listed
    per_cel = {(w, t): s for w, t, s in status}
    for rij in matrix["rijen"]:
        for thema, cel in zip(matrix["themas"], rij["cellen"]):
            verwacht = per_cel.get((rij["code"], thema["thema"]))
            if verwacht is None:
                assert cel is None
            else:
                assert cel["rode_draad"] == (verwacht == "rode draad")
                assert cel["klasse"].startswith("rd-") and (cel["tekst"] == "signaal") != cel["rode_draad"]
        assert rij["aantal_rode_draden"] == sum(1 for w, _, s in status if w == rij["code"] and s == "rode draad")


@pytest.mark.parametrize("fixture", ["demo_db", "demo_volledig"])
def test_recurring_themes_are_counted_as_in_pub_rode_draden(request, fixture):
    g, gemeente, status = _pub(request.getfixturevalue(fixture))
    wijken = g.wijken(gemeente)
    terugkerend = terugkerende_themas(themamatrix(g, wijken))

    per_thema: dict[str, set[str]] = {}
    for w, t, s in status:
        if s == "rode draad":
            per_thema.setdefault(t, set()).add(w)
    verwacht = {t: len(ws) for t, ws in per_thema.items() if len(ws) >= TERUGKEREND_VANAF}
    assert {t["thema"]: t["rode_draad"] for t in terugkerend} == verwacht
    assert all(t["van"] == len(wijken) for t in terugkerend)
    assert [t["rode_draad"] for t in terugkerend] == sorted((t["rode_draad"] for t in terugkerend), reverse=True)
    for t in terugkerend:
        assert sorted(t["wijken"]) == sorted(g.naam(w) for w in per_thema[t["thema"]])
    if fixture == "demo_volledig":
        assert verwacht, "the full demo has themes that are a rode draad in several wijken"


def test_gemeente_key_figures_cover_every_loaded_year_with_a_value(demo_db):
    g, gemeente, _ = _pub(demo_db)
    tabel = kerncijfers_door_de_jaren(g, gemeente, KERNCIJFERS)

    assert len(tabel["jaren"]) >= 2 and tabel["jaren"] == sorted(tabel["jaren"])
    assert [r["indicator"] for r in tabel["rijen"]] == [
        i for i in KERNCIJFERS if i in g.indicatoren and any(g.waarde(gemeente, i, j) is not None for j in tabel["jaren"])
    ]
    for r in tabel["rijen"]:
        eenheid = g.indicator_info(r["indicator"])[1]
        assert r["waarden"] == [opmaak.waarde(g.waarde(gemeente, r["indicator"], j), eenheid) for j in tabel["jaren"]]


def test_compare_data_has_every_wijk_in_one_year_per_figure_and_its_rode_draden(demo_volledig):
    g, gemeente, status = _pub(demo_volledig)
    wijken = g.wijken(gemeente)
    v = vergelijking(g, gemeente, wijken, KERNCIJFERS)

    assert [k["code"] for k in v["kolommen"]] == wijken
    for rij in v["rijen"]:
        assert rij["jaar"] <= g.jaar and len(rij["wijken"]) == len(wijken)
    for code, draden in zip(wijken, v["rode_draden"]):
        assert len(draden) == sum(1 for w, _, s in status if w == code and s == "rode draad")


def test_index_without_rode_draden_says_so_in_one_line_and_still_offers_the_compare_view(tmp_path):
    html = schrijf_index(gegevens(), GEMEENTE, tmp_path, indicator="aandeel_65_plus", mislukt={}).read_text(encoding="utf-8")
    overzicht = sectie(html, "overzicht")
    assert overzicht.count('<p class="melding">') == 1 and "geen rode draden" in overzicht
    assert "<table" not in overzicht
    assert f'value="{WIJK}"' in sectie(html, "vergelijk")
    assert "Kerncijfers van Utrecht per jaar" in sectie(html, "gemeente-cijfers")


def test_index_escapes_theme_labels_and_links_each_wijk_to_its_rode_draden(tmp_path):
    vreemd = {**GELDZORGEN, "thema_label": "Geld</script><b>zorgen"}
    signaal = _rode_draad("eenzaamheid", "Eenzaamheid", 0.4, [], status="signaal om te toetsen")
    g = replace(gegevens(), rode_draden=[vreemd, signaal])
    html = schrijf_index(g, GEMEENTE, tmp_path, indicator="aandeel_65_plus", mislukt={}).read_text(encoding="utf-8")

    assert "Geld</script>" not in html and "Geld&lt;/script&gt;&lt;b&gt;zorgen" in html
    overzicht = sectie(html, "overzicht")
    assert f'<a href="{WIJK}.html#rode-draden">' in overzicht
    # one rode draad is no recurring theme; the signaal-only theme is named under the table
    assert "Geen thema is in meer dan één wijk een rode draad." in overzicht
    assert "eenzaamheid (1 wijk)" in overzicht

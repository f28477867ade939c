"""Open the demo reports in a real headless Chromium with the network off, as a wijkteam laptop would."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkprofiel.publish import publish_reports

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rapporten(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "rapporten"
    publish_reports(demo_db, out)
    return out


def test_wijk_report_renders_every_buurt_offline(browser, rapporten, demo_db):
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        buurten = con.execute(
            "select count(*) from pub.gebied_grenzen where gebied_niveau = 'buurt' and gebied_code like 'BU034403%'"
        ).fetchone()[0]
    visit = browser.open_offline(rapporten / "WK034403.html")
    shot = browser.screenshot(ARTIFACTS / "WK034403.png")

    assert visit.console_errors == []
    assert visit.failed_requests == []
    assert visit.outside_requests == []
    assert buurten == 10
    assert browser.evaluate("document.querySelectorAll('.leaflet-buurten-pane path').length") == buurten
    assert browser.evaluate("document.querySelector('h1').textContent") == "Wijkprofiel Wijk 03 Overvecht"
    assert shot.stat().st_size > 20_000


def test_wijk_report_has_bespreektafel_trends_and_downloads_beside_it(browser, rapporten, demo_db):
    import duckdb

    from wijkprofiel.publish.rapport import BESCHIKKINGEN, TRENDS

    indicatoren = TRENDS + [eigen for eigen, _ in BESCHIKKINGEN]
    with duckdb.connect(str(demo_db), read_only=True) as con:
        # a chart per indicator with published values for the wijk in two or more years
        grafieken = con.execute(
            """select count(*) from (
                   select indicator from pub.indicator_waarden
                   where indicator in (select unnest(?)) and gebied_code = 'WK034403' and not onderdrukt
                   group by indicator having count(distinct jaar) >= 2)""",
            [indicatoren],
        ).fetchone()[0]
    visit = browser.open_offline(rapporten / "WK034403.html")

    assert visit.console_errors == [] and visit.failed_requests == []
    koppen = browser.evaluate("[...document.querySelectorAll('main > section > h2')].map(h => h.textContent)")
    for kop in ("In het kort", "Bespreektafel", "Trends", "Downloads"):
        assert kop in koppen
    assert koppen.index("In het kort") < koppen.index("Bespreektafel") < koppen.index("Trends") < koppen.index("Downloads")
    assert browser.evaluate("document.querySelectorAll('#bespreektafel fieldset.uitkomst').length") == 3
    assert grafieken >= 3
    assert browser.evaluate("document.querySelectorAll('#trends svg.trend').length") == grafieken
    # every chart is drawn (has a size on the page), with a title a screen reader announces
    assert browser.evaluate(
        "[...document.querySelectorAll('#trends svg.trend')].every(s => s.getBoundingClientRect().width > 100 && s.querySelector('title').textContent)"
    )
    links = browser.evaluate("[...document.querySelectorAll('#downloads a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == ["WK034403-cijfers.csv", "WK034403-cijfers.xlsx"]
    for link in links:
        assert (rapporten / link).stat().st_size > 1_000


def test_index_map_links_every_wijk_offline(browser, rapporten):
    visit = browser.open_offline(rapporten / "index.html")
    browser.screenshot(ARTIFACTS / "index.png")

    assert visit.console_errors == []
    assert visit.failed_requests == []
    assert browser.evaluate("document.querySelectorAll('.leaflet-buurten-pane path').length") == 10  # one layer of wijken
    links = browser.evaluate("[...document.querySelectorAll('#wijkenlijst a')].map(a => a.getAttribute('href'))")
    # per wijk its report and its factsheet
    assert links == [f"WK0344{n:02d}{soort}.html" for n in range(1, 11) for soort in ("", "-factsheet")]
    assert all((rapporten / link).exists() for link in links)


def test_wijk_report_shows_rode_draden_with_evidence_questions_and_layers(browser, rapporten_volledig, demo_volledig):
    import duckdb

    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        draden = con.execute(
            """select thema_label, len(bewijs), herkennen from pub.rode_draden
               where wijkcode = 'WK034403' and status = 'rode draad' order by rang"""
        ).fetchall()
        signalen = con.execute(
            "select count(*) from pub.rode_draden where wijkcode = 'WK034403' and status = 'signaal om te toetsen'"
        ).fetchone()[0]
    visit = browser.open_offline(rapporten_volledig / "WK034403.html")
    browser.evaluate("document.getElementById('rode-draden').scrollIntoView()")
    browser.screenshot(ARTIFACTS / "WK034403-rode-draden.png")

    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    koppen = browser.evaluate("[...document.querySelectorAll('main > section > h2')].map(h => h.textContent)")
    assert (koppen.index("In het kort") < koppen.index("Rode draden") < koppen.index("Signalen om te toetsen")
            < koppen.index("Bespreektafel"))
    assert draden and draden[0][0] == "Geldzorgen en schulden"
    getoond = browser.evaluate(
        "[...document.querySelectorAll('#rode-draden article')].map(a => [a.querySelector('h3').textContent,"
        " a.querySelectorAll('ul li').length, a.querySelector('dd').textContent])"
    )
    assert getoond == [[f"{i}. {label}", aantal, vraag] for i, (label, aantal, vraag) in enumerate(draden, start=1)]
    assert browser.evaluate("document.querySelectorAll('#signalen tbody tr').length") == signalen > 0
    # one map choice per rode draad that has a published figure for the buurten
    lagen = browser.evaluate("[...document.querySelectorAll('#kaartkeuze option')].map(o => o.textContent.trim())")
    assert any(laag.startswith("Rode draad geldzorgen en schulden") for laag in lagen)


def test_every_trend_chart_has_a_y_axis_and_every_loaded_year(browser, rapporten_volledig, demo_volledig):
    import duckdb

    from wijkprofiel.publish.rapport import BESCHIKKINGEN, TRENDS

    groepen = {"cbs": TRENDS, "beschikkingen": [eigen for eigen, _ in BESCHIKKINGEN]}
    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        # the loaded years of each group's source: CBS 2023 and 2024; the beschikkingen from 2021 (more in a real run)
        jaren = {
            groep: [str(j) for (j,) in con.execute(
                "select distinct jaar from pub.indicator_waarden where indicator in (select unnest(?)) order by jaar",
                [indicatoren],
            ).fetchall()]
            for groep, indicatoren in groepen.items()
        }  # fmt: skip
        # the demo's beschikkingen start before the first CBS year: those rates use the 2023 inwoners, said so
        ander_noemerjaar = con.execute(
            """select count(*) from pub.indicator_waarden
               where gebied_code = 'WK034403' and noemer_jaar <> jaar and not onderdrukt"""
        ).fetchone()[0]
    assert jaren["cbs"][:2] == ["2023", "2024"] and jaren["beschikkingen"][0] < "2023"
    assert ander_noemerjaar > 0
    browser.set_viewport(1280, 900)
    visit = browser.open_offline(rapporten_volledig / "WK034403.html")
    browser.evaluate("document.getElementById('trends').scrollIntoView()")
    browser.screenshot_viewport(ARTIFACTS / "WK034403-trends.png")
    browser.evaluate("document.getElementById('trends-beschikkingen-kop').scrollIntoView()")
    browser.screenshot_viewport(ARTIFACTS / "WK034403-trends-beschikkingen.png")

    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    grafieken = browser.evaluate(
        """[...document.querySelectorAll('#trends svg.trend')].map(s => ({
               groep: s.closest('.trends').dataset.groep,
               yAs: s.querySelectorAll('.y-as').length,
               yTicks: [...s.querySelectorAll('.y-tick')].map(t => t.textContent),
               jaren: [...s.querySelectorAll('.x-tick')].map(t => t.textContent),
               breed: s.getBoundingClientRect().width,
               titel: s.querySelector('title').textContent,
               open: s.querySelectorAll('circle[fill="#ffffff"]').length}))"""
    )
    assert {g["groep"] for g in grafieken} == {"cbs", "beschikkingen"}
    for g in grafieken:
        assert g["yAs"] == 1 and len(g["yTicks"]) >= 2 and g["yTicks"][0].startswith("0"), g
        assert g["jaren"] == jaren[g["groep"]], g  # every loaded year, also one without a value
        assert g["breed"] > 100 and g["titel"], g
    # a rate from another year's denominator is an open point with a note under its chart
    assert any(g["open"] for g in grafieken if g["groep"] == "beschikkingen")
    noten = browser.evaluate("[...document.querySelectorAll('#trends .noemer-noot')].map(p => p.textContent)")
    assert noten and all("noemer van het dichtstbijzijnde jaar" in n for n in noten)


#: The fill of every shape of the map's coloured layer, the legend shown and the buurt labels shown.
KAARTSTAAT = """(() => ({
  kleuren: [...document.querySelectorAll('.leaflet-buurten-pane path')].map(p => p.getAttribute('fill')),
  legenda: [...document.querySelectorAll('ul.legenda[data-kiezer]')].filter(u => !u.hidden)
    .map(u => [...u.querySelectorAll('li')].map(li => li.textContent.replace(/\\s+/g, ' ').trim()).join(' | ')),
  labels: [...document.querySelectorAll('.kaartlabel span')].filter(s => s.style.visibility !== 'hidden').map(s => s.textContent),
  naam: document.getElementById('kaartkeuze-naam').textContent,
}))()"""


def kies(browser, label_begin: str) -> str:
    """Choose the first option whose text starts with label_begin, as a reader does (a change event)."""
    return browser.evaluate(
        f"(() => {{ const s = document.getElementById('kaartkeuze');"
        f" const o = [...s.options].find(o => o.textContent.trim().startsWith({label_begin!r}));"
        " s.value = o.value; s.dispatchEvent(new Event('change')); return o.textContent.trim(); })()"
    )


@pytest.mark.parametrize("breedte", [1280, 414])
def test_choosing_another_indicator_recolours_the_one_buurt_layer_and_changes_the_legend(browser, rapporten, breedte):
    browser.set_viewport(breedte, 900)
    try:
        visit = browser.open_offline(rapporten / "WK034403.html")
        voor = browser.evaluate(KAARTSTAAT)
        browser.evaluate("document.getElementById('kaart').scrollIntoView()")
        browser.screenshot_viewport(ARTIFACTS / f"kaart-WK034403-{breedte}.png")
        gekozen = kies(browser, "Aandeel eenpersoonshuishoudens")
        na = browser.evaluate(KAARTSTAAT)
        browser.screenshot_viewport(ARTIFACTS / f"kaart-WK034403-{breedte}-eenpersoons.png")
    finally:
        browser.set_viewport(1200, 1600)

    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    assert gekozen == "Aandeel eenpersoonshuishoudens"
    # one buurt layer: a path per buurt, not one per buurt and indicator
    assert len(voor["kleuren"]) == len(na["kleuren"]) == 10
    assert voor["kleuren"] != na["kleuren"]
    assert len(voor["legenda"]) == len(na["legenda"]) == 1
    assert voor["legenda"][0].startswith("Aandeel inwoners van 65 jaar of ouder:")
    assert na["legenda"][0].startswith("Aandeel eenpersoonshuishoudens:") and "gemeente Utrecht: " in na["legenda"][0]
    assert na["naam"].startswith("aandeel eenpersoonshuishoudens (")
    # buurt names are drawn, without two of them overlapping
    assert len(voor["labels"]) >= 4 and set(voor["labels"]) <= set(browser.evaluate(
        "[...document.querySelectorAll('.kaartlabel span')].map(s => s.textContent)"))
    assert browser.evaluate("""(() => {
      const r = [...document.querySelectorAll('.kaartlabel span')].filter(s => s.style.visibility !== 'hidden')
        .map(s => s.getBoundingClientRect());
      return r.some((a, i) => r.some((b, j) => i < j && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
    })()""") is False


def test_the_tooltip_is_opaque_stays_inside_the_map_and_names_buurt_value_and_gemeente(browser, rapporten):
    browser.open_offline(rapporten / "WK034403.html")
    kies(browser, "Aandeel eenpersoonshuishoudens")
    # hover at the right edge of each buurt, where a tooltip beside the mouse would stick out of the map
    tips = browser.evaluate("""(() => {
      const c = document.querySelector('.kaart .leaflet-container').getBoundingClientRect(), uit = [];
      for (const p of document.querySelectorAll('.leaflet-buurten-pane path')) {
        const r = p.getBoundingClientRect(), x = Math.min(r.right, c.right) - 2, y = r.top + r.height / 2;
        for (const t of ['mouseover', 'mousemove']) p.dispatchEvent(new MouseEvent(t, {bubbles: true, clientX: x, clientY: y}));
        const t = document.querySelector('.leaflet-tooltip.kaarttip'), tr = t.getBoundingClientRect();
        uit.push({tekst: t.innerText, opaak: getComputedStyle(t).opacity, achter: getComputedStyle(t).backgroundColor,
                  binnen: tr.left >= c.left && tr.right <= c.right && tr.top >= c.top && tr.bottom <= c.bottom});
        p.dispatchEvent(new MouseEvent('mouseout', {bubbles: true, clientX: x, clientY: y}));
      }
      return uit;
    })()""")

    assert len(tips) == 10
    for tip in tips:
        assert tip["opaak"] == "1" and tip["achter"] == "rgb(255, 255, 255)" and tip["binnen"]
        regels = tip["tekst"].splitlines()
        assert regels[1] == "Aandeel eenpersoonshuishoudens"
        assert regels[2].startswith("Buurt") and regels[3].startswith("Gemeente Utrecht")
        assert "Index" not in tip["tekst"] and "BU0344" not in tip["tekst"]


def test_index_map_colours_the_wijken_by_any_indicator_and_by_their_number_of_rode_draden(browser, rapporten_volledig):
    visit = browser.open_offline(rapporten_volledig / "index.html")
    voor = browser.evaluate(KAARTSTAAT)
    gekozen = kies(browser, "Aantal rode draden")
    na = browser.evaluate(KAARTSTAAT)
    browser.evaluate("document.getElementById('kaart').scrollIntoView()")
    browser.screenshot_viewport(ARTIFACTS / "kaart-index-rode-draden.png")

    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    assert gekozen == "Aantal rode draden"
    assert len(voor["kleuren"]) == len(na["kleuren"]) == 10 and voor["kleuren"] != na["kleuren"]
    assert na["legenda"] == ["Aantal rode draden: | geen | 1 | 2 | 3 | 4 of meer"]
    assert len(na["labels"]) >= 6  # wijk names on the map


def test_reports_stay_small_with_every_indicator_embedded(rapporten_volledig):
    """Issue 14: a report at most 1.5 MB, the index at most 2 MB, for Utrecht (the demo)."""
    assert max(p.stat().st_size for p in rapporten_volledig.glob("WK??????.html")) <= 1_500_000
    assert (rapporten_volledig / "index.html").stat().st_size <= 2_000_000

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
    # choosing another layer shows that layer's legend
    zichtbaar = "[...document.querySelectorAll('ul.legenda[data-laag]')].filter(u => !u.hidden).map(u => u.dataset.laag)"
    assert len(browser.evaluate(zichtbaar)) == 1
    tweede = browser.evaluate(
        "(() => { const i = document.querySelectorAll('.leaflet-control-layers-base input')[1]; i.click();"
        " return i.parentElement.textContent.trim(); })()"
    )
    assert browser.evaluate(zichtbaar) == [tweede]
    links = browser.evaluate("[...document.querySelectorAll('#downloads a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == ["WK034403-cijfers.csv", "WK034403-cijfers.xlsx"]
    for link in links:
        assert (rapporten / link).stat().st_size > 1_000


def test_index_map_links_every_wijk_offline(browser, rapporten):
    visit = browser.open_offline(rapporten / "index.html")
    browser.screenshot(ARTIFACTS / "index.png")

    assert visit.console_errors == []
    assert visit.failed_requests == []
    assert browser.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") == 10
    links = browser.evaluate("[...document.querySelectorAll('#wijkenlijst a')].map(a => a.getAttribute('href'))")
    assert links == [f"WK0344{n:02d}.html" for n in range(1, 11)]


@pytest.fixture(scope="module")
def rapporten_volledig(demo_volledig, tmp_path_factory) -> Path:
    """Reports of the demo with every source, so the rode draden have casuïstiek, signals and beschikkingen."""
    out = tmp_path_factory.mktemp("browser-volledig") / "rapporten"
    resultaat = publish_reports(demo_volledig, out)
    assert resultaat.mislukt == {}
    return out


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
    # one map layer per rode draad that has a published figure for the buurten
    lagen = browser.evaluate("[...document.querySelectorAll('.leaflet-control-layers-base label')].map(l => l.textContent.trim())")
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

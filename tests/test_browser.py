"""Open the demo reports in a real headless Chromium with the network off, as a wijkteam laptop would."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp import Browser, browser_required, chromium_path
from wijkprofiel.publish import publish_reports

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        if browser_required():
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed")
    b = Browser()
    yield b
    b.close()


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

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


def test_index_map_links_every_wijk_offline(browser, rapporten):
    visit = browser.open_offline(rapporten / "index.html")
    browser.screenshot(ARTIFACTS / "index.png")

    assert visit.console_errors == []
    assert visit.failed_requests == []
    assert browser.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") == 10
    links = browser.evaluate("[...document.querySelectorAll('#wijkenlijst a')].map(a => a.getAttribute('href'))")
    assert links == [f"WK0344{n:02d}.html" for n in range(1, 11)]

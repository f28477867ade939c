"""The wijk report as a reader meets it (issue 14, items 1-3): the answer on the first screen at 1280×800, no
sideways scrolling on a phone or tablet, and every index either tested for chance or marked "niet getoetst".
Headless Chromium with the network off; screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIJK = "WK034403"

pytestmark = pytest.mark.browser


def _schoon(visit) -> None:
    assert visit.console_errors == []
    assert visit.failed_requests == [] and visit.outside_requests == []


def test_first_screen_at_1280_shows_name_peiljaar_every_rode_draad_and_key_figures(browser, rapporten_volledig, demo_volledig):
    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        draden = [r[0] for r in con.execute(
            f"select thema_label from pub.rode_draden where wijkcode = '{WIJK}' and status = 'rode draad' order by rang"
        ).fetchall()]
        jaar = con.execute("select max(jaar) from pub.rode_draden").fetchone()[0]
    browser.set_viewport(1280, 800)
    visit = browser.open_offline(rapporten_volledig / f"{WIJK}.html")
    browser.evaluate("window.scrollTo(0, 0)")
    browser.screenshot_viewport(ARTIFACTS / f"{WIJK}-1280.png")

    _schoon(visit)
    onderkant = "(s => Math.max(...[...document.querySelectorAll(s)].map(e => e.getBoundingClientRect().bottom)))"
    assert browser.evaluate(f"{onderkant}('h1')") <= 800
    assert f"peiljaar {jaar}" in browser.evaluate("document.querySelector('header .ondertitel').textContent")
    regels = browser.evaluate(
        "[...document.querySelectorAll('.draden-kort li')].map(li => [li.querySelector('strong').textContent,"
        " li.textContent.replace(/\\s+/g, ' ').trim(), li.getBoundingClientRect().bottom])"
    )
    assert len(draden) >= 3 and [label for label, _, _ in regels] == draden
    for label, tekst, bodem in regels:
        assert bodem <= 800, f"{label} starts below the first screen"
        # theme, strength in words with its number of sources, then its strongest figures
        assert tekst.startswith(label) and " bronnen: " in tekst and ("sterk" in tekst or "matig" in tekst or "zwak" in tekst)
        assert 1 <= tekst.split(" bronnen: ")[1].count(" · ") + 1 <= 3
    tegels = browser.evaluate(
        "[...document.querySelectorAll('.tegel')].map(t => [t.querySelector('.tegel-gemeente').textContent,"
        " t.getBoundingClientRect().bottom])"
    )
    assert 4 <= len(tegels) <= 5
    assert all(gemeente.startswith("gemeente ") and bodem <= 800 for gemeente, bodem in tegels)
    # the source table moved to the end: after everything in main
    assert browser.evaluate(
        "document.getElementById('actualiteit').getBoundingClientRect().top > document.querySelector('main').getBoundingClientRect().bottom"
    )


@pytest.mark.parametrize("pagina", [f"{WIJK}.html", "index.html"])
def test_no_sideways_scrolling_of_the_page_on_a_phone_or_tablet(browser, rapporten_volledig, pagina):
    for breedte in (360, 414, 768):
        browser.set_viewport(breedte, 800)
        visit = browser.open_offline(rapporten_volledig / pagina, settle=1.0)
        if breedte == 414:
            browser.evaluate("window.scrollTo(0, 0)")
            browser.screenshot_viewport(ARTIFACTS / f"{Path(pagina).stem}-414.png")

        _schoon(visit)
        assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth"), (
            pagina, breedte, browser.evaluate("document.documentElement.scrollWidth"))
        # the map and the header fit; a wide table scrolls inside its own box instead
        for selector in (".kaart", "header h1", "header .ondertitel"):
            assert browser.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right") <= breedte
        assert browser.evaluate(
            "[...document.querySelectorAll('table')].every(t => t.closest('.tabel-rol') !== null)"
        )
    browser.set_viewport(1280, 800)


def test_an_index_without_interval_says_niet_getoetst_and_every_other_one_is_tested(browser, rapporten_volledig, demo_volledig):
    from wijkprofiel.publish.rapport import KERNCIJFERS

    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        # per key figure its latest year with a published wijk value, as In het kort shows it
        zonder_interval = [r[0] for r in con.execute(
            f"""select label from pub.indicator_waarden w
                where gebied_code = '{WIJK}' and indicator in (select unnest(?)) and index_gemeente is not null
                  and significant is null
                  and jaar = (select max(jaar) from pub.indicator_waarden v
                              where v.gebied_code = w.gebied_code and v.indicator = w.indicator and not v.onderdrukt)""",
            [KERNCIJFERS],
        ).fetchall()]
    browser.set_viewport(1280, 800)
    visit = browser.open_offline(rapporten_volledig / f"{WIJK}.html")
    _schoon(visit)
    rijen = browser.evaluate(
        """[...document.querySelectorAll('#in-het-kort tbody tr')].map(tr => {
             const index = tr.querySelectorAll('td')[3];
             return [tr.querySelector('th').textContent.trim(), index.textContent.trim(), index.className,
                     index.title, getComputedStyle(index).backgroundImage];
           })"""
    )
    assert zonder_interval, "the demo has key figures without an interval (CBS percentages)"
    getoond = {label for label, inhoud, _, _, _ in rijen if inhoud}
    for label, inhoud, klasse, titel, achtergrond in rijen:
        if not inhoud:
            continue  # a count has no index
        if any(label.startswith(z) for z in zonder_interval):
            assert "niet getoetst" in inhoud and "niet-getoetst" in klasse and "gradient" in achtergrond
        else:
            assert "niet getoetst" not in inhoud and titel.startswith("getoetst:")
    assert any(label.startswith(z) for z in zonder_interval for label in getoond)
    legenda = browser.evaluate("document.querySelector('#in-het-kort .toetsmethode').textContent")
    assert "Wilson" in legenda and "Poisson (Byar)" in legenda
    assert browser.evaluate("document.querySelectorAll('#buurten td .label-niet-getoetst, #buurten td.hoger, #buurten td.lager').length") > 0


@pytest.mark.parametrize("pagina", [f"{WIJK}.html", "index.html"])
def test_in_print_nothing_is_wider_than_an_a4_page(browser, rapporten_volledig, pagina):
    # A4 minus the @page margins of 12 mm each side: 186 mm = 703 CSS px. Anything wider would make Chromium shrink
    # the whole report to fit, or cut it off at the edge of the paper.
    browser.set_viewport(703, 1000)
    browser.send("Emulation.setEmulatedMedia", media="print")
    try:
        visit = browser.open_offline(rapporten_volledig / pagina, settle=1.0)
        _schoon(visit)
        assert browser.evaluate("document.documentElement.scrollWidth") <= 703
        # page 1 of a wijk report is its first screen: the map starts on the next page
        if pagina != "index.html":
            assert browser.evaluate("getComputedStyle(document.querySelector('.samenvatting')).breakAfter") == "page"
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")
        browser.set_viewport(1280, 800)

"""The gemeente overview and the compare view as a reader meets them (issue 14, items 6 and 7): headless Chromium
with the network off; screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import time

import duckdb
import pytest

# the reports of the full demo, written once per module, and the check for no console error and no request
from test_browser_scherm import ARTIFACTS, WIJK, _schoon

from wijkprofiel.publish.gegevens import lees_pub

pytestmark = pytest.mark.browser


def _zichtbare_wijken(browser) -> list[str]:
    return browser.evaluate(
        "[...document.querySelectorAll('#vergelijk thead th[data-wijk]')].filter(th => th.offsetParent !== null)"
        ".map(th => th.dataset.wijk)"
    )


def test_the_overview_table_shows_every_wijk_and_every_rode_draad_theme(browser, rapporten_volledig, demo_volledig):
    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        pub = lees_pub(con)
        wijken = pub.wijken(pub.gemeenten()[0])
        themas = {r[0] for r in con.execute("select distinct thema_label from pub.rode_draden where status = 'rode draad'").fetchall()}
    for breedte in (1280, 414):
        browser.set_viewport(breedte, 900)
        visit = browser.open_offline(rapporten_volledig / "index.html", settle=1.0)
        _schoon(visit)
        assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
        browser.evaluate("document.getElementById('overzicht').scrollIntoView()")
        browser.screenshot_viewport(ARTIFACTS / f"index-overzicht-{breedte}.png")
    rijen = browser.evaluate("[...document.querySelectorAll('table.themamatrix tbody th a')].map(a => a.getAttribute('href'))")
    assert rijen == [f"{w}.html#rode-draden" for w in wijken]
    koppen = browser.evaluate("[...document.querySelectorAll('table.themamatrix thead th')].slice(2).map(th => th.textContent)")
    assert set(koppen) == themas
    # strength in colour: a rode draad's cell is red, a signaal's pale yellow, and the legend names both
    kleuren = browser.evaluate(
        "[...document.querySelectorAll('table.themamatrix td[title]')].map(td => [td.title, getComputedStyle(td).backgroundColor])"
    )
    assert {kleur for titel, kleur in kleuren if titel.startswith("signaal")} == {"rgb(255, 247, 188)"}
    assert all(kleur != "rgba(0, 0, 0, 0)" for _, kleur in kleuren)
    assert "rode draad, zeer sterk" in browser.evaluate("document.querySelector('#overzicht .legenda').textContent")
    browser.set_viewport(1280, 800)


def test_compare_view_shows_two_chosen_wijken_side_by_side(browser, rapporten_volledig):
    browser.set_viewport(1280, 900)
    visit = browser.open_offline(rapporten_volledig / "index.html", settle=1.0)
    assert _zichtbare_wijken(browser) == []  # nothing chosen yet: the hint asks for two wijken
    assert browser.evaluate("document.querySelector('.vergelijk-hint').offsetParent !== null")

    codes = browser.evaluate("[...document.querySelectorAll('#vergelijk input[name=wijk]')].map(i => i.value)")
    gekozen = [codes[0], codes[2]]
    for code in gekozen:
        browser.evaluate(f"document.querySelector('#vergelijk input[value={code}]').click()")
    _schoon(visit)
    assert _zichtbare_wijken(browser) == gekozen
    assert browser.evaluate("document.querySelector('.vergelijk-hint').offsetParent") is None
    # every row has a value for each chosen wijk and the gemeente, the rode draden row included
    rijen = browser.evaluate(
        "[...document.querySelectorAll('#vergelijk tbody tr')].map(tr => [...tr.children]"
        ".filter(c => c.offsetParent !== null).map(c => c.textContent.trim()))"
    )
    assert len(rijen) > 5 and all(len(r) == 4 and all(r[1:3]) for r in rijen)
    assert rijen[-2][0] == "Rode draden"
    # the choice is kept in the address, so it can be bookmarked
    assert browser.evaluate("location.hash") == f"#vergelijk?wijken={','.join(gekozen)}"
    browser.evaluate("document.getElementById('vergelijk').scrollIntoView()")
    browser.screenshot_viewport(ARTIFACTS / "index-vergelijk-1280.png")

    browser.set_viewport(414, 900)
    browser.evaluate("document.getElementById('vergelijk').scrollIntoView()")
    browser.screenshot_viewport(ARTIFACTS / "index-vergelijk-414.png")
    assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
    browser.set_viewport(1280, 800)


def test_a_wijk_report_opens_the_compare_view_with_itself_and_its_similar_wijken(browser, rapporten_volledig):
    browser.set_viewport(1280, 900)
    _schoon(browser.open_offline(rapporten_volledig / f"{WIJK}.html", settle=0.5))
    link = browser.evaluate("[...document.querySelectorAll('.terug a')].find(a => a.textContent.includes('Vergelijk')).href")
    verwacht = link.split("wijken=")[1].split(",")
    assert verwacht[0] == WIJK and len(verwacht) >= 2

    browser.events.clear()
    browser.send("Page.navigate", url=link)
    deadline = time.monotonic() + 30
    while not any(e.get("method") == "Page.loadEventFired" for e in browser.events):
        assert time.monotonic() < deadline, "the compare view did not load"
        browser.drain(0.2)
    browser.drain(0.5)
    _schoon(browser._visit())
    assert _zichtbare_wijken(browser) == verwacht
    # the page scrolled to the compare view
    assert abs(browser.evaluate("document.getElementById('vergelijk').getBoundingClientRect().top")) < 5


def test_index_size_with_the_overview_stays_under_2_mb(rapporten_volledig):
    grootte = (rapporten_volledig / "index.html").stat().st_size
    assert grootte <= 2 * 1024 * 1024, json.dumps({"index.html": grootte})

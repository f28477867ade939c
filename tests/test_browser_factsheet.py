"""The factsheet per wijk (issue 14, item 10): printed on A4 by headless Chromium with the network off, at most two
pages with the rode draden and the map, and no request or console error. The PDF, its page count and its text are
read with pypdf; the PDF and screenshots at 1280 and 414 px go to tests/artifacts/."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import duckdb
import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: A4 in inches, as Page.printToPDF takes it; the page's own @page rule sets the same size and its margins.
A4 = {"paperWidth": 8.27, "paperHeight": 11.69}

pytestmark = pytest.mark.browser


def _rode_draden(db: Path) -> dict[str, list[str]]:
    """Per wijk of the demo the labels of its rode draden, in rang order (a wijk without any: an empty list)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rijen = con.execute(
            "select wijkcode, list(thema_label order by rang) filter (where status = 'rode draad') "
            "from pub.rode_draden group by wijkcode order by wijkcode"
        ).fetchall()
    return {wijk: labels or [] for wijk, labels in rijen}


def _print_pdf(browser, pad: Path):
    """Open the page offline, print it as Chromium's print dialog would on A4, and return (visit, PdfReader)."""
    from pypdf import PdfReader

    visit = browser.open_offline(pad, settle=1.0)
    data = base64.b64decode(browser.send("Page.printToPDF", printBackground=True, preferCSSPageSize=True, **A4)["data"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{pad.stem}.pdf").write_bytes(data)
    return visit, PdfReader(io.BytesIO(data))


def _schoon(visit) -> None:
    assert visit.console_errors == []
    assert visit.failed_requests == [] and visit.outside_requests == []


def test_the_factsheet_with_the_most_rode_draden_prints_on_two_a4_pages_with_rode_draden_and_map(
        browser, rapporten_volledig, demo_volledig):
    per_wijk = _rode_draden(demo_volledig)
    wijk = max(per_wijk, key=lambda w: len(per_wijk[w]))
    assert len(per_wijk[wijk]) >= 3, "the demo has a wijk with several rode draden"
    browser.set_viewport(1280, 800)
    visit, pdf = _print_pdf(browser, rapporten_volledig / f"{wijk}-factsheet.html")

    _schoon(visit)
    assert len(pdf.pages) <= 2
    for pagina in pdf.pages:  # A4 in points (1/72 inch), portrait
        assert (round(float(pagina.mediabox.width)), round(float(pagina.mediabox.height))) == (595, 842)
    tekst = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    # every rode draad: in the one-line summary and as its own heading with the questions for the table
    for rang, label in enumerate(per_wijk[wijk], start=1):
        assert label in tekst and f"{rang}. {label}" in tekst
    assert tekst.count("Herkennen:") == len(per_wijk[wijk])
    # the map on paper: the names drawn on its buurten (a label that would overlap another at the paper's size
    # stays hidden, so not every one) and its legend
    buurten = browser.evaluate("[...document.querySelectorAll('.kaart .kaartlabel span')].map(s => s.textContent)")
    assert len(buurten) >= 3 and sum(b in tekst for b in buurten) >= len(buurten) / 2
    assert "verborgen om de privacy te beschermen" in tekst and "CC-BY 4.0" in tekst


def test_every_factsheet_of_the_demo_fits_on_two_a4_pages_and_keeps_its_map_in_print(browser, rapporten_volledig,
                                                                                    demo_volledig):
    browser.set_viewport(1280, 800)
    paginas = {}
    for wijk in _rode_draden(demo_volledig):
        visit, pdf = _print_pdf(browser, rapporten_volledig / f"{wijk}-factsheet.html")
        _schoon(visit)
        paginas[wijk] = len(pdf.pages)
    assert len(paginas) == 10 and max(paginas.values()) <= 2, paginas
    # in print the map keeps its size and its coloured buurten (Leaflet redraws it for the paper's width)
    browser.send("Emulation.setEmulatedMedia", media="print")
    try:
        browser.set_viewport(703, 1000)  # A4 minus the @page margins of 12 mm each side
        browser.drain(0.5)
        kaart = browser.evaluate(
            "(() => { const k = document.querySelector('.kaart').getBoundingClientRect();"
            " return [k.width, k.height, document.querySelectorAll('.kaart path.leaflet-interactive').length]; })()"
        )
        assert kaart[0] >= 650 and kaart[1] >= 250 and kaart[2] >= 3
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")
        browser.set_viewport(1280, 800)


@pytest.mark.parametrize("breedte", [1280, 414])
def test_the_factsheet_on_a_screen_shows_its_first_screen_and_does_not_scroll_sideways(browser, rapporten_volledig,
                                                                                     demo_volledig, breedte):
    per_wijk = _rode_draden(demo_volledig)
    wijk = max(per_wijk, key=lambda w: len(per_wijk[w]))
    browser.set_viewport(breedte, 800)
    visit = browser.open_offline(rapporten_volledig / f"{wijk}-factsheet.html", settle=1.0)
    browser.evaluate("window.scrollTo(0, 0)")
    browser.screenshot_viewport(ARTIFACTS / f"{wijk}-factsheet-{breedte}.png")
    browser.screenshot(ARTIFACTS / f"{wijk}-factsheet-{breedte}-geheel.png")

    _schoon(visit)
    assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert browser.evaluate("[...document.querySelectorAll('.draden-kort li strong')].map(s => s.textContent)") == (
        per_wijk[wijk])
    assert browser.evaluate("document.querySelector('.kaart').getBoundingClientRect().right") <= breedte
    # back to the full report, which links here
    assert browser.evaluate(f"document.querySelector('header .terug a[href=\"{wijk}.html\"]') !== null")
    browser.set_viewport(1280, 800)

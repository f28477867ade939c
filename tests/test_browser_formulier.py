"""The bespreking form round trip in a real headless Chromium with the network off (issue 14, item 9): fill in the
form of a wijk report, save the file, load it with `wijkprofiel ingest besprekingen`, rebuild and republish, and
find the outcome in the next report's "Vorige bespreking"."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from wijkprofiel.publish import publish_reports
from wijkprofiel.publish.bespreektafel import KOLOMMEN, bestandsnaam
from wijkprofiel.transform.build import build_marts

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DATUM = "2026-03-12"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kopie(demo_volledig, tmp_path_factory) -> Path:
    """A copy of the demo database with every source, to load the saved form into."""
    db = tmp_path_factory.mktemp("formulier") / "wijkprofiel.duckdb"
    shutil.copy(demo_volledig, db)
    return db


@pytest.fixture(scope="module")
def wijk(kopie) -> tuple[str, str, str]:
    """A wijk with a rode draad: (wijkcode, its first rode draad's theme key, that theme's label)."""
    with duckdb.connect(str(kopie), read_only=True) as con:
        return con.execute(
            """select wijkcode, thema, thema_label from pub.rode_draden where status = 'rode draad'
               order by wijkcode, rang limit 1"""
        ).fetchone()


def _vorige_bespreking(browser) -> list[list[str]]:
    return browser.evaluate(
        "[...document.querySelectorAll('#vorige-bespreking tbody tr')]"
        ".map(r => [...r.children].map(c => c.textContent.trim()))"
    )


def test_form_filled_in_saved_ingested_and_carried_to_the_next_report(browser, kopie, wijk, cli, tmp_path):
    code, thema, label = wijk
    eerste = tmp_path / "eerste"
    publish_reports(kopie, eerste)
    visit = browser.open_offline(eerste / f"{code}.html")
    browser.set_viewport(1280, 900)
    downloads = tmp_path / "downloads"
    browser.allow_downloads(downloads)
    voor = _vorige_bespreking(browser)

    # the meeting: its date (a date picker: set as a picker does) and who sat at the table
    browser.evaluate(
        f"(() => {{ const d = document.querySelector('#f0-datum'); d.value = '{DATUM}';"
        " d.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )
    browser.click("fieldset.bespreking input[value='Wijkteam']")
    browser.click("fieldset.bespreking input[value='Huisarts of POH']")
    browser.type_into("fieldset.bespreking input.anders", "buurtsportcoach")
    # the first rode draad: recognised in part, with a phone number the ingest must mask
    blok = "fieldset.uitkomst:nth-of-type(2)"  # the first fieldset is the meeting's
    assert browser.evaluate(f"document.querySelector(\"{blok} [data-kolom=thema]\").dataset.thema") == thema
    browser.click(f"{blok} input[value='deels']")
    browser.type_into(f"{blok} [data-kolom=verklaring]", 'Vaste lasten "stegen"; bel 06-12345678 voor details')
    browser.type_into(f"{blok} [data-kolom=actie]", "Spreekuur geldzaken in het buurthuis")
    browser.type_into(f"{blok} [data-kolom=eigenaar]", "Wijkteam")
    browser.type_into(f"{blok} [data-kolom=wanneer]", "juni 2026")
    # a theme the table raised itself, in a block the button adds
    browser.click("button.thema-erbij")
    extra = "fieldset.uitkomst:last-of-type"
    browser.type_into(f"{extra} [data-kolom=thema]", "Eenzaamheid")
    browser.click(f"{extra} input[value='ja']")
    browser.screenshot_element(".formulier-pagina", ARTIFACTS / "formulier-ingevuld.png")
    browser.click("button.opslaan")
    bestand = browser.wait_for_download(downloads)
    shutil.copy(bestand, ARTIFACTS / bestand.name)  # as saved; tests/fixtures/besprekingen holds one such file

    gezien = browser.seen()
    assert visit.console_errors == [] and gezien.console_errors == []
    assert gezien.failed_requests == [] and gezien.outside_requests == []
    assert bestand.name == bestandsnaam(code, DATUM) == f"{code}-{DATUM}-bespreking.csv"
    tekst = bestand.read_text(encoding="utf-8-sig")
    assert tekst.splitlines()[0] == ";".join(f'"{k}"' for k in KOLOMMEN)
    assert len(tekst.splitlines()) == 3  # two themes; the rode draden nobody touched are left out
    assert browser.evaluate("document.querySelector('.formulier-melding').textContent") == (
        f"2 thema's opgeslagen in {bestand.name}.")

    # the saved file as it is, through the command line
    p = cli("ingest", "besprekingen", bestand, "--db", kopie)
    assert p.returncode == 0, p.stderr
    with duckdb.connect(str(kopie), read_only=True) as con:
        loads = con.execute(
            "select rows_in, loaded, quarantined, masked, tabel_id from meta.loads where bron = 'besprekingen' "
            "order by load_id desc limit 1"
        ).fetchone()
    assert loads == (2, 2, 0, 1, f"{code}-{DATUM}-bespreking")
    build_marts(kopie)
    tweede = tmp_path / "tweede"
    publish_reports(kopie, tweede)

    visit = browser.open_offline(tweede / f"{code}.html")
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    na = {rij[0]: rij for rij in _vorige_bespreking(browser)}
    assert na[label] == [label, "12 maart 2026", "deels", 'Vaste lasten "stegen"; bel [telefoon] voor details',
                         "Spreekuur geldzaken in het buurthuis", "Wijkteam", "juni 2026"]  # fmt: skip
    assert na["Eenzaamheid"][1:3] == ["12 maart 2026", "ja"]
    assert len(na) >= len(voor)  # themes of the earlier bespreking stay beside the new ones
    assert "Aan tafel op 12 maart 2026: Wijkteam, Huisarts of POH, buurtsportcoach." in browser.evaluate(
        "document.querySelector('#vorige-bespreking').textContent.replace(/\\s+/g, ' ')")


def test_form_asks_for_what_the_ingest_needs_and_prints_blank(browser, kopie, wijk, tmp_path):
    code, _, _ = wijk
    publish_reports(kopie, tmp_path)
    browser.open_offline(tmp_path / f"{code}.html")
    browser.set_viewport(1280, 900)

    browser.click("button.opslaan")
    melding = "document.querySelector('.formulier-melding').textContent"
    assert browser.evaluate(melding) == "Vul de datum van de bespreking in."
    assert browser.evaluate("document.activeElement.id") == "f0-datum"
    browser.evaluate("document.querySelector('#f0-datum').value = '2026-03-12'")
    browser.click("button.opslaan")
    assert browser.evaluate(melding).startswith("Er is nog geen thema ingevuld")
    browser.type_into("fieldset.uitkomst:nth-of-type(2) [data-kolom=actie]", "Iets afgesproken")
    browser.click("button.opslaan")
    assert browser.evaluate(melding).endswith("kies bij Herkend ja, deels of nee.")
    assert browser.evaluate("document.querySelector('a.bestand').hidden")  # nothing saved

    # on a phone the form fits the screen
    browser.set_viewport(414, 900)
    assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
    browser.screenshot_element(".formulier-pagina", ARTIFACTS / "formulier-414.png")

    # on paper (A4 less its margins, about 718 px): no buttons or messages, the fields blank
    browser.open_offline(tmp_path / f"{code}.html")
    browser.set_viewport(718, 1000)
    browser.send("Emulation.setEmulatedMedia", media="print")
    try:
        zichtbaar = "(s => [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null).length)"
        assert browser.evaluate(f"{zichtbaar}('.formulier-knoppen, .formulier-melding, .formulier-pagina .alleen-scherm')") == 0
        assert browser.evaluate(f"{zichtbaar}('form.uitkomstformulier fieldset')") >= 4
        assert browser.evaluate(
            "[...document.querySelectorAll('form.uitkomstformulier input, form.uitkomstformulier textarea')]"
            ".filter(i => !i.readOnly && (i.checked || (i.type !== 'radio' && i.type !== 'checkbox' && i.value))).length"
        ) == 0
        browser.screenshot_element(".formulier-pagina", ARTIFACTS / "formulier-print.png")
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")

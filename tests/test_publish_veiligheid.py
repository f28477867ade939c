"""Hostile text from a source must stay text: in the HTML reports (escaped everywhere, and a Content-Security-Policy
that runs only the report's own scripts and lets nothing leave the file) and in the downloads (no formulas)."""

from __future__ import annotations

import base64
import csv
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_publish_secties import B1, B2, GEMEENTE, WIJK, gegevens

from wijkprofiel.publish import publish_reports
from wijkprofiel.publish.downloads import KOLOMMEN, schrijf_downloads
from wijkprofiel.publish.gegevens import PubGegevens
from wijkprofiel.publish.kaart import ACHTERGROND_URL
from wijkprofiel.publish.rapport import factsheet_naam, schrijf_index, schrijf_wijkrapport

#: Each sets a global when it runs; a report that is safe leaves window.__xss undefined.
IMG = '<img src=x onerror="window.__xss=(window.__xss||[]).concat(\'img\')">'
SCRIPT = "<script>window.__xss=(window.__xss||[]).concat('script')</script>"
#: folium writes a marker tooltip into a JavaScript template literal, where ${...} runs and ` ends the string.
LETTERLIJK = "`${window.__xss=(window.__xss||[]).concat('template')}`"

NAMEN = {
    B1: f"Lombok {IMG}",
    B2: f"Oog in Al {SCRIPT}",
    WIJK: f"West {IMG}",
    GEMEENTE: f"Utrecht {IMG}",
}
LABEL = f"Aandeel 65-plussers {IMG}"
KANS = f"Buurthuis {LETTERLIJK} {IMG}"


def vijandige_gegevens(namen: dict[str, str] = NAMEN, label: str = LABEL, kans_naam: str = KANS) -> PubGegevens:
    """The small test gemeente of test_publish_secties with hostile area names, indicator label and kans."""
    kans = ("k1", WIJK, B1, GEMEENTE, "eenzaamheid", kans_naam, f"soort {IMG}", None, f"contact {IMG}", 52.09, 5.10)
    g = gegevens(kansen=[kans])
    w = g.waarden.copy()
    w["gebied_naam"] = [namen.get(c, n) for c, n in zip(w.gebied_code, w.gebied_naam)]
    w["label"] = [label if i == "aandeel_65_plus" else lab for i, lab in zip(w.indicator, w.label)]
    return PubGegevens(
        waarden=w, grenzen=g.grenzen, bronnen=g.bronnen, kansen=g.kansen, besprekingen=g.besprekingen,
        vergelijkbaar=g.vergelijkbaar, jaar=g.jaar, grenzen_jaar=g.grenzen_jaar,
    )  # fmt: skip


def vijandige_rapporten(out: Path, kans_naam: str = KANS, **kwargs) -> dict[str, Path]:
    g = vijandige_gegevens(kans_naam=kans_naam)
    wijk = schrijf_wijkrapport(g, WIJK, out, indicator="aandeel_65_plus", **kwargs)
    index = schrijf_index(g, GEMEENTE, out, indicator="aandeel_65_plus", mislukt={}, **kwargs)
    return {"wijk": wijk, "index": index, "factsheet": out / factsheet_naam(WIJK)}


def csp(html: str) -> dict[str, list[str]]:
    """The report's Content-Security-Policy as directive → sources."""
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert meta, "no Content-Security-Policy"
    return {d.split()[0]: d.split()[1:] for d in meta.group(1).split(";") if d.strip()}


def inline_script_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    }


def _event_handlers(html: str) -> list[str]:
    class Attributen(HTMLParser):
        def __init__(self):
            super().__init__()
            self.handlers = []

        def handle_starttag(self, tag, attrs):
            self.handlers += [f"{tag} {naam}" for naam, _ in attrs if naam.startswith("on")]

    parser = Attributen()
    parser.feed(html)
    return parser.handlers


# ----------------------------------------------------------------------------------------------------- escaping


def test_source_text_reaches_map_tooltips_and_layer_names_escaped(tmp_path):
    html = vijandige_rapporten(tmp_path)["wijk"].read_text(encoding="utf-8")
    script = html[html.rindex("<script>") :]
    # folium hands GeoJSON properties, tooltip labels and layer names to innerHTML: they must arrive as text
    # (in the script as JSON, where & is \u0026 and < is \u003c)
    assert "\\u003cimg" not in script and "\\u003cscript" not in script
    assert "Lombok \\u0026lt;img src=x onerror=" in script and "Aandeel 65-plussers \\u0026lt;img" in script
    # ... and a marker tooltip sits in a JavaScript template literal, which ${...} and ` would break out of
    assert "${window" not in script and "`${" not in script
    assert "Buurthuis &#96;&#36;{window" in script


def test_index_page_map_tooltips_escape_the_wijk_name(tmp_path):
    html = vijandige_rapporten(tmp_path)["index"].read_text(encoding="utf-8")
    script = html[html.rindex("<script>") :]
    assert "\\u003cimg" not in script and "West \\u0026lt;img src=x onerror=" in script


# -------------------------------------------------------------------------------------- content security policy


@pytest.mark.parametrize("pagina", ["wijk", "index", "factsheet"])
def test_every_page_has_a_csp_allowing_only_its_own_scripts_and_no_connection(tmp_path, pagina):
    html = vijandige_rapporten(tmp_path)[pagina].read_text(encoding="utf-8")
    beleid = csp(html)
    # before any script, or the browser runs that script unchecked
    assert html.index('http-equiv="Content-Security-Policy"') < html.index("<script")
    assert beleid["default-src"] == ["'none'"]
    assert set(beleid["script-src"]) == inline_script_hashes(html) and len(beleid["script-src"]) >= 3
    assert "'unsafe-inline'" not in beleid["script-src"] and "'unsafe-eval'" not in beleid["script-src"]
    assert beleid["connect-src"] == ["'none'"]
    assert beleid["img-src"] == ["'self'", "data:"]
    assert beleid["base-uri"] == ["'none'"] and beleid["form-action"] == ["'none'"]
    # an inline event handler would be blocked by this policy: the report itself uses none
    assert _event_handlers(html) == []


def test_csp_allows_the_background_tile_host_only_when_tiles_are_asked_for(tmp_path):
    html = vijandige_rapporten(tmp_path, achtergrond=True)["wijk"].read_text(encoding="utf-8")
    assert csp(html)["img-src"] == ["'self'", "data:", "https://service.pdok.nl"]
    assert ACHTERGROND_URL.startswith("https://service.pdok.nl/")
    assert csp(html)["connect-src"] == ["'none'"]


# ---------------------------------------------------------------------------------------------------- downloads

FORMULES = ['=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tTAB", "\rCR"]


def _downloads_met_formules(tmp_path: Path) -> dict:
    namen = {B1: FORMULES[0], B2: FORMULES[1], WIJK: FORMULES[2]}
    g = vijandige_gegevens(namen, label=FORMULES[3])
    w = g.waarden
    w.loc[(w.gebied_code == B1) & (w.jaar == 2023), "waarde"] = -2.5  # a negative number stays a number
    w.loc[w.gebied_code == B1, "eenheid"] = FORMULES[4]
    w.loc[w.gebied_code == B2, "bron"] = FORMULES[5]
    return schrijf_downloads(g, WIJK, tmp_path)


def test_csv_download_neutralises_text_that_a_spreadsheet_would_run_as_a_formula(tmp_path):
    namen = _downloads_met_formules(tmp_path)
    with (tmp_path / namen["csv"]).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert {r["gebied_naam"] for r in rows} == {"'" + f for f in FORMULES[:3]}
    assert {r["label"] for r in rows if r["indicator"] == "aandeel_65_plus"} == {"'-2+3"}
    assert {r["eenheid"] for r in rows if r["gebied_code"] == B1} == {"'\tTAB"}
    assert {r["bron"] for r in rows if r["gebied_code"] == B2} == {"'\rCR"}
    # numbers stay as they were: the negative one too, and text that starts harmlessly is untouched
    assert [r["waarde"] for r in rows if r["gebied_code"] == B1 and r["jaar"] == "2023"] == ["-2,5"]
    assert {r["label"] for r in rows if r["indicator"] == "inwoners"} == {"Aantal inwoners"}
    assert {r["gebied_niveau"] for r in rows} == {"wijk", "buurt"}


def test_xlsx_download_writes_formula_like_text_as_strings_never_formulas(tmp_path):
    from openpyxl import load_workbook

    namen = _downloads_met_formules(tmp_path)
    blad = load_workbook(tmp_path / namen["xlsx"])["Cijfers"]
    kolom = {k: i for i, k in enumerate(KOLOMMEN)}
    cellen = [c for rij in blad.iter_rows(min_row=2) for c in rij]
    assert [c.coordinate for c in cellen if c.data_type == "f"] == []
    namen_kolom = {c.value for c in cellen if c.column - 1 == kolom["gebied_naam"]}
    assert namen_kolom == set(FORMULES[:3])  # the text as it is, written as a string
    assert all(c.data_type == "s" for c in cellen if c.column - 1 == kolom["gebied_naam"])
    assert all(c.quotePrefix for c in cellen if c.value in FORMULES)  # Excel keeps it text when edited too
    assert not any(c.quotePrefix for c in cellen if c.data_type == "s" and c.value not in FORMULES)  # only those
    # numbers stay numbers, the negative one included
    waarden = [r[kolom["waarde"]] for r in blad.iter_rows(min_row=2, values_only=True)
               if r[kolom["gebied_code"]] == B1 and r[kolom["jaar"]] == 2023]
    assert waarden == [-2.5]
    assert all(isinstance(r[kolom["jaar"]], int) for r in blad.iter_rows(min_row=2, values_only=True))


# ------------------------------------------------------------------------------------------------------ browser


#: Hover over every shape and marker of the map the way a reader does, and collect the tooltips it shows.
HOVER_ALL = """(() => {
  const shown = [];
  for (const el of document.querySelectorAll('.leaflet-container path.leaflet-interactive')) {
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    for (const type of ['mouseover', 'mousemove']) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: x, clientY: y}));
    }
    document.querySelectorAll('.leaflet-tooltip').forEach(t => shown.push(t.innerHTML));
    el.dispatchEvent(new MouseEvent('mouseout', {bubbles: true, clientX: x, clientY: y}));
  }
  return shown;
})()"""


@pytest.mark.browser
@pytest.mark.parametrize("pagina", ["wijk", "index", "factsheet"])
def test_hostile_names_run_nothing_in_the_browser_and_show_as_text(browser, tmp_path, pagina):
    pad = vijandige_rapporten(tmp_path)[pagina]
    visit = browser.open_offline(pad)
    tooltips = browser.evaluate(HOVER_ALL)
    browser.drain(0.5)  # an <img> in a tooltip fails to load after the hover; its handler would run then

    assert browser.evaluate("window.__xss === undefined ? null : window.__xss") is None
    assert tooltips and not any("<img" in t or "<script" in t for t in tooltips)
    assert any("&lt;img src=x onerror=" in t for t in tooltips)  # shown to the reader as the text it is
    assert browser.evaluate("document.querySelectorAll('.leaflet-container :is(img, script)').length") == 0
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []


@pytest.mark.browser
def test_csp_alone_stops_an_event_handler_that_slips_past_the_escaping(browser, tmp_path, monkeypatch):
    from wijkprofiel.publish import kaart

    monkeypatch.setattr(kaart, "html_tekst", str)  # as if one place forgot to escape
    pad = vijandige_rapporten(tmp_path, kans_naam=f"Buurthuis {IMG}")["wijk"]
    visit = browser.open_offline(pad)
    tooltips = browser.evaluate(HOVER_ALL)
    browser.drain(0.5)

    assert any("<img" in t for t in tooltips)  # the markup did reach the page ...
    assert browser.evaluate("window.__xss === undefined ? null : window.__xss") is None  # ... and ran nothing
    assert visit.outside_requests == []


@pytest.fixture(scope="module")
def demo_rapporten(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csp") / "rapporten"
    publish_reports(demo_db, out)
    return out


@pytest.mark.browser
@pytest.mark.parametrize("pagina", ["WK034403.html", "index.html"])
def test_demo_report_works_under_its_csp_with_tooltips_and_no_violation(browser, demo_rapporten, pagina):
    visit = browser.open_offline(demo_rapporten / pagina)
    beleid = browser.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    tooltips = browser.evaluate(HOVER_ALL)

    assert "connect-src 'none'" in beleid
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    assert browser.evaluate("document.querySelectorAll('.leaflet-container path').length") >= 10
    assert tooltips and all("<table>" in t for t in tooltips[:10])
    assert browser.evaluate("document.querySelectorAll('.leaflet-control-layers, .leaflet-control-zoom').length") >= 1

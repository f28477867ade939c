"""The wijk report's sections on a tiny, real-shaped PubGegevens: one gemeente, one wijk with two buurten, a
neighbouring wijk, two years. Each test renders the report (or a part) and checks what a reader would see."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from wijkprofiel.ingest.rodedraden import HERKEND
from wijkprofiel.publish.bespreektafel import KOLOMMEN as KOLOMMEN_FORMULIER
from wijkprofiel.publish.bewijs import RODE_DRAAD
from wijkprofiel.publish.downloads import KOLOMMEN, schrijf_downloads
from wijkprofiel.publish.gegevens import RD_NEW, PubGegevens
from wijkprofiel.publish.rapport import FACTSHEET_BEWIJS, factsheet_naam, schrijf_index, schrijf_wijkrapport
from wijkprofiel.publish.trends import Reeks, trend_svg

WIJK, ANDERE_WIJK, GEMEENTE = "WK034401", "WK034402", "GM0344"
B1, B2, B3 = "BU03440101", "BU03440102", "BU03440201"

#: (code, niveau, naam, ouder, jaar, indicator, waarde or None when hidden, reden, ind_wbi)
WAARDEN = [
    (GEMEENTE, "gemeente", "Utrecht", None, 2023, "aandeel_65_plus", 10.0, None, 1),
    (GEMEENTE, "gemeente", "Utrecht", None, 2024, "aandeel_65_plus", 10.5, None, 1),
    (WIJK, "wijk", "Wijk 01 West", GEMEENTE, 2023, "aandeel_65_plus", 12.5, None, 1),
    (WIJK, "wijk", "Wijk 01 West", GEMEENTE, 2024, "aandeel_65_plus", 14.0, None, 2),
    (B1, "buurt", "Lombok", WIJK, 2023, "aandeel_65_plus", 8.0, None, 1),
    (B1, "buurt", "Lombok", WIJK, 2024, "aandeel_65_plus", 9.0, None, 1),
    (B2, "buurt", "Oog in Al", WIJK, 2023, "aandeel_65_plus", 20.25, None, 1),
    (B2, "buurt", "Oog in Al", WIJK, 2024, "aandeel_65_plus", None, "minder dan 8", 1),
    (B3, "buurt", "Elders", ANDERE_WIJK, 2024, "aandeel_65_plus", 30.0, None, 1),
    (ANDERE_WIJK, "wijk", "Wijk 02 Noord", GEMEENTE, 2024, "aandeel_65_plus", 30.0, None, 1),
    (GEMEENTE, "gemeente", "Utrecht", None, 2023, "inwoners", 360000.0, None, 1),
    (GEMEENTE, "gemeente", "Utrecht", None, 2024, "inwoners", 374238.0, None, 1),
    (WIJK, "wijk", "Wijk 01 West", GEMEENTE, 2023, "inwoners", 1234.0, None, 1),
    (WIJK, "wijk", "Wijk 01 West", GEMEENTE, 2024, "inwoners", 1250.0, None, 2),
    (B1, "buurt", "Lombok", WIJK, 2024, "inwoners", 800.0, None, 1),
    (B2, "buurt", "Oog in Al", WIJK, 2024, "inwoners", 450.0, None, 1),
]
LABELS = {"aandeel_65_plus": ("Aandeel 65-plussers", "%"), "inwoners": ("Aantal inwoners", "aantal")}


def _waarden(significant: dict | None = None) -> pd.DataFrame:
    rows = []
    for code, niveau, naam, ouder, jaar, indicator, waarde, reden, wbi in WAARDEN:
        label, eenheid = LABELS[indicator]
        rows.append(
            {
                "gebied_code": code, "gebied_niveau": niveau, "gebied_naam": naam, "ouder_code": ouder,
                "gemeente_code": GEMEENTE, "jaar": jaar, "indicator": indicator, "label": label, "waarde": waarde,
                "eenheid": eenheid, "bron": "cbs", "tabel_id": "85984NED" if jaar == 2024 else "85618NED",
                "ind_wbi": wbi, "onderdrukt": waarde is None,
                "onderdrukt_reden": reden if waarde is None else None,
            }
        )
    frame = pd.DataFrame(rows)
    frame["ind_wbi"] = frame["ind_wbi"].astype("Int64")
    if significant is not None:
        frame["significant"] = [significant.get((r.gebied_code, r.indicator, r.jaar)) for r in frame.itertuples()]
    return frame


def _grenzen() -> gpd.GeoDataFrame:
    vak = lambda x, y: shapely.box(x, y, x + 500, y + 500)  # noqa: E731  -- 500 m squares in RD near Utrecht
    rows = [(B1, vak(134000, 455000)), (B2, vak(134500, 455000)), (B3, vak(135000, 455000))]
    return gpd.GeoDataFrame(
        {"jaar": 2024, "gebied_niveau": "buurt", "gebied_code": [c for c, _ in rows], "gebied_naam": "",
         "gemeente_code": GEMEENTE},
        geometry=[g for _, g in rows], crs=RD_NEW,
    )  # fmt: skip


def _bronnen(**extra) -> pd.DataFrame:
    nu = datetime(2026, 1, 10, 9, 0)
    rows = [
        {"bron": "cbs_kwb", "tabel_id": "85984NED", "gemeente": GEMEENTE, "jaar": 2024, "bestand": "kwb-2024.xlsx",
         "via": "bestand", "peildatum_bron": nu, "geladen_op": nu, "uit_snapshot": False, "verouderd": False},
        {"bron": "beschikkingen", "tabel_id": "export", "gemeente": GEMEENTE, "jaar": None, "bestand": "export.csv",
         "via": "bestand", "peildatum_bron": nu - timedelta(days=60), "geladen_op": nu, "uit_snapshot": False,
         "verouderd": extra.get("verouderd", False)},
        {"bron": "grenzen", "tabel_id": "buurt", "gemeente": GEMEENTE, "jaar": 2024, "bestand": "PDOK buurten 2024",
         "via": "snapshot" if extra.get("snapshot") else "online", "peildatum_bron": datetime(2025, 12, 3),
         "geladen_op": nu, "uit_snapshot": extra.get("snapshot", False), "verouderd": extra.get("snapshot", False)},
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["jaar"] = frame["jaar"].astype("Int64")
    return frame


KANS_KOLOMMEN = ["kans_id", "wijkcode", "buurtcode", "gemeente_code", "thema", "naam", "soort", "adres", "contact", "lat", "lon"]


def gegevens(significant: dict | None = None, kansen: list[tuple] = (), **bronnen) -> PubGegevens:
    leeg = lambda *k: pd.DataFrame(columns=list(k))  # noqa: E731
    return PubGegevens(
        waarden=_waarden(significant), grenzen=_grenzen(), bronnen=_bronnen(**bronnen),
        kansen=pd.DataFrame(list(kansen), columns=KANS_KOLOMMEN),
        besprekingen=leeg("wijkcode", "gemeente_code", "thema", "datum", "herkend", "verklaring", "actie", "eigenaar", "wanneer",
                          "aanwezig"),
        vergelijkbaar=leeg("wijkcode", "scope", "rang", "vergelijkbare_wijkcode", "vergelijkbare_wijk_naam", "peiljaar"),
        jaar=2024, grenzen_jaar=2024,
    )


def rapport(tmp_path: Path, g: PubGegevens | None = None, **kwargs) -> str:
    path = schrijf_wijkrapport(g or gegevens(), WIJK, tmp_path, indicator="aandeel_65_plus", **kwargs)
    return path.read_text(encoding="utf-8")


def sectie(html: str, sectie_id: str) -> str:
    start = html.index(f'<section id="{sectie_id}"')
    return html[start : html.index("</section>", start)]


class _Formulier(HTMLParser):
    """Collects, per fieldset of the outcome form, the file column of each field (data-kolom), whether it is
    required and, for a choice, its answers."""

    def __init__(self):
        super().__init__()
        self.blokken: list[dict[str, dict]] = []
        self.form: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = a
        elif tag == "fieldset":
            self.blokken.append({})
        elif self.blokken and "data-kolom" in a:
            self._veld = self.blokken[-1].setdefault(a["data-kolom"], {"verplicht": "data-verplicht" in a, "keuzes": []})
        elif self.blokken and tag == "input" and a.get("type") in ("radio", "checkbox"):
            self._veld["keuzes"].append(a["value"])


# ------------------------------------------------------------------------------------------------ bespreektafel


def test_outcome_form_saves_exactly_the_columns_the_besprekingen_ingest_reads(tmp_path):
    from wijkprofiel.ingest.profiles import laad_profiel
    from wijkprofiel.ingest.rodedraden import _soort
    from wijkprofiel.reference.themes import laad_taxonomie

    velden = _soort("besprekingen", laad_taxonomie(None)).velden
    html = rapport(tmp_path)
    parser = _Formulier()
    parser.feed(sectie(html, "bespreektafel"))
    kop, *blokken = parser.blokken

    assert parser.form["data-kolommen"].split(",") == list(velden) == KOLOMMEN_FORMULIER
    assert len(blokken) == 3  # no rode draden here: three blank blocks to write on
    for blok in blokken:
        assert list(kop) + list(blok) == ["wijkcode", "datum", "aanwezig", "thema", "herkend", "verklaring", "actie",
                                          "eigenaar", "wanneer"]  # fmt: skip
        assert blok["herkend"] == {"verplicht": True, "keuzes": list(HERKEND)}
    assert kop["aanwezig"]["keuzes"][:2] == ["Wijkteam", "Huisarts of POH"]
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # each label and answer group belongs to one block
    radios = re.findall(r'type="radio" name="([^"]+)"', html)
    assert len(set(radios)) == len(blokken) and len(radios) == len(blokken) * len(HERKEND)
    # every column is a field of the besprekingen profile, read by its own name
    spellingen = laad_profiel("besprekingen").kolommen
    assert all(kolom in spellingen[kolom] for kolom in velden)
    # no command-line flags for partners, and nothing the CSP would block: no inline handlers, no javascript: URLs
    assert not re.search(r"\s--[a-z]", sectie(html, "bespreektafel"))
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I) and "javascript:" not in html.lower()


def test_outcome_form_has_a_block_per_rode_draad_and_a_blank_one(tmp_path):
    from wijkprofiel.publish.bespreektafel import themablokken

    draden = [{"thema": t, "thema_label": t.title()} for t in ("geldzorgen", "eenzaamheid", "opvoeding")]
    assert themablokken(draden[:1]) == [{"thema": "geldzorgen", "label": "Geldzorgen"}] + [{"thema": "", "label": ""}] * 2
    assert themablokken(draden)[-1] == {"thema": "", "label": ""} and len(themablokken(draden)) == 4


def test_bespreektafel_asks_the_four_questions_and_names_the_roles(tmp_path):
    html = sectie(rapport(tmp_path), "bespreektafel")
    assert re.findall(r"<dt>(\d\.\d \w+)</dt>", html) == ["2.1 Herkennen", "2.2 Verklaren", "3.1 Acties", "3.2 Toekomst"]
    for rol in ("Wijkteam", "Huisarts", "Wijkagent", "Woningcorporatie", "Wmo-consulent", "Jongerenwerker", "GGZ",
                "Klantmanager Werk &amp; Inkomen", "Meldpunt zorg &amp; overlast"):  # fmt: skip
        assert f"<strong>{rol}" in html
    assert f'value="{WIJK}"' in html  # the wijk is filled in on the paper already


# ------------------------------------------------------------------------------------------------------- trends


def test_trend_chart_breaks_the_line_at_a_hidden_year_and_marks_a_boundary_change():
    svg = trend_svg(
        "Aandeel 65-plussers", "%",
        Reeks("Wijk 01", [(2021, 10.0), (2022, None), (2023, 12.5), (2024, 13.0)]),
        Reeks("Utrecht", [(2021, 9.0), (2022, 9.5), (2023, 10.0), (2024, 10.5)]),
        {2023}, "trend-x",
    )  # fmt: skip
    assert svg.count("<polyline") == 2  # wijk 2023–2024 (2021 stands alone), gemeente 2021–2024 in one line
    assert svg.count("<circle") == 3 and svg.count("<rect") == 4
    assert svg.count('class="waarde ontbreekt"') == 1  # the hidden 2022 is a '.' on the axis
    # the boundary change: a dashed line with a marker at 2023, and one legend line that says what it means
    assert svg.count('class="indeling-gewijzigd"') == 1 and _x_van(svg, 'class="indeling-gewijzigd"') == _x_tick(svg, 2023)
    assert _legenda(svg) == ["indeling gewijzigd"]
    assert '<title id="trend-x-t">Aandeel 65-plussers</title>' in svg
    assert (
        '<desc id="trend-x-d">Wijk 01: 2021 10,0%; 2022 verborgen of onbekend; 2023 12,5%; 2024 13,0%. '
        "Utrecht: 2021 9,0%; 2022 9,5%; 2023 10,0%; 2024 10,5%. Indeling gewijzigd in 2023.</desc>"
    ) in svg
    assert 'role="img" aria-labelledby="trend-x-t trend-x-d"' in svg
    assert "style=" not in svg and "<script" not in svg and not re.search(r"\son[a-z]+=", svg)  # the reports' CSP


def test_trend_chart_has_a_y_axis_with_round_ticks_in_dutch_number_format():
    svg = trend_svg("Inwoners", "aantal", Reeks("Wijk", [(2023, 11840.0), (2024, 12315.0)]), None, set(), "t")
    assert 'class="y-as"' in svg
    assert _y_ticks(svg) == ["0", "5.000", "10.000", "15.000"]  # from zero, past the highest value, thousands with '.'
    assert _legenda(svg) == []  # nothing to explain
    procent = trend_svg("Aandeel", "%", Reeks("Wijk", [(2023, 2.3), (2024, 7.0)]), None, set(), "p")
    assert _y_ticks(procent) == ["0,0%", "2,5%", "5,0%", "7,5%"]
    # the ticks are drawn top to bottom in order: a higher value is higher on the chart
    hoogten = [float(y) for y in re.findall(r'class="as y-tick" x="[\d.]+" y="([\d.]+)"', procent)]
    assert hoogten == sorted(hoogten, reverse=True)


def test_trend_chart_shows_every_loaded_year_even_without_a_value():
    # nothing published in 2021 and 2024 (CBS publishes some figures a year later): the years stay on the axis, as gaps
    svg = trend_svg("x", "%", Reeks("Wijk", [(2021, None), (2022, 5.0), (2023, 6.0)]), None, set(), "t", [2021, 2022, 2023, 2024])
    assert _x_ticks(svg) == ["2021", "2022", "2023", "2024"]
    assert svg.count('class="waarde ontbreekt"') == 2  # 2021 (a row, hidden) and 2024 (no row at all)
    assert "2021 verborgen of onbekend" in svg and "2024 verborgen of onbekend" in svg
    assert svg.count("<polyline") == 1  # only 2022–2023 is a line


def test_trend_chart_marks_a_rate_computed_with_another_years_denominator():
    wijk = Reeks("Wijk", [(2021, 40.0), (2022, 42.0), (2023, 45.0)], {2021: 2023, 2022: 2023})
    svg = trend_svg("Wmo per 1 000", "per 1 000 inwoners", wijk, Reeks("Gemeente", [(2021, 30.0), (2022, 31.0), (2023, 33.0)]),
                    set(), "t")
    open_rondjes = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="3.5" fill="#ffffff"', svg)
    assert len(open_rondjes) == 3  # 2021 and 2022 of the wijk, and the legend's sample
    assert _legenda(svg) == ["noemer van een ander jaar"]
    assert "2021 40,0 (berekend met de noemer van 2023); 2022 42,0 (berekend met de noemer van 2023); 2023 45,0." in svg


def test_trend_chart_over_many_years_keeps_every_year_and_labels_every_other_one():
    jaren = list(range(2013, 2025))
    svg = trend_svg("x", "%", Reeks("Wijk", [(j, 10.0 + j - 2013) for j in jaren]), None, set(), "t", jaren)
    assert svg.count('class="x-streepje"') == 12  # a tick for every year
    assert _x_ticks(svg) == [str(j) for j in range(2014, 2025, 2)]  # the last year and every other one before it
    assert svg.count('class="waarde"') == 6 and svg.count("<circle") == 12


def _x_ticks(svg: str) -> list[str]:
    return re.findall(r'class="as x-tick"[^>]*>([^<]+)<', svg)


def _x_tick(svg: str, jaar: int) -> str:
    return re.search(rf'class="as x-tick" x="([\d.]+)"[^>]*>{jaar}<', svg)[1]


def _x_van(svg: str, kenmerk: str) -> str:
    return re.search(rf'{kenmerk} x1="([\d.]+)"', svg)[1]


def _y_ticks(svg: str) -> list[str]:
    return re.findall(r'class="as y-tick"[^>]*>([^<]+)<', svg)


def _legenda(svg: str) -> list[str]:
    return re.findall(r'<g class="legenda-regel">.*?<text[^>]*>([^<]+)</text></g>', svg)


def test_trends_section_has_one_chart_per_indicator_with_the_boundary_change_from_ind_wbi(tmp_path):
    html = sectie(rapport(tmp_path), "trends")
    assert html.count('<svg class="trend"') == 2
    assert html.count("indeling gewijzigd in 2024") == 2  # ind_wbi 2 for the wijk in 2024
    inwoners = html[html.index('id="trend-inwoners"') :]
    assert "<rect" not in inwoners.split("</svg>")[0]  # a count gets no gemeente line


def _met_noemer_jaar(g: PubGegevens) -> PubGegevens:
    """The test gemeente with pub's noemer_jaar: each share computed with its own year's denominator, except the
    wijk's 2023 share, computed with the 2024 denominator; counts have none."""
    w = g.waarden.copy()
    w["noemer_jaar"] = [2024 if (c, j, i) == (WIJK, 2023, "aandeel_65_plus") else (j if i == "aandeel_65_plus" else None)
                        for c, j, i in zip(w.gebied_code, w.jaar, w.indicator)]
    return replace(g, waarden=w)


def test_trends_section_marks_another_years_denominator_and_names_what_has_no_trend(tmp_path):
    # the wijk's 2023 share was computed with the 2024 denominator; a third loaded year (2025) has only the gemeente,
    # its share computed with the 2024 denominator too (CBS has not published 2025)
    g = _met_noemer_jaar(gegevens())
    w = g.waarden
    extra = w[(w.gebied_code == GEMEENTE) & (w.jaar == 2024)].assign(jaar=2025, tabel_id="86000NED")
    g = replace(g, waarden=pd.concat([w, extra], ignore_index=True))
    html = sectie(rapport(tmp_path, g), "trends")
    aandeel = html[html.index('id="trend-aandeel_65_plus"') :].split("</svg>")[0]
    assert _x_ticks(aandeel) == ["2023", "2024", "2025"]  # 2025 has no wijk value: a gap, not a dropped year
    assert "2023 12,5% (berekend met de noemer van 2024)" in aandeel and _legenda(aandeel) == [
        "indeling gewijzigd", "noemer van een ander jaar"]
    assert "het dichtstbijzijnde jaar: 2023 en 2025 met het CBS-cijfer van 2024." in html
    assert aandeel.count('fill="#ffffff"') == 3  # the wijk's 2023, the gemeente's 2025 and the legend's sample
    assert html.count('class="klein noemer-noot"') == 1  # only under the chart it concerns
    assert "Geen trend" not in html  # both indicators have two published years


def test_trends_section_names_an_indicator_with_one_published_year_instead_of_dropping_it(tmp_path):
    g = gegevens()
    w = g.waarden.copy()
    verborgen = (w.gebied_code == WIJK) & (w.indicator == "inwoners") & (w.jaar == 2024)
    w.loc[verborgen, ["waarde", "onderdrukt"]] = [None, True]
    html = sectie(rapport(tmp_path, replace(g, waarden=w)), "trends")
    assert 'id="trend-inwoners"' not in html and 'id="trend-aandeel_65_plus"' in html
    assert "Aantal inwoners (alleen 2023; geen gepubliceerd cijfer over 2024)" in " ".join(html.split())


# ---------------------------------------------------------------------------------------------------- downloads


def test_csv_download_opens_in_dutch_excel_with_hidden_values_as_a_dot(tmp_path):
    namen = schrijf_downloads(_met_noemer_jaar(gegevens()), WIJK, tmp_path)
    raw = (tmp_path / namen["csv"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == KOLOMMEN
    kolom = {k: rows[0].index(k) for k in ("gebied_code", "jaar", "indicator", "waarde", "noemer_jaar", "onderdrukt_reden")}
    kort = [tuple(r[i] for i in kolom.values()) for r in rows[1:]]
    # noemer_jaar: the year of a share's denominator, another year where that year had none; empty for a count
    assert kort == [
        (WIJK, "2023", "aandeel_65_plus", "12,5", "2024", ""),
        (WIJK, "2024", "aandeel_65_plus", "14", "2024", ""),
        (WIJK, "2023", "inwoners", "1234", "", ""),
        (WIJK, "2024", "inwoners", "1250", "", ""),
        (B1, "2023", "aandeel_65_plus", "8", "2023", ""),
        (B1, "2024", "aandeel_65_plus", "9", "2024", ""),
        (B1, "2024", "inwoners", "800", "", ""),
        (B2, "2023", "aandeel_65_plus", "20,25", "2023", ""),
        (B2, "2024", "aandeel_65_plus", ".", "2024", "minder dan 8"),
        (B2, "2024", "inwoners", "450", "", ""),
    ]  # neither the gemeente nor the other wijk's buurt
    assert namen == {"csv": f"{WIJK}-cijfers.csv", "xlsx": f"{WIJK}-cijfers.xlsx", "rijen": 10}


def test_xlsx_download_has_numbers_as_numbers_and_hidden_values_as_a_dot(tmp_path):
    from openpyxl import load_workbook

    namen = schrijf_downloads(_met_noemer_jaar(gegevens()), WIJK, tmp_path)
    boek = load_workbook(tmp_path / namen["xlsx"])
    rows = list(boek["Cijfers"].iter_rows(values_only=True))
    assert list(rows[0]) == KOLOMMEN
    code, jaar, indicator, waarde, noemer_jaar, reden = (
        KOLOMMEN.index(k) for k in ("gebied_code", "jaar", "indicator", "waarde", "noemer_jaar", "onderdrukt_reden"))
    assert [(r[code], r[jaar], r[waarde], r[noemer_jaar]) for r in rows[1:3]] == [(WIJK, 2023, 12.5, 2024),
                                                                                  (WIJK, 2024, 14.0, 2024)]
    assert [(r[code], r[jaar], r[waarde], r[reden]) for r in rows[1:] if r[code] == B2 and r[indicator] == "aandeel_65_plus"] == [
        (B2, 2023, 20.25, None), (B2, 2024, ".", "minder dan 8"),
    ]  # fmt: skip
    assert any(str(r[0]).startswith("noemer_jaar: ") for r in boek["Toelichting"].iter_rows(values_only=True))
    assert "CC-BY 4.0" in " ".join(str(r[0]) for r in boek["Toelichting"].iter_rows(values_only=True))


def test_report_links_its_downloads_written_beside_it(tmp_path):
    html = sectie(rapport(tmp_path), "downloads")
    for naam in (f"{WIJK}-cijfers.csv", f"{WIJK}-cijfers.xlsx"):
        assert f'href="{naam}"' in html
        assert (tmp_path / naam).stat().st_size > 0


# ------------------------------------------------------------------------------------------------------- header


def test_header_warns_in_one_line_for_a_snapshot_and_for_a_stale_source(tmp_path):
    html = rapport(tmp_path, gegevens(snapshot=True, verouderd=True))
    kop = html[html.index('<header class="kop">') : html.index("</header>")]
    assert "peiljaar 2024" in kop and "Utrecht" in kop
    meldingen = re.findall(r'<p class="melding" role="note">(.*?)</p>', kop, flags=re.S)
    assert len(meldingen) == 1
    melding = " ".join(meldingen[0].split())
    assert "CBS/Kadaster wijk- en buurtgrenzen 2024 kon niet vers worden opgehaald" in melding
    assert "3 december 2025" in melding
    assert "Beschikkingen van de gemeente (export) is verouderd" in melding
    assert 'href="#actualiteit"' in melding
    # the full table is at the end, in the colofon, and says the same
    colofon = html[html.index('<footer id="colofon">') :]
    assert "Actualiteit van de bronnen" in colofon and "Actualiteit van de bronnen" not in kop
    assert "<strong>uit bewaarde kopie</strong>" in colofon and "<strong>verouderd</strong>" in colofon


def test_header_has_no_warning_and_no_source_table_when_every_source_is_fresh(tmp_path):
    html = rapport(tmp_path)
    kop = html.split("</header>")[0]
    assert 'class="melding"' not in kop and "<table" not in kop
    assert html[html.index('<footer id="colofon">') :].count("<td>actueel</td>") == 3


# ------------------------------------------------------------------------------------------------ first screen


def _rode_draad(thema: str, label: str, sterkte: float, bewijs: list[dict], status: str = "rode draad",
                net_boven_drempel: bool = False) -> dict:
    return {
        "gemeente_code": GEMEENTE, "wijkcode": WIJK, "wijknaam": "Wijk 01 West", "jaar": 2024, "thema": thema,
        "thema_label": label, "rang": 1, "sterkte": sterkte, "status": status, "net_boven_drempel": net_boven_drempel,
        "bronnen": sorted({f["bewijsbron"] for f in bewijs if f["rol"] == "wijst"}), "bewijs": bewijs, "indicatoren": [],
        "herkennen": "Herkent u dit?", "verklaren": "Hoe komt dat?", "kansen": [],
        "vorige_bespreking_datum": None, "vorige_herkend": None, "vorige_verklaring": None, "vorige_actie": None,
        "vorige_eigenaar": None, "vorige_wanneer": None,
    }  # fmt: skip


def _feit(bron: str, label: str, waarde, gemeente, sterkte: float, eenheid: str = "%", jaar: int = 2024, **extra) -> dict:
    # the rol as pub.rode_draden gives it for a figure of a source that points at the theme
    rol = "wijst" if sterkte >= 0.15 else "wijkt_niet_af" if sterkte > -0.15 else "andere_kant"
    return {"bewijsbron": bron, "indicator": label.lower().replace(" ", "_"), "label": label, "eenheid": eenheid,
            "jaar": jaar, "waarde": waarde, "gemeente_waarde": gemeente, "aantal": None, "noemer_aantal": None,
            "vorige_waarde": None, "verwacht_aantal": None, "partners": [], "sterkte": sterkte, "rol": rol,
            "ook_bij": [], "overgeslagen_jaar": None, "overgeslagen_reden": None, **extra}  # fmt: skip


GELDZORGEN = _rode_draad("geldzorgen", "Geldzorgen en schulden", 2.7, [
    _feit("casuistiek", "Aandeel casussen over geldzorgen", 71.4, 36.5, 0.63),
    _feit("voorzieningen", "Wmo-cliënten per 1 000 inwoners (gemeente)", 106.8, 53.8, 0.9, "per 1 000 inwoners"),
    _feit("voorzieningen", "Wmo-cliënten per 1 000 inwoners", 102.0, 54.0, 0.8, "per 1 000 inwoners", jaar=2023),
    _feit("signalen", "Signalen over geldzorgen", 155, 460, 1.0, "aantal", verwacht_aantal=46.0, partners=["woningcorporatie"]),
    _feit("cbs_context", "Huishoudens met een laag inkomen", 59.5, 45.8, 0.1),  # below 0.15: does not point at it
])  # fmt: skip


def _samenvatting(html: str) -> str:
    return html[html.index('<div class="samenvatting">') : html.index("</header>")]


def test_first_screen_gives_each_rode_draad_one_line_with_strength_in_words_and_its_strongest_figures(tmp_path):
    zwak = _rode_draad("dementie", "Dementie", 0.6, [_feit("casuistiek", "Aandeel casussen over dementie", 7.1, 4.7, 0.3),
                                                     _feit("cbs_context", "Aandeel 65-plussers", 13.9, 10.8, 0.3)],
                       net_boven_drempel=True)
    g = replace(gegevens(), rode_draden=[GELDZORGEN, zwak])
    regels = re.findall(r"<li>(.*?)</li>", _samenvatting(rapport(tmp_path, g)).split("</ol>")[0], flags=re.S)
    tekst = [" ".join(re.sub(r"<[^>]+>", "", r).split()) for r in regels]
    assert len(tekst) == 2
    # the three strongest figures, strongest first; the gemeente's own Wmo rate and CBS's are one figure, said once
    assert tekst[0] == ("Geldzorgen en schulden zeer sterk, 3 bronnen: 155 signalen van woningcorporatie (gemiddelde wijk 46)"
                        " · Wmo-cliënten per 1 000 inwoners volgens de eigen registratie 106,8 (gemeente 53,8)"
                        " · Casussen van het wijkteam 71,4% (gemeente 36,5%)")
    assert tekst[1].startswith("Dementie zwak, net boven de drempel, 2 bronnen: ")
    assert 'href="#rd-geldzorgen"' in regels[0]
    assert "per 1\u00a0000 inwoners" in regels[0]  # a phone does not break "1" from "000"


def test_first_screen_without_gemeente_data_says_so_in_one_line_and_still_shows_key_figures(tmp_path):
    g = gegevens()
    g = replace(g, bronnen=g.bronnen[g.bronnen.bron != "beschikkingen"])
    samenvatting = _samenvatting(rapport(tmp_path, g))
    zinnen = re.findall(r'<p class="geen-draden">(.*?)</p>', samenvatting, flags=re.S)
    assert len(zinnen) == 1 and "er zijn geen cijfers van de gemeente geladen" in zinnen[0]
    assert "<ol" not in samenvatting
    assert re.findall(r'<span class="tegel-label">([^<,]+)', samenvatting) == ["Aantal inwoners", "Aandeel 65-plussers"]


def test_first_screen_with_gemeente_data_but_no_rode_draad_points_to_the_signalen(tmp_path):
    signaal = {**GELDZORGEN, "status": "signaal om te toetsen"}
    samenvatting = _samenvatting(rapport(tmp_path, replace(gegevens(), rode_draden=[signaal])))
    assert "geen thema komt uit twee of meer bronnen tegelijk naar voren" in samenvatting
    assert '1 <a href="#signalen">signalen om te toetsen</a>' in samenvatting


def _lijsten(html: str) -> dict[str, list[str]]:
    """Per heading of a rode draad's evidence (h4), the text of its list items."""
    uit = {}
    for kop, lijst in re.findall(r"<h4[^>]*>(.*?)</h4>\s*<ul[^>]*>(.*?)</ul>", html, flags=re.S):
        uit[kop] = [" ".join(re.sub(r"<[^>]+>", "", li).split()) for li in re.findall(r"<li>(.*?)</li>", lijst, flags=re.S)]
    return uit


def test_a_rode_draad_lists_as_evidence_only_what_points_at_it_and_the_rest_apart(tmp_path):
    bijstand = _feit("voorzieningen", "Personen met bijstand per 1 000 inwoners", 76.8, 28.3, 0.99, "per 1 000 inwoners",
                     jaar=2023, overgeslagen_jaar=2024, overgeslagen_reden="onbekend of geheim (CBS)",
                     ook_bij=["werk_en_inkomen"])
    lager = _feit("cbs_context", "Huishoudens onder het sociaal minimum", 8.0, 12.0, -0.4)
    g = replace(gegevens(), rode_draden=[{**GELDZORGEN, "bewijs": [*GELDZORGEN["bewijs"], bijstand, lager]}],
                thema_labels={"werk_en_inkomen": "Werk en inkomen"})
    draad = sectie(rapport(tmp_path, g), "rode-draden")
    lijsten = _lijsten(draad)
    assert list(lijsten) == ["Wijst op dit thema", "Wijkt niet af van de gemeente",
                             "Wijst de andere kant op (geen bewijs voor dit thema)"]
    assert len(lijsten["Wijst op dit thema"]) == 5  # casuïstiek, two Wmo rates, signalen, bijstand
    # a figure that counts for another theme too says so, and a fallback year says why
    assert ("Personen met bijstand per 1 000 inwoners: 76,8 tegen 28,3 in de gemeente (2024: geen CBS-cijfer, daarom "
            "2023). Telt ook mee bij: werk en inkomen.") in lijsten["Wijst op dit thema"]
    assert lijsten["Wijkt niet af van de gemeente"] == [
        "Huishoudens met een laag inkomen: 59,5% tegen 45,8% in de gemeente (2024)."]
    assert lijsten["Wijst de andere kant op (geen bewijs voor dit thema)"] == [
        "Huishoudens onder het sociaal minimum: 8,0% tegen 12,0% in de gemeente (2024)."]
    # the strength in words: how many sources, how far above the gemeente
    sterkte = " ".join(re.search(r'<p class="sterkte-uitleg">(.*?)</p>', draad, flags=re.S)[1].split())
    assert re.sub(r"<[^>]+>", "", sterkte) == (
        "Zeer sterk (sterkte 2,70): drie onafhankelijke bronnen, sterk boven het gemeentelijk gemiddelde.")


def test_a_signaal_shows_only_its_evidence(tmp_path):
    signaal = _rode_draad("eenzaamheid", "Eenzaamheid", 0.68, [
        _feit("enquete", "Enquête", 13.6, 11.9, 0.08),
        _feit("voorzieningen", "Wmo-cliënten per 1 000 inwoners (gemeente)", 106.8, 53.8, 0.68, "per 1 000 inwoners"),
    ], status="signaal om te toetsen")  # fmt: skip
    tabel = sectie(rapport(tmp_path, replace(gegevens(), rode_draden=[signaal])), "signalen")
    assert "Wmo-cliënten per 1 000 inwoners (gemeente): 106,8" in tabel and "Enquête" not in tabel


def test_one_definition_of_rode_draad_in_the_section_and_the_colofon_and_no_link_to_docs(tmp_path):
    html = rapport(tmp_path, replace(gegevens(), rode_draden=[GELDZORGEN]))
    definitie = escape(RODE_DRAAD)
    draden, colofon = sectie(html, "rode-draden"), html[html.index('<footer id="colofon">') :]
    assert definitie in draden and definitie in colofon
    assert html.count(definitie) == 2
    # the method is in the report itself, and the colofon's link to it stays inside the file
    assert '<details class="methode" id="rode-draden-methode">' in draden
    assert 'href="#rode-draden-methode"' in colofon
    # the index has no rode draden section: its colofon carries the method itself
    out = tmp_path / "index"
    out.mkdir()
    index = schrijf_index(gegevens(), GEMEENTE, out, indicator="aandeel_65_plus", mislukt={}).read_text(encoding="utf-8")
    assert definitie in index and '<details class="methode" id="colofon-methode">' in index
    assert 'href="#rode-draden-methode"' not in index
    for pagina in (html, index):
        links = re.findall(r'href="([^"]*)"', pagina)
        assert links and not [a for a in links if "docs/" in a or a.endswith(".md")]
        assert "docs/" not in re.sub(r"<script.*?</script>", "", pagina, flags=re.S)


def test_first_screen_says_when_a_figure_counts_for_another_rode_draad_too(tmp_path):
    bijstand = _feit("voorzieningen", "Personen met bijstand per 1 000 inwoners", 76.8, 28.3, 2.0, "per 1 000 inwoners",
                     ook_bij=["werk_en_inkomen", "armoede"])
    g = replace(gegevens(), rode_draden=[{**GELDZORGEN, "bewijs": [*GELDZORGEN["bewijs"], bijstand]}],
                thema_labels={"werk_en_inkomen": "Werk en inkomen", "armoede": "Armoede"})
    regel = " ".join(re.sub(r"<[^>]+>", "", _samenvatting(rapport(tmp_path, g)).split("</li>")[0]).split())
    # the strongest figure first, with the other themes it counts for (sorted), as its sentence in the section says
    assert ": Personen met bijstand per 1 000 inwoners 76,8 (gemeente 28,3), telt ook mee bij armoede en werk en "
    "inkomen · " in regel


# ---------------------------------------------------------------------------------------------------- factsheet


def _factsheet(tmp_path: Path, g: PubGegevens) -> str:
    rapport(tmp_path, g)
    return (tmp_path / factsheet_naam(WIJK)).read_text(encoding="utf-8")


def test_factsheet_beside_the_report_has_its_first_screen_map_and_rode_draden_and_nothing_else(tmp_path):
    dementie = _rode_draad("dementie", "Dementie", 0.6, [_feit("casuistiek", "Aandeel casussen over dementie", 7.1, 4.7, 0.3)])
    g = replace(gegevens(), rode_draden=[GELDZORGEN, {**dementie, "rang": 2}])
    html = _factsheet(tmp_path, g)
    verslag = (tmp_path / f"{WIJK}.html").read_text(encoding="utf-8")
    # the report links its factsheet, the factsheet its report
    assert f'href="{factsheet_naam(WIJK)}"' in verslag and f'href="{WIJK}.html"' in html
    # the same first screen (wijk, peiljaar, one line per rode draad, key figures) as the report
    assert "<h1>Factsheet Wijk 01 West</h1>" in html and "peiljaar 2024" in html
    assert _samenvatting(html).split("</section>")[0] == _samenvatting(verslag).split("</section>")[0]
    assert html.count('<li class="tegel') == verslag.count('<li class="tegel') >= 1
    # the map, with the report's first colouring
    assert '<section id="kaart"' in html and kaartgegevens(html)["lagen"][0] == kaartgegevens(verslag)["lagen"][0]
    # every rode draad with its strength, its strongest evidence only, and the questions for the table
    draden = sectie(html, "rode-draden")
    assert [r[1] for r in re.findall(r'<h3 id="rd-(\w+)">(.*?)</h3>', draden)] == [
        "1. Geldzorgen en schulden", "2. Dementie"]
    lijsten = {" ".join(re.sub(r"<[^>]+>", "", kop).split()): v for kop, v in _lijsten(draden).items()}
    assert list(lijsten) == [f"Wijst op dit thema (de eerste {FACTSHEET_BEWIJS} van 4 cijfers; alle in het volledige wijkprofiel)",
                             "Wijst op dit thema"]
    assert [len(v) for v in lijsten.values()] == [FACTSHEET_BEWIJS, 1]
    assert draden.count("<dt>Herkennen</dt>") == 2 and "Wijkt niet af" not in draden
    assert escape(RODE_DRAAD) in draden
    # a links to a part only the report has goes to the report
    assert f'href="{WIJK}.html#rode-draden-methode"' in draden
    # what only the report has stays there
    for alleen_in_het_rapport in ("in-het-kort", "bespreektafel", "trends", "buurten", "downloads", "beschikkingen"):
        assert f'<section id="{alleen_in_het_rapport}"' not in html
    # one file with its A4 print layout; CBS attribution in its short colofon
    assert "@page { size: A4;" in html and "CC-BY 4.0" in html[html.index('<footer id="colofon">') :]


def test_factsheet_of_a_wijk_without_rode_draad_names_its_signalen_and_points_to_the_report(tmp_path):
    signaal = {**GELDZORGEN, "status": "signaal om te toetsen"}
    draden = sectie(_factsheet(tmp_path, replace(gegevens(), rode_draden=[signaal])), "rode-draden")
    assert "Geen thema komt in Wijk 01 West uit twee of meer bronnen tegelijk naar voren." in draden
    tekst = " ".join(re.sub(r"<[^>]+>", "", draden).split())
    assert "Signalen om te toetsen (één bron, of meer maar zwak): Geldzorgen en schulden." in tekst
    assert f'href="{WIJK}.html#signalen"' in draden


def test_index_links_every_wijk_to_its_report_and_its_factsheet(tmp_path):
    html = schrijf_index(gegevens(), GEMEENTE, tmp_path, indicator="aandeel_65_plus", mislukt={}).read_text(encoding="utf-8")
    lijst = sectie(html, "wijkenlijst")
    assert f'<a href="{WIJK}.html">' in lijst and f'<a href="{factsheet_naam(WIJK)}">factsheet</a>' in lijst


# ---------------------------------------------------------------------------------------------------------- map


def kaartgegevens(html: str) -> dict:
    """The data the page hands to its map script (kaart.KIEZER_JS): GeoJSON, layers, ids."""
    return json.loads(re.search(r"wijkprofielKaart\(\w+, (\{.*?\})\); \}\);", html, re.S).group(1))


def test_map_data_carries_each_buurts_value_the_gemeentes_and_why_hidden_and_legend_explains_the_dot(tmp_path):
    html = rapport(tmp_path)
    data = kaartgegevens(html)
    per_buurt = {f["properties"]["n"]: f["properties"] for f in data["geojson"]["features"]}
    eerste = data["lagen"][0]
    assert (eerste["label"], eerste["gemeente"]) == ("Aandeel 65-plussers", "10,5%")
    assert per_buurt["Lombok"]["w"][0] == "9,0%" and per_buurt["Lombok"]["k"][0] >= 0
    assert per_buurt["Oog in Al"]["w"][0] == ". (verborgen: minder dan 8)"  # 2024 hidden, never read as zero
    assert per_buurt["Oog in Al"]["k"][0] == -1  # the grey class
    assert ". = verborgen om de privacy te beschermen, of onbekend" in sectie(html, "kaart")
    assert "gemeente Utrecht: 10,5%" in sectie(html, "kaart")


def test_the_map_can_be_coloured_by_every_published_buurt_indicator_with_a_legend_each(tmp_path):
    html = rapport(tmp_path)
    kaart = sectie(html, "kaart")
    opties = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', kaart)
    legendas = re.findall(r'<ul class="legenda" data-kiezer="kaartkeuze" data-keuze="(\d+)"', kaart)
    assert [label for _, label in opties][:2] == ["Aandeel 65-plussers", "Aantal inwoners"]  # the chosen one first
    assert [i for i, _ in opties] == legendas == [str(i) for i in range(len(opties))]
    assert len(kaartgegevens(html)["lagen"]) == len(opties)
    assert re.search(r'<option value="0"[^>]* selected>', kaart)
    assert kaart.count(' hidden>') == len(opties) - 1  # only the chosen layer's legend shows
    assert html.count("L.geoJSON(") == 1  # one buurt layer, restyled: no layer per indicator


def test_map_takes_extra_theme_layers_as_name_and_indicator(tmp_path):
    html = rapport(tmp_path, themalagen=[("Thema: eenzaamheid", "aandeel_65_plus"), ("Thema: onbekend", "bestaat_niet")])
    kaart = sectie(html, "kaart")
    assert '<optgroup label="Rode draden van deze wijk">' in kaart
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', kaart)[-1] == "Thema: eenzaamheid"
    assert "Thema: onbekend" not in html
    assert kaartgegevens(html)["lagen"][-1]["label"] == "Thema: eenzaamheid"


def test_index_map_colours_wijken_by_any_indicator_and_by_their_number_of_rode_draden(tmp_path):
    draad = {**GELDZORGEN, "wijkcode": WIJK, "status": "rode draad"}
    g = replace(gegevens(), rode_draden=[draad, {**draad, "thema": "eenzaamheid", "thema_label": "Eenzaamheid",
                                                 "status": "signaal om te toetsen"}])
    html = schrijf_index(g, GEMEENTE, tmp_path, indicator="aandeel_65_plus", mislukt={}).read_text(encoding="utf-8")
    data = kaartgegevens(html)
    assert data["lagen"][0]["label"] == "Aandeel 65-plussers" and data["lagen"][-1]["label"] == "Aantal rode draden"
    per_wijk = {f["properties"]["r"]: f["properties"] for f in data["geojson"]["features"]}
    assert per_wijk[f"{WIJK}.html"]["w"][-1] == "1" and per_wijk[f"{ANDERE_WIJK}.html"]["w"][-1] == "geen"
    assert "geen</li>" in sectie(html, "kaart") and "4 of meer</li>" in sectie(html, "kaart")


def test_kansen_are_drawn_in_their_own_pane_above_the_buurten(tmp_path):
    kans = ("k1", WIJK, B1, GEMEENTE, "eenzaamheid", "Buurthuis De Kans", "buurthuis", None, None, None, None)
    html = rapport(tmp_path, gegevens(kansen=[kans]))
    boven = lambda pane: int(re.search(rf'createPane\(\s*"{pane}"\);\s*\w+\.style\.zIndex = (\d+)', html).group(1))  # noqa: E731
    assert boven("kansen") > kaartgegevens(html)["pane_z"]  # the buurten's pane
    assert html.count('"pane": "kansen"') == 1 and "Buurthuis De Kans" in html


# ------------------------------------------------------------------------------------------------- in het kort


def test_in_het_kort_colours_nothing_without_a_significance_column(tmp_path):
    html = sectie(rapport(tmp_path), "in-het-kort")
    assert 'class="getal hoger"' not in html and 'class="getal lager"' not in html
    assert "niet getoetst" in html


def _kort_rij(html: str, label: str) -> list[str]:
    """The cells of one row of In het kort, as text."""
    rij = next(r for r in sectie(html, "in-het-kort").split("<tr>") if label in r).split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", rij, re.S)]


def test_in_het_kort_takes_each_figure_from_its_latest_year_with_a_wijk_value(tmp_path):
    g = gegevens()
    w = g.waarden
    # CBS has not yet published the wijk's 2024 figure (as with income and care): the row shows 2023, for the
    # wijk and the gemeente alike, not a '.' beside the gemeente's 2024 value
    w.loc[(w.gebied_code == WIJK) & (w.indicator == "aandeel_65_plus") & (w.jaar == 2024), ["waarde", "onderdrukt"]] = [None, True]
    cellen = _kort_rij(rapport(tmp_path, replace(g, waarden=w)), "Aandeel 65-plussers")
    assert cellen[:3] == ["2023", "12,5%", "10,0%"]
    assert cellen[-1] == ""  # no year before 2023
    assert _kort_rij(rapport(tmp_path, gegevens()), "Aandeel 65-plussers")[:3] == ["2024", "14,0%", "10,5%"]


def test_in_het_kort_sets_the_wijk_beside_the_median_of_its_similar_wijken(tmp_path):
    g = gegevens()
    extra = [(f"WK03440{i}", v) for i, v in ((3, 11.0), (4, 13.0), (5, 40.0))]
    rijen = [{**g.waarden.iloc[0].to_dict(), "gebied_code": c, "gebied_niveau": "wijk", "gebied_naam": c,
              "ouder_code": GEMEENTE, "jaar": 2024, "waarde": v} for c, v in extra]
    vergelijkbaar = pd.DataFrame(
        [{"wijkcode": WIJK, "scope": "gemeente", "rang": r, "vergelijkbare_wijkcode": c, "vergelijkbare_wijk_naam": c,
          "vergelijkbare_gemeente_code": GEMEENTE, "gemeente_code": GEMEENTE, "peiljaar": 2024}
         for r, (c, _) in enumerate(extra, start=1)]
    )  # fmt: skip
    g = replace(g, waarden=pd.concat([g.waarden, pd.DataFrame(rijen)], ignore_index=True), vergelijkbaar=vergelijkbaar)
    html = rapport(tmp_path, g)
    assert "Vergelijkbare wijken (mediaan)" in sectie(html, "in-het-kort")
    cellen = _kort_rij(html, "Aandeel 65-plussers")
    assert cellen[:3] == ["2024", "14,0%", "10,5%"] and cellen[4] == "13,0%"  # the median of 11, 13 and 40
    assert cellen[-1] == "12,5% (2023)"
    # fewer than three similar wijken with a value: no median, which would be one wijk's figure
    assert _kort_rij(html, "Aantal inwoners")[4] == "."


@pytest.mark.parametrize(("significant", "klasse"), [(True, "hoger"), (False, None), (None, "niet-getoetst")])
def test_in_het_kort_colours_a_difference_only_when_pub_says_it_is_significant(tmp_path, significant, klasse):
    g = gegevens(significant={(WIJK, "aandeel_65_plus", 2024): significant})
    html = sectie(rapport(tmp_path, g), "in-het-kort")
    rij = next(r for r in html.split("<tr>") if "Aandeel 65-plussers" in r).split("</tr>")[0]
    assert re.findall(r'class="getal (hoger|lager|niet-getoetst)"', rij) == ([klasse] if klasse else [])
    assert ("▲" in rij) == (klasse == "hoger")
    # an index without a test is never plain: it says so, where a tested one does not
    assert ("niet getoetst</span>" in rij) == (significant is None)
    assert "Alleen verschillen die groter zijn dan toeval" in html


def _met_interval(g: PubGegevens, code: str, onder: float, boven: float) -> PubGegevens:
    w = g.waarden.copy()
    if "interval_onder" not in w.columns:
        w["interval_onder"], w["interval_boven"] = None, None
    rij = (w.gebied_code == code) & (w.indicator == "aandeel_65_plus") & (w.jaar == 2024)
    w.loc[rij, ["interval_onder", "interval_boven"]] = [onder, boven]
    return replace(g, waarden=w)


def test_every_index_in_het_kort_and_the_buurten_table_is_tested_or_says_niet_getoetst(tmp_path):
    # the wijk has an interval above the gemeente's 10,5%; Lombok has none (not tested); Oog in Al's value is
    # hidden, so it has no index
    g = _met_interval(gegevens(significant={(WIJK, "aandeel_65_plus", 2024): True}), WIJK, 12.1, 15.9)
    html = rapport(tmp_path, g)
    for sectie_id in ("in-het-kort", "buurten"):
        tabel = sectie(html, sectie_id)
        indexcellen = []
        for rij in tabel.split("<tbody>")[1].split("<tr>")[1:]:
            cellen = re.findall(r'<td class="getal ?([^"]*)"( title="[^"]*")?>(.*?)</td>', rij, flags=re.S)
            if sectie_id == "in-het-kort":
                indexcellen.append(cellen[3])  # Jaar, Wijk, Gemeente, Index
            else:
                indexcellen += [c for c in cellen if "index" in c[2]]
        indexcellen = [c for c in indexcellen if re.sub(r"<[^>]+>", "", c[2]).strip()]
        assert [c[0] for c in indexcellen] == (["hoger"] if sectie_id == "in-het-kort" else ["niet-getoetst"])
        for klasse, titel, inhoud in indexcellen:
            if klasse == "niet-getoetst":
                assert "niet getoetst</span>" in inhoud
            else:
                assert klasse in ("hoger", "lager", "") and "getoetst:" in titel and "niet getoetst" not in inhoud
        # the legend names both methods and the "niet getoetst" mark
        assert "Wilson-interval voor percentages" in tabel and "Poisson (Byar)-interval" in tabel
        assert '<span class="vak niet-getoetst"></span>' in tabel
    kort = _kort_rij(html, "Aandeel 65-plussers")
    assert kort[3] == "133 ▲"
    assert 'title="getoetst: hoger dan de gemeente, groter dan toeval kan verklaren; 95%-marge 12,1% tot 15,9% (Wilson)"' in html
    lombok = next(r for r in sectie(html, "buurten").split("<tr>") if "Lombok" in r)
    assert "index 86" in lombok and "niet getoetst</span>" in lombok


def test_the_interval_method_follows_the_unit_as_in_the_sql_macro():
    from wijkprofiel.publish.toets import methode

    assert [methode(e) for e in ("%", "per 1 000 inwoners", "aantal", "x 1 000 euro", None)] == [
        "Wilson", "Poisson (Byar)", None, None, None]


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [("2024-10-01", "1 oktober 2024"), ("voor 2025-03-12", "voor 12 maart 2025"), ("Q2 2025", "Q2 2025"),
     ("2024-13-45", "2024-13-45"), (None, "")],
)  # fmt: skip
def test_a_bespreking_moment_reads_as_a_dutch_date_where_it_is_one(tekst, verwacht):
    from wijkprofiel.publish.opmaak import tijdstip

    assert tijdstip(tekst) == verwacht


def test_a_new_set_of_reports_replaces_the_old_one_in_one_step(tmp_path):
    from wijkprofiel.publish import _swap_in

    target, new = tmp_path / "rapporten", tmp_path / ".rapporten-nieuw"
    target.mkdir()
    (target / "WK034401.html").write_text("oud")
    (target / "WK034499.html").write_text("vervallen wijk")
    new.mkdir()
    (new / "WK034401.html").write_text("nieuw")
    _swap_in(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["WK034401.html"]
    assert (target / "WK034401.html").read_text() == "nieuw"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapporten"]  # no folder of the old set is left


def test_a_report_asks_for_no_background_map_unless_told_and_then_only_shows_one_that_arrives(tmp_path):
    from wijkprofiel.publish.kaart import ACHTERGROND_URL

    zonder = rapport(tmp_path)
    assert ACHTERGROND_URL not in zonder and "L.tileLayer(" not in zonder  # no request may leave the file
    met = rapport(tmp_path, achtergrond=True)
    assert ACHTERGROND_URL in met
    # one probe tile first; the layer is added in its onload, so offline the map is the same as without
    script = met[met.index("proef = new Image()"):]
    assert script.index("proef.onload") < script.index("L.tileLayer") < script.index("proef.src")
    assert "Kadaster" in met


def test_the_areas_of_a_level_are_looked_up_once_and_anew_for_other_rows():
    g = gegevens()
    buurten = g.gebieden("buurt", ouder=WIJK)
    assert buurten == [B1, B2]
    buurten.append("BU99999999")  # a caller's list is its own: the next report gets the areas as they are
    assert g.gebieden("buurt", ouder=WIJK) == [B1, B2]
    assert g.gebieden("buurt", gemeente=GEMEENTE) == [B1, B2, B3]
    w = g.waarden
    zonder_b2 = replace(g, waarden=w[w.gebied_code != B2])  # other rows: looked up again, not taken from `g`
    assert zonder_b2.gebieden("buurt", ouder=WIJK) == [B1]
    assert g.gebieden("buurt", ouder=WIJK) == [B1, B2]

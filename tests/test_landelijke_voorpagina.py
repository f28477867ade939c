"""The national front page above several gemeenten's reports: a SYNTHETIC country of three gemeenten (with
gemeente boundaries) and the demo's Utrecht (with the gemeente's own SYNTHETIC data, without gemeente boundaries)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest

from wijkprofiel.demo.synth_landelijk import synth_landelijk
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.grenzen import ingest_grenzen_file
from wijkprofiel.pipeline import national
from wijkprofiel.pipeline.national import bouw_landelijk
from wijkprofiel.publish import publish_reports
from wijkprofiel.publish.landelijk import MIN_WIJKEN, rapporten_wortel, schrijf_landelijke_index
from wijkprofiel.transform.build import build_marts

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'sha256-'


@pytest.fixture(scope="module")
def land(tmp_path_factory) -> dict:
    """Three SYNTHETIC gemeenten, each ingested (CBS and every boundary layer), built and published on its own,
    and their national database."""
    tmp = tmp_path_factory.mktemp("voorpagina")
    synth = synth_landelijk(tmp / "synthetisch", gemeenten=3, jaar=2023)
    codes = sorted(gpd.read_file(synth.grenzen, layer="gemeenten").gemeentecode)
    dbs = {}
    for code in codes:
        dbs[code] = tmp / code / "wijkprofiel.duckdb"
        ingest_cbs_file(dbs[code], synth.kwb, code, 2023)
        ingest_grenzen_file(dbs[code], synth.grenzen, code, 2023)
        build_marts(dbs[code])
        publish_reports(dbs[code], tmp / "rapporten" / code)
    landelijk = bouw_landelijk(dbs, tmp / "landelijk.duckdb")
    return {"tmp": tmp, "codes": codes, "dbs": dbs, "landelijk": landelijk, "rapporten": tmp / "rapporten"}


def _rijen(pagina: Path) -> list[str]:
    return re.findall(r"<tr><th scope=\"row\">.*?</tr>", pagina.read_text(encoding="utf-8"), flags=re.S)


def test_the_front_page_lists_every_gemeente_with_a_working_link_to_its_index(land):
    pagina = schrijf_landelijke_index([land["landelijk"]], str(land["rapporten"] / "{gemeente}"))

    assert pagina == land["rapporten"] / "index.html"
    html = pagina.read_text(encoding="utf-8")
    assert CSP in html
    rijen = _rijen(pagina)
    assert len(rijen) == 3
    for code in land["codes"]:
        rij = next(r for r in rijen if f"<td>{code}</td>" in r)
        link = re.search(r'<a href="([^"]+)">', rij).group(1)
        assert link == f"{code}/index.html" and (pagina.parent / link).is_file()
        with duckdb.connect(str(land["dbs"][code]), read_only=True) as con:
            wijken = con.execute(
                "select count(distinct gebied_code) from pub.indicator_waarden where gebied_niveau = 'wijk'"
            ).fetchone()[0]
        rapporten = len(list((land["rapporten"] / code).glob("WK??????.html")))
        getallen = re.findall(r'<td class="getal">([^<]*)</td>', rij)
        assert getallen[1:] == [str(wijken), str(rapporten)] and wijken == rapporten > 0
        assert "alleen CBS-cijfers" in rij  # no own data: no rode draden of the gemeente's own
    # The map: one layer, every gemeente one feature with its link; boundaries simplified and rounded.
    assert html.count('"link": "') == 3 and 'class="kaart"' in html
    assert not re.search(r"\d\.\d{6,}", html.split("<body>", 1)[1]), "coordinates must be rounded to 5 decimals"


def test_each_gemeente_database_gives_the_same_page_as_the_national_one(land, tmp_path):
    uit_landelijk = schrijf_landelijke_index([land["landelijk"]], land["rapporten"]).read_text(encoding="utf-8")
    uit_gemeenten = schrijf_landelijke_index(list(land["dbs"].values()), land["rapporten"]).read_text(encoding="utf-8")

    # the same table and the same map features (folium names its map elements at random)
    tabel = re.compile(r'<section id="gemeentenlijst".*?</section>', flags=re.S)
    assert tabel.search(uit_gemeenten).group(0) == tabel.search(uit_landelijk).group(0)
    kenmerken = re.compile(r'"properties": \{[^}]*\}')
    assert kenmerken.findall(uit_gemeenten) == kenmerken.findall(uit_landelijk) and len(kenmerken.findall(uit_landelijk)) == 3


def test_recurring_rode_draden_show_for_a_gemeente_with_its_own_data(demo_volledig, land, tmp_path):
    rapporten = tmp_path / "rapporten"
    shutil.copytree(land["rapporten"], rapporten, ignore=shutil.ignore_patterns("index.html"))
    publish_reports(demo_volledig, rapporten / "GM0344")
    with duckdb.connect(str(demo_volledig), read_only=True) as con:
        verwacht = con.execute(
            """select thema_label, count(*) from pub.rode_draden where status = 'rode draad'
               group by all having count(*) >= ? order by 2 desc, 1""",
            [MIN_WIJKEN],
        ).fetchall()

    pagina = schrijf_landelijke_index([land["landelijk"], demo_volledig], rapporten)

    rijen = _rijen(pagina)
    assert len(rijen) == 4
    utrecht = next(r for r in rijen if "<td>GM0344</td>" in r)
    assert '<a href="GM0344/index.html">Utrecht</a>' in utrecht
    assert verwacht, "the demo's own data gives rode draden in several wijken"
    genoemd = re.findall(r"<li>([^<]+) \((\d+) wijken\)</li>", utrecht)
    assert genoemd == [(label, str(n)) for label, n in verwacht][:5]
    # Utrecht's boundaries in the demo are buurten and wijken only: it is in the table, not on the map.
    assert pagina.read_text(encoding="utf-8").count('"link": "') == 3
    assert "1 gemeente staat niet op de kaart" in " ".join(pagina.read_text(encoding="utf-8").split())


def test_without_gemeente_boundaries_there_is_no_map(demo_db, tmp_path):
    publish_reports(demo_db, tmp_path / "GM0344")

    html = schrijf_landelijke_index([demo_db], tmp_path).read_text(encoding="utf-8")

    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == 1
    assert 'class="kaart"' not in html and "L.map(" not in html and "folium" not in html.split("<body>", 1)[1]
    assert "alleen CBS-cijfers" in html  # demo_db holds CBS figures only


def test_a_gemeente_without_reports_is_listed_without_a_link(land, tmp_path):
    rapporten = tmp_path / "rapporten"
    zonder, *met = land["codes"]
    for code in met:
        shutil.copytree(land["rapporten"] / code, rapporten / code)

    html = schrijf_landelijke_index([land["landelijk"]], rapporten).read_text(encoding="utf-8")

    rij = next(r for r in re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, flags=re.S) if f"<td>{zonder}</td>" in r)
    assert "<a " not in rij and "geen wijkprofielen" in rij
    assert html.count('"link": ""') == 1


@pytest.mark.parametrize(
    ("rapporten", "wortel"),
    [("out/rapporten/{gemeente}", "out/rapporten"), ("out/{gemeente}/rapporten", "out"),
     ("out/rapporten/wp-{gemeente}", "out/rapporten"), ("out/rapporten", "out/rapporten"), ("{gemeente}", ".")],
)
def test_the_page_goes_above_the_first_folder_that_names_the_gemeente(rapporten, wortel):
    assert rapporten_wortel(rapporten) == Path(wortel)


def test_links_follow_a_gemeente_folder_deeper_in_the_path(land, tmp_path):
    for code in land["codes"]:
        shutil.copytree(land["rapporten"] / code, tmp_path / code / "rapporten")

    pagina = schrijf_landelijke_index([land["landelijk"]], str(tmp_path / "{gemeente}" / "rapporten"))

    links = re.findall(r'<a href="([^"]+)">', pagina.read_text(encoding="utf-8"))
    assert pagina == tmp_path / "index.html"
    assert sorted(links) == [f"{code}/rapporten/index.html" for code in land["codes"]]


def test_no_database_is_a_clear_error(tmp_path):
    with pytest.raises(WijkprofielError, match="no database"):
        schrijf_landelijke_index([], tmp_path)


def test_the_cli_writes_the_front_page_from_a_national_database(land, tmp_path, monkeypatch, capsys):
    from wijkprofiel.cli import main

    rapporten = tmp_path / "rapporten"
    shutil.copytree(land["rapporten"], rapporten, ignore=shutil.ignore_patterns("index.html"))
    monkeypatch.setattr(
        sys, "argv", ["wijkprofiel", "publish", "landelijk", "--db", str(land["landelijk"]), "--out", str(rapporten)]
    )
    main()

    assert capsys.readouterr().out.strip() == str(rapporten / "index.html")
    assert len(_rijen(rapporten / "index.html")) == 3


@pytest.mark.browser
def test_the_front_page_opens_offline_with_a_map_that_links_each_gemeente(browser, land):
    pagina = schrijf_landelijke_index([land["landelijk"]], land["rapporten"])

    visit = browser.open_offline(pagina)
    shot = browser.screenshot(ARTIFACTS / "landelijk-index.png")

    assert visit.console_errors == [] and visit.failed_requests == [] and visit.outside_requests == []
    assert browser.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") == 3
    links = browser.evaluate("[...document.querySelectorAll('#gemeentenlijst tbody a')].map(a => a.href)")
    assert len(links) == 3 and all(Path(link.removeprefix("file://")).is_file() for link in links)
    assert shot.stat().st_size > 20_000


@pytest.mark.browser
def test_source_names_stay_text_in_the_table_and_the_map(browser, land, tmp_path):
    """A name in the data is never markup: not in the table (Jinja escapes) nor in the map's tooltips (innerHTML)."""
    db = tmp_path / "landelijk.duckdb"
    shutil.copy(land["landelijk"], db)
    code = land["codes"][0]
    naam = "<img src=x onerror=\"document.title='lek'\">`${document.title='lek'}`\\"
    with duckdb.connect(str(db)) as con:
        con.execute("update pub.indicator_waarden set gebied_naam = ? where gebied_code = ?", [naam, code])
    rapporten = tmp_path / "rapporten"
    shutil.copytree(land["rapporten"], rapporten, ignore=shutil.ignore_patterns("index.html"))

    visit = browser.open_offline(schrijf_landelijke_index([db], rapporten))

    assert visit.console_errors == [] and visit.failed_requests == []
    assert browser.evaluate("document.title") != "lek"
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert naam in browser.evaluate("document.querySelector('#gemeentenlijst tbody').textContent")
    # open the tooltip of that gemeente: its text is the name, as text
    tooltip = browser.evaluate(
        "(() => { const laag = window[Object.keys(window).find(k => /^geo_json_[0-9a-f]+$/.test(k))]; let t = '';"
        f" laag.eachLayer(l => {{ if (l.feature.properties.code === '{code}') {{ l.fire('mouseover', {{latlng: l.getBounds().getCenter()}}, true);"
        " t = document.querySelector('.leaflet-tooltip').textContent; } }); return t; })()"
    )
    assert naam in tooltip


def test_the_national_database_is_the_same_when_gemeenten_are_attached_one_batch_at_a_time(land, tmp_path, monkeypatch):
    # Batches bound the memory of a national run (342 files attached at once held ~5 GB); they must not change it.
    monkeypatch.setattr(national, "GEMEENTEN_PER_BATCH", 1)
    per_stuk = bouw_landelijk(land["dbs"], tmp_path / "landelijk.duckdb")
    con = duckdb.connect()
    con.execute(f"attach '{land['landelijk']}' as a (read_only)")
    con.execute(f"attach '{per_stuk}' as b (read_only)")
    tabellen = "select schema_name, table_name, comment from duckdb_tables() where database_name = ? order by all"
    assert con.execute(tabellen, ["a"]).fetchall() == con.execute(tabellen, ["b"]).fetchall()
    for schema, tabel, _ in con.execute(tabellen, ["a"]).fetchall():
        kolommen = ("select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ? "
                    "and table_name = ? order by column_index")
        assert con.execute(kolommen, ["a", schema, tabel]).fetchall() == con.execute(kolommen, ["b", schema, tabel]).fetchall()
        for x, y in (("a", "b"), ("b", "a")):
            verschil = f"select count(*) from (from {x}.{schema}.{tabel} except all from {y}.{schema}.{tabel})"
            assert con.execute(verschil).fetchone() == (0,), tabel

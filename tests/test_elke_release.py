"""Any release, any gemeente (issue 13, item 1): the indicators follow the loaded release, the map falls back
along the catalogue's KAART_VOLGORDE and says so, names come from whatever the release or the boundaries carry,
and alphanumeric wijk codes (Amsterdam's WK0363AA) work from ingest to the published links.

Real data: CBS's later KWB 2023 release (43 columns, no age columns, no `regio`) as bundled; the other shapes are
made from the bundled real files by tests/release_varianten.py.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb
import pytest
from conftest import BUURTEN_2024, GEMEENTE, KWB_2023_LATER, WIJKEN_2024
from release_varianten import ALFANUMERIEK_GEMEENTE, ALFANUMERIEKE_WIJKEN, alfanumerieke_gemeente, latere_release

from wijkprofiel.db import connect, create_sql_functions
from wijkprofiel.ingest.cbs import ingest_cbs_file
from wijkprofiel.ingest.grenzen import ingest_grenzen_file
from wijkprofiel.ingest.koppeltabel import ingest_koppeltabel
from wijkprofiel.ingest.rodedraden import ingest_bron
from wijkprofiel.publish import publish_reports
from wijkprofiel.reference.areas import is_geldige_code, uit_koppeltabel
from wijkprofiel.reference.catalogue import indicator
from wijkprofiel.transform.build import build_marts

UTRECHT_WIJKEN = [f"WK0344{n:02d}" for n in range(1, 11)]
ZONDER_65 = "Kaart toont aandeel eenpersoonshuishoudens; aandeel inwoners van 65 jaar of ouder ontbreekt in deze CBS-release."


def _bouw(db: Path, cbs: list[tuple[Path, int]], grenzen: list[Path] = (), gemeente: str = GEMEENTE) -> Path:
    for pad, jaar in cbs:
        ingest_cbs_file(db, pad, gemeente, jaar)
    for pad in grenzen:
        ingest_grenzen_file(db, pad, gemeente, 2024)
    build_marts(db)
    return db


def _meldingen(html: str) -> list[str]:
    return re.findall(r'<p class="melding">([^<]*)</p>', html)


def _namen(db: Path, codes: list[str]) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rijen = con.execute(
            "select distinct gebied_code, gebied_naam from pub.indicator_waarden where list_contains(?, gebied_code)", [codes]
        ).fetchall()
    return dict(rijen)


# ------------------------------------------------------------------------------------------ the map's indicator


def test_kaartvolgorde_noemt_cbs_indicatoren_van_de_catalogus_en_begint_bij_de_standaard():
    from wijkprofiel.config import Config
    from wijkprofiel.publish import STANDAARD_INDICATOR
    from wijkprofiel.reference.catalogue import KAART_VOLGORDE

    assert KAART_VOLGORDE[0] == STANDAARD_INDICATOR == Config.model_fields["indicator"].default
    assert len(set(KAART_VOLGORDE)) == len(KAART_VOLGORDE)
    assert all(indicator(k) is not None and indicator(k).bron == "cbs" for k in KAART_VOLGORDE)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "indicatoren.md").read_text(encoding="utf-8")
    assert ", ".join(f"`{k}`" for k in KAART_VOLGORDE) in doc


def _tekst(html: str) -> str:
    """The page's text without its tags (the map's caption names the chosen indicator in a <span>)."""
    return re.sub(r"<[^>]+>", "", html)


def test_latere_release_zonder_leeftijdskolommen_publiceert_met_de_volgende_kaartindicator(tmp_path):
    """The issue's failure: every publish stopped at `unknown indicator 'aandeel_65_plus'`."""
    db = _bouw(tmp_path / "wp.duckdb", [(KWB_2023_LATER, 2023)], [BUURTEN_2024, WIJKEN_2024])

    result = publish_reports(db, tmp_path / "rapporten")

    assert sorted(result.rapporten) == UTRECHT_WIJKEN
    assert result.mislukt == {}
    assert result.kaart_meldingen == {GEMEENTE: ZONDER_65}
    index = (tmp_path / "rapporten" / "index.html").read_text(encoding="utf-8")
    assert ZONDER_65 in _meldingen(index)
    assert "De wijken gekleurd naar aandeel eenpersoonshuishoudens (2023)" in _tekst(index)  # the map's caption
    wijk = (tmp_path / "rapporten" / "WK034403.html").read_text(encoding="utf-8")
    assert ZONDER_65 in _meldingen(wijk)
    assert "De buurten van Wijk 03 Overvecht gekleurd naar aandeel eenpersoonshuishoudens (2023)" in _tekst(wijk)
    # the age figures are absent, so are their key-figure rows, trends and map layers; the care figures are there
    assert "Inwoners 65 jaar of ouder" not in wijk and 'id="trend-aandeel_65_plus"' not in wijk
    assert "Wmo-cliënten per 1 000 inwoners" in wijk


def test_een_gekozen_indicator_die_ontbreekt_geeft_een_waarschuwing_en_de_terugval(tmp_path, caplog):
    db = _bouw(tmp_path / "wp.duckdb", [(KWB_2023_LATER, 2023)], [BUURTEN_2024])

    with caplog.at_level(logging.WARNING, logger="wijkprofiel.publish"):
        result = publish_reports(db, tmp_path / "rapporten", indicator="aandeel_0_14")
        onbekend = publish_reports(db, tmp_path / "rapporten2", indicator="bestaat_niet")

    assert result.mislukt == {} and len(result.rapporten) == 10
    assert result.kaart_meldingen == {
        GEMEENTE: "Kaart toont aandeel eenpersoonshuishoudens; aandeel inwoners van 0 tot 15 jaar ontbreekt in deze CBS-release."
    }
    assert onbekend.kaart_meldingen == {
        GEMEENTE: "Kaart toont aandeel eenpersoonshuishoudens; de gekozen indicator 'bestaat_niet' bestaat niet."
    }
    assert [r.levelname for r in caplog.records if "instead of aandeel_0_14" in r.getMessage()] == ["WARNING"]


def test_run_met_een_indicator_die_de_release_mist_publiceert_en_meldt_de_terugval(prefect_harness, tmp_path):
    """The configured indicator (here: through the flow's parameter, as `wijkprofiel run` passes cfg.indicator)
    is missing in the release: the run publishes every wijk and its summary says what the map shows instead."""
    from prefect.artifacts import Artifact

    from flows.wijkprofiel import BronBestand, wijkprofiel

    published = wijkprofiel(
        gemeenten=[GEMEENTE],
        db_path=str(tmp_path / "wp.duckdb"),
        out_dir=str(tmp_path / "rapporten"),
        cbs_bestanden=[BronBestand(pad=str(KWB_2023_LATER), jaar=2023)],
        indicator="aandeel_0_14",
    )

    assert sorted(published["rapporten"]) == UTRECHT_WIJKEN and published["mislukt"] == {}
    assert list(published["kaart_meldingen"]) == [GEMEENTE]
    markdown = Artifact.get("wijkprofiel-run").data
    assert "- kaart: Kaart toont aandeel eenpersoonshuishoudens; aandeel inwoners van 0 tot 15 jaar ontbreekt" in markdown


def test_een_indicator_zonder_gepubliceerd_cijfer_in_het_peiljaar_valt_ook_terug(tmp_path):
    # The early 2024 release has the Wmo column, but CBS had not filled it in yet ('.' everywhere).
    from conftest import KWB_2024

    db = _bouw(tmp_path / "wp.duckdb", [(KWB_2024, 2024)])

    result = publish_reports(db, tmp_path / "rapporten", indicator="wmo_clienten_per_1000")

    assert result.kaart_meldingen == {
        GEMEENTE: "Kaart toont aandeel inwoners van 65 jaar of ouder; "
        "voor Wmo-cliënten per 1 000 inwoners zijn over 2024 geen cijfers gepubliceerd."
    }


# ------------------------------------------------------------------------------------------------------ names


def test_namen_uit_gm_naam_wk_naam_en_bu_naam_zonder_regio(tmp_path):
    release = latere_release(tmp_path, namen_per_niveau=True)
    db = _bouw(tmp_path / "wp.duckdb", [(release, 2024)])

    assert _namen(db, ["GM0344", "WK034401", "BU03440111"]) == {
        "GM0344": "Utrecht", "WK034401": "Wijk 01 West", "BU03440111": "Welgelegen, Den Hommel",
    }
    publish_reports(db, tmp_path / "rapporten")
    html = (tmp_path / "rapporten" / "WK034401.html").read_text(encoding="utf-8")
    assert "<h1>Wijkprofiel Wijk 01 West</h1>" in html and "Gemeente Utrecht · peiljaar 2024" in html
    assert "GM0344 (GM0344)" not in html and "Gemeente GM0344" not in html


def test_release_zonder_namen_neemt_de_gemeente_uit_gm_naam_en_de_wijken_uit_de_grenzen(tmp_path):
    db = _bouw(tmp_path / "wp.duckdb", [(KWB_2023_LATER, 2023)], [WIJKEN_2024])

    assert _namen(db, ["GM0344", "WK034401"]) == {"GM0344": "Utrecht", "WK034401": "Wijk 01 West"}


# ---------------------------------------------------------------------------------------- alphanumeric codes


@pytest.mark.parametrize(
    ("macro", "invoer", "verwacht"),
    [
        ("wp_wijkcode", "0363AA", "WK0363AA"),
        ("wp_wijkcode", "363aa", "WK0363AA"),
        ("wp_wijkcode", "wk0363aa", "WK0363AA"),
        ("wp_wijkcode", "34401", "WK034401"),
        ("wp_buurtcode", "0363AA01", "BU0363AA01"),
        ("wp_buurtcode", "3440311", "BU03440311"),
        ("wp_gemeentecode", "363", "GM0363"),
        ("wp_gemeentecode", "GM0363", "GM0363"),
    ],
)
def test_codemacros_lezen_kale_alfanumerieke_codes(tmp_path, macro, invoer, verwacht):
    con = connect(tmp_path / "m.duckdb")
    create_sql_functions(con)
    assert con.execute(f"select {macro}(?)", [invoer]).fetchone()[0] == verwacht
    con.close()


def test_geldige_codes_hebben_vier_cijfers_voor_de_gemeente():
    assert is_geldige_code("WK0363AA") and is_geldige_code("BU0363AA01") and is_geldige_code("BU03440111")
    assert not is_geldige_code("WK000FOO")  # a name padded to a code: the gemeente part must be digits
    assert not is_geldige_code("GM03AB") and not is_geldige_code("WK0363A")
    assert uit_koppeltabel("363AA", "WK") == "WK0363AA"


def test_koppeltabel_met_voorvoegsels_en_alfanumerieke_codes(tmp_path):
    pad = tmp_path / "pc6.csv"
    pad.write_text(
        "PC6;Buurt2023;Wijk2023;Gemeente2023\n1011AB;BU0363AA01;WK0363AA;GM0363\n1011AC;0363AB02;0363AB;363\n"
        "1011AD;;0363AB;363\n"  # no buurt: quarantined, not loaded as BU00000000
    )
    db = tmp_path / "wp.duckdb"

    result = ingest_koppeltabel(db, pad)

    with duckdb.connect(str(db), read_only=True) as con:
        rijen = con.execute("select pc6, buurtcode, wijkcode, gemeentecode from raw.cbs_koppeltabel order by pc6").fetchall()
        quarantaine = con.execute("select kolom, waarde_gemaskeerd from meta.quarantine").fetchall()
    assert rijen == [("1011AB", "BU0363AA01", "WK0363AA", "GM0363"), ("1011AC", "BU0363AB02", "WK0363AB", "GM0363")]
    assert (result.rows_in, result.loaded, result.quarantined) == (3, 2, 1)
    assert quarantaine == [("buurtcode", None)]


def test_alfanumerieke_wijkcodes_van_ingest_tot_gepubliceerde_links(tmp_path):
    """A SYNTHETIC gemeente with Amsterdam-style codes: release, boundaries, postcode table (bare codes) and
    signalen by bare wijkcode, built and published: a report per wijk, and every link of every page resolves."""
    bestanden = alfanumerieke_gemeente(tmp_path)
    db = tmp_path / "wp.duckdb"
    ingest_koppeltabel(db, bestanden["koppeltabel"], ALFANUMERIEK_GEMEENTE)
    signalen = tmp_path / "signalen.csv"
    signalen.write_text(
        "bron,periode,wijkcode,buurtcode,thema,aantal,toelichting,publiceerbaar\n"
        "huisarts,2024-K3,9963AB,,eenzaamheid,3,,ja\n"
        "huisarts,2024-K3,,9963BC05,eenzaamheid,2,,ja\n",
        encoding="utf-8",
    )
    geladen = ingest_bron(db, "signalen", signalen, gemeente=ALFANUMERIEK_GEMEENTE)
    _bouw(db, [(bestanden["cbs"], 2024)], [bestanden["grenzen"]], gemeente=ALFANUMERIEK_GEMEENTE)

    out = tmp_path / "rapporten"
    result = publish_reports(db, out)

    wijken = sorted(ALFANUMERIEKE_WIJKEN.values())
    assert (geladen.loaded, geladen.quarantined) == (2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select wijkcode from raw.signalen order by bron_rij").fetchall() == [("WK9963AB",), ("WK9963BC",)]
        koppel = con.execute("select count(*), count(*) filter (where buurtcode like 'BU9963__%') from raw.cbs_koppeltabel").fetchone()
    assert koppel[0] > 0 and koppel[0] == koppel[1]
    assert sorted(result.rapporten) == wijken and result.mislukt == {}
    assert _namen(db, [ALFANUMERIEK_GEMEENTE, "WK9963AA"]) == {
        ALFANUMERIEK_GEMEENTE: "SYNTHETISCH Amstelstad", "WK9963AA": "SYNTHETISCH Wijk 01 West",
    }
    paginas = ["index.html"] + [f"{w}.html" for w in wijken]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert [f'href="{w}.html"' in index for w in wijken] == [True] * 3
    for pagina in paginas:
        html = (out / pagina).read_text(encoding="utf-8")
        links = {h for h in re.findall(r'href="([^"#]+)"', html) if not re.match(r"[a-z]+:", h)}
        assert links, pagina
        assert [h for h in links if not (out / h).is_file()] == [], pagina
    wijk = (out / "WK9963AB.html").read_text(encoding="utf-8")
    assert "leaflet" in wijk and "BU9963AB" in wijk  # the buurt map of the wijk

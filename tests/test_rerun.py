"""An unchanged rerun is cheap (issue 12, item 3): a build skips the models whose fingerprint (SQL, macros, what they
read) is unchanged and rebuilds exactly what lies downstream of a change; an export already loaded is not read
again; an unchanged set of reports stays in place. Skipping never changes a result."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from wijkprofiel.db import connect
from wijkprofiel.pipeline.summary import run_samenvatting
from wijkprofiel.publish import STEMPEL, publish_reports
from wijkprofiel.transform import fingerprints, graph
from wijkprofiel.transform.build import build_graph, build_marts


def _kopie(db: Path, tmp_path: Path, naam: str = "wijkprofiel.duckdb") -> Path:
    doel = tmp_path / naam
    shutil.copy(db, doel)
    return doel


def _schrijf(db: Path, sql: str) -> None:
    con = connect(db)
    try:
        con.execute(sql)
    finally:
        con.close()


def _stroomafwaarts_van_tabel(tabel: str) -> list[str]:
    """Every model that reads `tabel`, and everything downstream of those, in build order (the graph's own select)."""
    modellen = build_graph()
    lezers = [f"{node.name}+" for node in modellen if tabel in node.reads]
    assert lezers, f"no model reads {tabel}"
    return [node.name for node in graph.select(modellen, lezers)]


def test_an_unchanged_rebuild_rebuilds_nothing_and_force_rebuilds_everything(demo_volledig, tmp_path):
    db = _kopie(demo_volledig, tmp_path)
    alle = [node.name for node in build_graph()]

    bouw = build_marts(db)
    assert bouw.gebouwd == []
    assert sorted(bouw.overgeslagen) == sorted(alle)

    bouw = build_marts(db, force=True)
    assert bouw.gebouwd == alle and bouw.overgeslagen == []


def test_a_changed_input_rebuilds_exactly_the_models_downstream_of_it(demo_volledig, tmp_path):
    db = _kopie(demo_volledig, tmp_path)
    verwacht = _stroomafwaarts_van_tabel("raw.besprekingen")
    # An edit in place (no new load): the table's contents are its fingerprint, not only meta.loads.
    _schrijf(db, "update raw.besprekingen set actie = 'een andere afspraak' where rowid = (select min(rowid) from raw.besprekingen)")

    bouw = build_marts(db)
    assert bouw.gebouwd == verwacht
    assert "marts.indicator_waarden" in bouw.overgeslagen
    assert set(bouw.gebouwd) | set(bouw.overgeslagen) == {node.name for node in build_graph()}
    assert build_marts(db).gebouwd == []


def test_a_new_load_rebuilds_what_reads_the_table_it_went_into_and_meta_loads(demo_volledig, tmp_path):
    db = _kopie(demo_volledig, tmp_path)
    verwacht = set(_stroomafwaarts_van_tabel("raw.cbs_grenzen")) | set(_stroomafwaarts_van_tabel("meta.loads"))
    _schrijf(db, """insert into meta.loads (bron, bestand, sha256, gemeente, jaar, via, rows_in, loaded, quarantined)
                    values ('grenzen', 'extra.geojson', 'sha-extra', 'GM0344', 2023, 'bestand', 1, 1, 0);
                    insert into raw.cbs_grenzen by name
                    select (select max(load_id) from meta.loads) as load_id, 2023 as jaar, niveau, gebied_code,
                           gebied_naam, geometrie
                    from raw.cbs_grenzen where niveau = 'wijk' limit 1""")
    bouw = build_marts(db)
    assert set(bouw.gebouwd) == verwacht
    assert bouw.overgeslagen  # the beschikking and casuïstiek counts did not move


def test_a_changed_sql_file_rebuilds_that_model_and_its_dependants(demo_volledig, tmp_path, monkeypatch):
    db = _kopie(demo_volledig, tmp_path)
    sql = tmp_path / "sql"
    shutil.copytree(graph.sql_dir(), sql)
    model = sql / "marts" / "laatste_bespreking.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- a comment: the text changed, so the model is rebuilt\n",
                     encoding="utf-8")
    monkeypatch.setattr(graph, "sql_dir", lambda: sql)

    bouw = build_marts(db)
    assert bouw.gebouwd == [node.name for node in graph.select(build_graph(), ["marts.laatste_bespreking+"])]
    assert bouw.gebouwd[0] == "marts.laatste_bespreking" and len(bouw.gebouwd) < len(build_graph())


def test_a_missing_relation_is_rebuilt_even_when_its_inputs_did_not_change(demo_volledig, tmp_path):
    db = _kopie(demo_volledig, tmp_path)
    _schrijf(db, "drop view pub.besprekingen")
    assert build_marts(db).gebouwd == ["pub.besprekingen"]


def _relaties(con, catalogus: str) -> list[str]:
    return [n for (n,) in con.execute(
        f"""select schema_name || '.' || table_name from duckdb_tables()
            where database_name = '{catalogus}' and schema_name in ('marts', 'pub')
            union all select schema_name || '.' || view_name from duckdb_views()
            where database_name = '{catalogus}' and schema_name = 'pub' order by 1"""
    ).fetchall()]


def test_the_marts_are_the_same_with_and_without_skipping(demo_volledig, tmp_path):
    """The same change in two copies, one built with skipping and one with every model rebuilt: every marts table
    and pub relation holds the same rows (EXCEPT ALL both ways)."""
    overslaan, alles = _kopie(demo_volledig, tmp_path, "a.duckdb"), _kopie(demo_volledig, tmp_path, "b.duckdb")
    wijziging = "update raw.kansen set naam = naam || ' (bijgewerkt)' where rowid % 3 = 0"
    for db in (overslaan, alles):
        _schrijf(db, wijziging)
    assert build_marts(overslaan).overgeslagen
    assert build_marts(alles, force=True).overgeslagen == []

    con = duckdb.connect(str(overslaan), read_only=True)
    try:
        con.execute(f"attach '{alles}' as b (read_only)")
        namen = _relaties(con, "a")
        assert namen == _relaties(con, "b") and "marts.indicator_waarden" in namen
        for naam in namen:
            verschil = con.execute(
                f"select count(*) from ((from a.{naam} except all from b.{naam}) union all (from b.{naam} except all from a.{naam}))"
            ).fetchone()[0]
            assert verschil == 0, naam
    finally:
        con.close()


def test_an_unchanged_set_of_reports_stays_and_a_touched_one_is_written_again(demo_db, tmp_path):
    db = _kopie(demo_db, tmp_path)
    uit = tmp_path / "rapporten"
    herkomst = fingerprints.herkomst(db)
    eerste = publish_reports(db, uit, herkomst=herkomst, hergebruik=True)
    assert not eerste.ongewijzigd and (uit / STEMPEL).is_file()
    rapport = next(iter(eerste.rapporten.values()))
    gezet = rapport.stat().st_mtime_ns

    tweede = publish_reports(db, uit, herkomst=herkomst, hergebruik=True)
    assert tweede.ongewijzigd and tweede.rapporten == eerste.rapporten and tweede.index == eerste.index
    assert rapport.stat().st_mtime_ns == gezet

    rapport.write_text("aangepast", encoding="utf-8")
    derde = publish_reports(db, uit, herkomst=herkomst, hergebruik=True)
    assert not derde.ongewijzigd and rapport.read_text(encoding="utf-8") != "aangepast"

    # Another option, or publishing without hergebruik (`wijkprofiel publish`), writes the set again.
    assert not publish_reports(db, uit, herkomst=herkomst, hergebruik=True, indicator="bevolkingsdichtheid").ongewijzigd
    assert not publish_reports(db, uit, herkomst=herkomst, indicator="bevolkingsdichtheid").ongewijzigd
    assert publish_reports(db, uit, herkomst=herkomst, hergebruik=True, indicator="bevolkingsdichtheid").ongewijzigd


def test_a_changed_pub_model_writes_the_reports_again(demo_db, tmp_path):
    """What the pipeline does: build, then publish with what the pub models were built from."""
    from wijkprofiel.pipeline.tasks import publish_reports as publiceer

    db = _kopie(demo_db, tmp_path)
    uit = str(tmp_path / "rapporten")
    assert not publiceer.fn(db, uit, hergebruik=True)["ongewijzigd"]
    assert publiceer.fn(db, uit, hergebruik=True)["ongewijzigd"]
    _schrijf(db, "update raw.cbs_kwb set waarde = '1' where indicator = 'inwoners' and gebied_code like 'WK%'")
    assert build_marts(db).gebouwd
    assert not publiceer.fn(db, uit, hergebruik=True)["ongewijzigd"]


def test_an_export_already_loaded_is_not_read_again(demo_volledig, tmp_path, monkeypatch):
    from wijkprofiel.ingest import private
    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.pseudonymise import DEMO_SLEUTEL

    db = _kopie(demo_volledig, tmp_path)
    export = sorted((demo_volledig.parent / "synthetisch").glob("*beschikkingen*.csv"))[0]

    def gelezen(*args, **kwargs):
        raise AssertionError("the export was read")

    monkeypatch.setattr(private, "lees_invoer", gelezen)
    result = ingest_beschikkingen(db, export, sleutel=DEMO_SLEUTEL)
    assert result.duplicate and result.rows_in == result.loaded + result.quarantined > 0
    ander = tmp_path / "ander.csv"
    ander.write_bytes(export.read_bytes() + b"\n")  # other content: read and checked as every new file is
    with pytest.raises(AssertionError, match="the export was read"):
        ingest_beschikkingen(db, ander, sleutel=DEMO_SLEUTEL)


def test_the_run_summary_says_how_many_models_were_rebuilt_and_skipped(demo_db):
    published = {"rapporten": {}, "mislukt": {}, "index": [], "ongewijzigd": True}
    tekst = run_samenvatting(demo_db, "GM0344", [], published, {"gebouwd": ["pub.bronnen"], "overgeslagen": ["a", "b"]})
    assert "- opnieuw gebouwd: 1" in tekst and "- overgeslagen (invoer, SQL en macro's ongewijzigd): 2" in tekst
    assert "- ongewijzigd: gemaakt uit dezelfde pub-modellen en opties" in tekst
    assert "De bouw is niet voltooid" in run_samenvatting(demo_db, "GM0344", [], published, None)

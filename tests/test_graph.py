"""The build graph (transform/graph.py): SQL and Python models as nodes, dependencies from DuckDB's parser,
mistakes refused before anything runs, and a build of a selection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from modeltest import rijen

from wijkprofiel.db import connect
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.transform.build import build_graph, build_marts
from wijkprofiel.transform.graph import SqlModel, select, sorted_graph, sql_nodes


def _model(fqn: str, sql: str) -> SqlModel:
    layer, name = fqn.split(".")
    return SqlModel(layer, name, Path(f"{name}.sql"), sql)


def _namen(*modellen: SqlModel) -> list[str]:
    return [n.name for n in sorted_graph(sql_nodes(list(modellen)))]


def test_dependencies_come_from_the_parser_not_from_names_in_text():
    a = _model("marts.a", "select 'marts.b' as naam, x from intermediate.c /* marts.b */")
    b = _model("marts.b", "select * from marts.a")
    c = _model("intermediate.c", "with staging as (select 1 as x) select x from staging")
    assert sql_nodes([a])[0].reads == {"intermediate.c"}
    assert _namen(b, a, c) == ["intermediate.c", "marts.a", "marts.b"]


def test_a_reference_to_a_model_that_does_not_exist_is_an_error():
    with pytest.raises(WijkprofielError, match=r"a\.sql: reads marts\.bestaat_niet, which no model creates"):
        _namen(_model("marts.a", "select * from marts.bestaat_niet"))


def test_a_model_may_not_read_a_later_layer():
    with pytest.raises(WijkprofielError, match=r"a marts model may not read the later layer pub \(pub\.p\)"):
        _namen(_model("marts.a", "select * from pub.p"), _model("pub.p", "select 1 as x"))


def test_a_pivot_declares_what_it_reads():
    with pytest.raises(WijkprofielError, match="declare them in a header line '-- reads: schema.table"):
        sql_nodes([_model("marts.breed", "pivot marts.lang on indicator using first(waarde)")])
    breed = _model("marts.breed", "-- reads: marts.lang\npivot marts.lang on indicator using first(waarde)")
    assert sql_nodes([breed])[0].reads == {"marts.lang"}


def test_two_models_creating_one_relation_is_an_error():
    graph = build_graph()
    dubbel = sql_nodes([_model("marts.indicator_waarden", "select 1 as x")])
    with pytest.raises(WijkprofielError, match="marts.indicator_waarden is created by both"):
        sorted_graph(graph + dubbel)


def test_selection_downstream_upstream_and_alone():
    graph = build_graph()
    assert [n.name for n in select(graph, ["marts.rode_draden+"])] == ["marts.rode_draden", "pub.rode_draden"]
    assert [n.name for n in select(graph, ["marts.rode_draden"])] == ["marts.rode_draden"]
    boven = [n.name for n in select(graph, ["+marts.rode_draden"])]
    assert boven[-1] == "marts.rode_draden"
    assert {"marts.openbaarmaking", "marts.rode_draden_bewijs", "marts.indicator_waarden", "staging.cbs_kwb"} <= set(boven)
    assert "pub.rode_draden" not in boven
    # A table that a Python model creates selects that model.
    assert [n.name for n in select(graph, ["marts.wijk_profiel"])] == ["marts.profielen"]
    with pytest.raises(WijkprofielError, match="no model marts.bestaat_niet"):
        select(graph, ["marts.bestaat_niet+"])


def test_build_of_a_selection_rebuilds_only_that_part(demo_db, tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    con = connect(db)
    try:
        voor = rijen(con, "select count(*) from pub.rode_draden")
        con.execute("create or replace table marts.gebied_grenzen as select * from marts.gebied_grenzen limit 1")
    finally:
        con.close()
    assert build_marts(db, select=["marts.rode_draden+"]) == ["marts.rode_draden", "pub.rode_draden"]
    con = connect(db, read_only=True)
    try:
        assert rijen(con, "select count(*) from pub.rode_draden") == voor
        assert rijen(con, "select count(*) from marts.gebied_grenzen") == [(1,)]  # not selected, not rebuilt
    finally:
        con.close()


def test_build_select_on_the_command_line(demo_db, tmp_path):
    from test_cli import run_cli

    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    ok = run_cli("build", "--db", db, "--select", "marts.rode_draden+", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    zonder_witruimte = lambda t: "".join(t.split())  # noqa: E731 - rich wraps long lines at 80 columns
    assert zonder_witruimte(f"built 2 models in {db}: marts.rode_draden, pub.rode_draden") in zonder_witruimte(ok.stdout + ok.stderr)
    fout = run_cli("build", "--db", db, "--select", "marts.bestaat_niet", cwd=tmp_path)
    assert fout.returncode != 0
    assert fout.stderr.strip().startswith("error: --select marts.bestaat_niet: no model marts.bestaat_niet")
    assert "Traceback" not in fout.stderr

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
from wijkprofiel.transform.graph import SqlModel, discover_models, run_models, select, sorted_graph, sql_nodes


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


def test_in_dependency_order_zet_model_na_wat_het_gebruikt():
    modellen = [
        _model("marts.a", "select * from marts.b join intermediate.c using (x)"),
        _model("marts.b", "select * from intermediate.c -- not marts.a: comments do not count"),
        _model("intermediate.c", "select * from staging.d"),
        _model("staging.d", "select * from raw.cbs_kwb"),  # raw is not a model
        _model("pub.e", "select * from marts.a"),
    ]
    assert _namen(*modellen) == [
        "staging.d", "intermediate.c", "marts.b", "marts.a", "pub.e"
    ]  # fmt: skip


def test_in_dependency_order_weigert_een_kring():
    with pytest.raises(WijkprofielError, match="cycle"):
        _namen(_model("marts.a", "select * from marts.b"), _model("marts.b", "select * from marts.a"))


def test_a_reference_to_a_model_that_does_not_exist_is_an_error():
    with pytest.raises(WijkprofielError, match=r"a\.sql: reads marts\.bestaat_niet, which no model creates"):
        _namen(_model("marts.a", "select * from marts.bestaat_niet"))


def test_a_model_may_not_read_a_later_layer():
    with pytest.raises(WijkprofielError, match=r"a marts model may not read the later layer pub \(pub\.p\)"):
        _namen(_model("marts.a", "select * from pub.p"), _model("pub.p", "select 1 as x"))


def test_the_privacy_boundary_no_mart_rests_on_published_values():
    """Published (rounded, suppressed) values exist only in pub; a mart that reads them is refused."""
    mart = _model("marts.a", "select waarde from pub.openbaarmaking")
    with pytest.raises(WijkprofielError, match=r"a marts model may not read the later layer pub \(pub\.openbaarmaking\)"):
        sorted_graph(build_graph() + sql_nodes([mart]))
    assert [n.name for n in build_graph() if n.name.startswith("marts.") and any(r.startswith("pub.") for r in n.reads)] == []


def test_a_model_is_a_table_or_view_by_its_layer_or_its_header(con):
    assert _model("pub.v", "select 1 as x").materialisation == "view"
    assert _model("pub.t", "-- materialise: table\nselect 1 as x").materialisation == "table"
    assert _model("marts.m", "select 1 as x").materialisation == "table"
    # An earlier build's view of the same name is replaced by the table, and back.
    _model("pub.t", "select 1 as x").create(con)
    _model("pub.t", "-- materialise: table\nselect 2 as x").create(con)
    assert rijen(con, "select table_name, x from duckdb_tables(), pub.t where schema_name = 'pub'") == [("t", 2)]
    _model("pub.t", "select 3 as x").create(con)
    assert rijen(con, "select view_name, x from duckdb_views(), pub.t where schema_name = 'pub'") == [("t", 3)]


def test_a_pass_through_view_takes_the_column_comments_of_its_source(con):
    _model("marts.m", "select 1 as a, 2 as b;\ncomment on column marts.m.a is 'A''s meaning.';\n"
                      "comment on column marts.m.b is 'B.';").create(con)
    _model("pub.p", "-- column comments from: marts.m\nselect a, b, 3 as c from marts.m;\n"
                    "comment on column pub.p.b is 'B as published.';").create(con)
    assert rijen(con, "select column_name, comment from duckdb_columns() where schema_name = 'pub' order by 1") == [
        ("a", "A's meaning."), ("b", "B as published."), ("c", None)]


def test_a_model_a_new_version_no_longer_makes_is_dropped(demo_db, tmp_path):
    db = tmp_path / "wijkprofiel.duckdb"
    shutil.copy(demo_db, db)
    con = connect(db)
    try:  # what an older version left: the rode draden in marts
        con.execute("create table marts.rode_draden as select * from pub.rode_draden")
        con.execute("create view marts.oud as select 1 as x")
    finally:
        con.close()
    build_marts(db, select=["pub.themas"])
    con = connect(db, read_only=True)
    try:
        assert rijen(con, "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'rode_draden'") == [(0,)]
        assert rijen(con, "select count(*) from duckdb_views() where schema_name = 'marts'") == [(0,)]
        assert rijen(con, "select count(*) from pub.rode_draden") != [(0,)]  # what the build makes stays
    finally:
        con.close()


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
    assert [n.name for n in select(graph, ["pub.rode_draden_bewijs+"])] == ["pub.rode_draden_bewijs", "pub.rode_draden"]
    assert [n.name for n in select(graph, ["pub.rode_draden_bewijs"])] == ["pub.rode_draden_bewijs"]
    boven = [n.name for n in select(graph, ["+pub.rode_draden_bewijs"])]
    assert boven[-1] == "pub.rode_draden_bewijs"
    assert {"pub.openbaarmaking", "marts.indicator_waarden", "staging.cbs_kwb"} <= set(boven)
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
    assert build_marts(db, select=["pub.rode_draden_bewijs+"]).gebouwd == ["pub.rode_draden_bewijs", "pub.rode_draden"]
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
    ok = run_cli("build", "--db", db, "--select", "pub.rode_draden_bewijs+", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    zonder_witruimte = lambda t: "".join(t.split())  # noqa: E731 - rich wraps long lines at 80 columns
    assert zonder_witruimte(f"built 2 models in {db}: pub.rode_draden_bewijs, pub.rode_draden") in zonder_witruimte(ok.stdout + ok.stderr)
    fout = run_cli("build", "--db", db, "--select", "marts.bestaat_niet", cwd=tmp_path)
    assert fout.returncode != 0
    assert fout.stderr.strip().startswith("error: --select marts.bestaat_niet: no model marts.bestaat_niet")
    assert "Traceback" not in fout.stderr


# ------------------------------------------------------------------------------------------- the runner: all or nothing


def _sql_map(root: Path, files: dict[str, str]) -> Path:
    for rel, sql in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    return root


def test_run_models_is_atomair_bij_kapotte_sql(con, tmp_path):
    eerst = _sql_map(tmp_path / "v1", {"marts/goed.sql": "select 1 as versie;\ncomment on table marts.goed is 'v1';"})
    assert run_models(con, discover_models(eerst)) == ["marts.goed"]
    assert rijen(con, "select versie from marts.goed") == [(1,)]

    daarna = _sql_map(
        tmp_path / "v2",
        {
            "marts/goed.sql": "select 2 as versie;\ncomment on table marts.goed is 'v2';",
            "marts/nieuw.sql": "select 'nieuw' as x",
            # Refers to both, so it runs after they have been (re)created inside the transaction.
            "marts/kapot.sql": "select versie from marts.goed, marts.nieuw where",
        },
    )
    modellen = discover_models(daarna)
    assert _namen(*modellen)[-1] == "marts.kapot"
    with pytest.raises(WijkprofielError, match=r"marts\.kapot \(kapot\.sql\)"):
        run_models(con, modellen)

    # Nothing of the failed build is left: the earlier table, its comment, and no new tables.
    assert rijen(con, "select versie from marts.goed") == [(1,)]
    assert rijen(con, "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'goed'") == [("v1",)]
    assert rijen(con, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1") == [("goed",)]
    # The connection is usable again (the transaction was rolled back, not left open).
    assert run_models(con, discover_models(eerst)) == ["marts.goed"]


def test_run_models_fout_in_comment_noemt_het_model_en_verandert_niets(con, tmp_path):
    _sql_map(tmp_path / "v1", {"staging/bron.sql": "select 1 as a"})
    run_models(con, discover_models(tmp_path / "v1"))
    _sql_map(tmp_path / "v2", {"staging/bron.sql": "select 2 as a;\ncomment on column staging.bron.bestaat_niet is 'x';"})
    with pytest.raises(WijkprofielError, match=r"staging\.bron"):
        run_models(con, discover_models(tmp_path / "v2"))
    assert rijen(con, "select a from staging.bron") == [(1,)]


def test_run_models_leeg_model_is_een_fout(con, tmp_path):
    _sql_map(tmp_path, {"pub/leeg.sql": "-- only a comment;\n"})
    with pytest.raises(WijkprofielError, match="empty model"):
        run_models(con, discover_models(tmp_path))

"""The data dictionary documents every marts and pub column, from the comments in the database."""

from __future__ import annotations

import duckdb

from wijkprofiel.publish.data_dictionary import data_dictionary


def test_every_marts_and_pub_column_is_in_the_dictionary_with_its_comment(demo_db):
    tekst = data_dictionary(demo_db)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        kolommen = con.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns() where schema_name in ('marts', 'pub')"
        ).fetchall()
    assert len(kolommen) > 100
    for schema, tabel, kolom, comment in kolommen:
        assert f"### {schema}.{tabel} " in tekst
        assert f"| `{kolom}` |" in tekst
    assert "CBS area code as text: GM0344, WK034401, BU03440111." in tekst
    # every marts and pub column carries a comment, so no row of the dictionary is left without a meaning
    zonder = [line for line in tekst.splitlines() if line.startswith("| `") and line.rstrip().endswith("|  |")]
    assert zonder == []
    assert [(s, t, k) for s, t, k, c in kolommen if not (c or "").strip()] == []
    with duckdb.connect(str(demo_db), read_only=True) as con:
        zonder_tabel = con.execute(
            """select schema_name, table_name from duckdb_tables() where schema_name in ('marts', 'pub') and coalesce(trim(comment), '') = ''
               union all
               select schema_name, view_name from duckdb_views() where schema_name in ('marts', 'pub') and coalesce(trim(comment), '') = ''"""
        ).fetchall()
    assert zonder_tabel == []


def test_the_committed_dictionary_lists_the_same_tables_as_the_models_build(demo_db):
    from pathlib import Path

    committed = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    fresh = data_dictionary(demo_db)
    koppen = lambda t: [line for line in t.splitlines() if line.startswith("### ")]  # noqa: E731
    assert koppen(committed) == koppen(fresh), "docs/data-dictionary.md is out of date: run `wijkprofiel docs dictionary`"

"""The national database: every gemeente's marts and pub tables in one read-only DuckDB file.

Layout (argued): one database file per gemeente, because DuckDB has one writer per file, so gemeenten
refresh in parallel without waiting for each other, a broken export of one gemeente never touches another's,
and a gemeente's file is what its own data team opens. For national analysis a *copy* rather than a view
that ATTACHes the gemeente files: DuckDB takes a file lock for every attach, so an analyst with the view
open would block the next refresh of every gemeente (and views over ATTACH need the same ATTACH statements
again in every session). marts and pub hold only aggregated figures, so the copy is small; it is written to
a temporary file and swapped in with os.replace, so readers see the old or the new national state, never a
half-written one. Person-level layers (raw, staging) are never copied.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from wijkprofiel.db import connect, create_sql_functions, sql_tekst
from wijkprofiel.errors import WijkprofielError

log = logging.getLogger(__name__)

SCHEMAS = ("marts", "pub")
#: Gemeente files attached at once while the national database is built (see bouw_landelijk).
GEMEENTEN_PER_BATCH = 40


def bouw_landelijk(db_paths: dict[str, str | Path], doel: str | Path) -> Path:
    """Union by name of each marts/pub table over the gemeente files into `doel`, replaced atomically."""
    if not db_paths:
        raise WijkprofielError("no gemeente databases to combine into the national database")
    doel = Path(doel)
    doel.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = doel.with_name(f".{doel.name}.{os.getpid()}.tmp")
    tijdelijk.unlink(missing_ok=True)
    con = duckdb.connect(str(tijdelijk))
    try:
        gemeenten = sorted(db_paths)
        for gemeente in gemeenten:
            if not Path(pad := db_paths[gemeente]).is_file():
                raise WijkprofielError(f"{pad}: database of {gemeente} not found; was it built?")
        # pub views call the shared SQL macros unqualified; reading them from here resolves them in this file.
        create_sql_functions(con)
        # Every attached file pins some of its blocks: 342 at once held about 5 GB (benchmarks/bench_landelijk.py).
        # So the gemeenten are attached a batch at a time, each batch's union kept in a temporary table (marts and
        # pub are small), and the batches united at the end, in the same order, so the result is the same.
        delen: dict[tuple[str, str], list[str]] = {}
        commentaren: dict[tuple[str, str], str | None] = {}
        for start in range(0, len(gemeenten), GEMEENTEN_PER_BATCH):
            aliassen = {}
            for gemeente in gemeenten[start:start + GEMEENTEN_PER_BATCH]:
                pad = db_paths[gemeente]
                # The same lock wait as every other writer; read-only, so it never changes a gemeente file.
                connect(pad, read_only=True).close()
                alias = f"db_{gemeente.lower()}"
                con.execute(f"attach '{sql_tekst(pad)}' as {alias} (read_only)")
                aliassen[gemeente] = alias
            for (schema, tabel), bronnen in sorted(_tabellen(con, aliassen).items()):
                deel = f"deel_{schema}_{tabel}_{start}"
                union = " union all by name ".join(f"select * from {alias}.{schema}.{tabel}" for alias in bronnen)
                con.execute(f"create temp table {deel} as {union}")
                delen.setdefault((schema, tabel), []).append(deel)
                if (schema, tabel) not in commentaren:
                    commentaren[(schema, tabel)] = _commentaar(con, bronnen[0], schema, tabel)
            for alias in aliassen.values():
                con.execute(f"detach {alias}")
        for schema in SCHEMAS:
            con.execute(f"create schema {schema}")
        for (schema, tabel), tijdelijke in sorted(delen.items()):
            union = " union all by name ".join(f"select * from temp.{deel}" for deel in tijdelijke)
            con.execute(f"create table {schema}.{tabel} as {union}")
            if commentaren[(schema, tabel)]:
                con.execute(f"comment on table {schema}.{tabel} is '{sql_tekst(commentaren[(schema, tabel)])}'")
            for deel in tijdelijke:
                con.execute(f"drop table temp.{deel}")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        tijdelijk.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tijdelijk, doel)
    log.info("national database %s: %d tables from %d gemeenten", doel, len(delen), len(db_paths))
    return doel


def _commentaar(con, alias: str, schema: str, tabel: str) -> str | None:
    """The comment on a table or view of an attached gemeente database."""
    rij = con.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ? "
        "union all select comment from duckdb_views() where database_name = ? and schema_name = ? and view_name = ?",
        [alias, schema, tabel] * 2,
    ).fetchone()
    return rij[0] if rij else None


def _tabellen(con, aliassen: dict[str, str]) -> dict[tuple[str, str], list[str]]:
    """(schema, table) → the attached databases that have it (tables and views of marts and pub). One catalogue
    query for all of them: duckdb_tables() lists every attached database, so a query per database costs the
    square of their number (minutes for 342 gemeenten)."""
    volgorde = {alias: i for i, alias in enumerate(aliassen.values())}
    rows = con.execute(
        f"""select database_name, schema_name, table_name from duckdb_tables() where schema_name in {SCHEMAS}
            union all select database_name, schema_name, view_name from duckdb_views()
            where schema_name in {SCHEMAS} and not internal"""
    ).fetchall()
    gevonden: dict[tuple[str, str], list[str]] = {}
    for alias, schema, tabel in sorted((r for r in rows if r[0] in volgorde), key=lambda r: volgorde[r[0]]):
        gevonden.setdefault((schema, tabel), []).append(alias)
    return gevonden

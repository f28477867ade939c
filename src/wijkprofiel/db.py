"""The DuckDB file: its schemas, connections to it, and the SQL every connection shares.

Layers (DESIGN §4): raw → staging → intermediate → marts → pub, plus meta. `raw` and `meta` are tables that
loaders write (DDL in sql/raw and sql/meta); the other layers are built by transform/ (the model graph).
Every connection, the private in-memory one of a load and the build's, gets the same functions and macros
(`create_sql_functions`).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import duckdb

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import sql_dir
from wijkprofiel.reference.spelling import sleutel

SCHEMAS = ("raw", "staging", "intermediate", "marts", "pub", "meta")
_LOCK_WAIT_SECONDS = 30.0
log = logging.getLogger(__name__)


def sql_tekst(value: object) -> str:
    """A value as the inside of a SQL string literal, for statements that take no parameters (ATTACH, COMMENT ON)."""
    return str(value).replace("'", "''")


def relations(con, schemas: tuple[str, ...]) -> dict[str, str]:
    """The tables and views of `schemas` in the connection's own database: 'schema.name' → 'table' or 'view'."""
    rows = con.execute(
        """select schema_name, table_name, 'table' from duckdb_tables()
           where database_name = current_database() and list_contains(?, schema_name)
           union all
           select schema_name, view_name, 'view' from duckdb_views()
           where database_name = current_database() and list_contains(?, schema_name) and not internal""",
        [list(schemas), list(schemas)],
    ).fetchall()
    return {f"{schema}.{name}": kind for schema, name, kind in rows}


def split_statements(sql: str) -> list[str]:
    """Split on `;` outside quotes and comments. (duckdb.extract_statements rewrites PIVOT into several.)"""
    statements, current, i, quote = [], [], 0, None
    while i < len(sql):
        ch = sql[i]
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            current.append(ch)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end == -1 else end
            current.append(sql[i:end])
            i = end
            continue
        elif ch == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if re.sub(r"--[^\n]*", "", s).strip()]


def connect(db_path: str | Path, *, read_only: bool = False, wait: float = _LOCK_WAIT_SECONDS):
    """Open the database. DuckDB allows one writer: wait up to `wait` seconds, then fail clearly."""
    db_path = Path(db_path)
    if db_path.stem.lower() in SCHEMAS:
        # DuckDB names the database after its file: `pub.duckdb` would make every `pub.x` ambiguous.
        raise WijkprofielError(
            f"{db_path}: a database file may not be named after one of its schemas ({', '.join(SCHEMAS)}); "
            "choose another name, e.g. wijkprofiel.duckdb"
        )
    if read_only and not db_path.is_file():
        raise WijkprofielError(f"{db_path}: database not found; run `wijkprofiel build` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    gemeld = False
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower() and not gemeld:
                log.warning("%s is in use by another run; waiting up to %g s for it to finish", db_path, wait)
                gemeld = True
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise WijkprofielError(
                        f"{db_path} is in use by another wijkprofiel run (DuckDB allows one writer); "
                        f"gave up after {wait:g} s"
                    ) from exc
                raise
            time.sleep(0.5)


def init_database(con) -> None:
    """Create the schemas and the raw/meta tables (idempotent)."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    kolommen = "select count(*) from duckdb_columns() where schema_name = 'meta' and table_name = 'loads'"
    eerder = con.execute(kolommen).fetchone()[0]
    for folder in ("meta", "raw"):
        for path in sorted((sql_dir() / folder).glob("*.sql")):
            if path.name.endswith("_comments.sql"):
                continue
            con.execute(path.read_text(encoding="utf-8"))
    toegevoegd = eerder and con.execute(kolommen).fetchone()[0] != eerder
    commentaren = (sql_dir() / "meta" / "02_comments.sql").read_text(encoding="utf-8")
    huidig = con.execute(
        "select comment from duckdb_tables() where schema_name = 'meta' and table_name = 'loads'"
    ).fetchone()[0]
    if huidig is None or f"'{sql_tekst(huidig)}'" not in commentaren:
        con.execute(commentaren)
    if toegevoegd:
        # A column was added to an older meta.loads (sql/meta/01_loads.sql). DuckDB 1.4 cannot replay that ALTER
        # from the WAL (the table has a sequence default), so a crash before the next checkpoint would leave a file
        # that does not open: write it, and the comment that describes the column, to the file now.
        con.execute("checkpoint")


def create_sql_functions(con) -> None:
    """The functions and macros every connection's SQL may use: the spelling rule `wp_sleutel` (Python, see
    reference/spelling.py) and the macro library in sql/macros/. Macros are stored in the database file, so pub
    views that call them also work on a read-only connection."""
    if not con.execute("select 1 from duckdb_functions() where function_name = 'wp_sleutel'").fetchone():
        con.create_function(
            "wp_sleutel", sleutel, [duckdb.sqltypes.VARCHAR], duckdb.sqltypes.VARCHAR, null_handling="special", side_effects=False
        )
    for path in sorted((sql_dir() / "macros").glob("*.sql")):
        for statement in split_statements(path.read_text(encoding="utf-8")):
            con.execute(statement)

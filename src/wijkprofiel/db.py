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
from functools import lru_cache
from pathlib import Path

import duckdb

from wijkprofiel.errors import MemoryLimitError, WijkprofielError
from wijkprofiel.paths import sql_dir
from wijkprofiel.reference.spelling import sleutel

SCHEMAS = ("raw", "staging", "intermediate", "marts", "pub", "meta")
_LOCK_WAIT_SECONDS = 30.0
log = logging.getLogger(__name__)

#: The setting that bounds DuckDB's memory: `memory_limit` in wijkprofiel.toml, WIJKPROFIEL_MEMORY_LIMIT, or
#: `wijkprofiel --memory-limit`. Unset, DuckDB may use this share of the machine's memory: its own default (80%)
#: leaves too little for the Python beside it (pandas, geopandas) and the machine, and the private connection of a
#: load may not spill to disk, so it would be the kernel that stops it.
MEMORY_LIMIT = "memory_limit"
STANDAARD_GEHEUGEN_AANDEEL = 0.6
_DUCKDB_AANDEEL = 0.8  # DuckDB's default memory_limit is this share of the memory it detects (containers included)
_GROOTTE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*$", re.IGNORECASE)
_AANDEEL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_EENHEID = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_geheugen: dict[str, str | None] = {"limiet": None}


def geheugen_waarde(waarde: str) -> str:
    """A memory_limit as DuckDB takes it: a size ('8GB', '512MB', '4GiB') as given, or a share of the machine's
    memory ('50%') as a size. Anything else is a ValueError naming the forms."""
    aandeel = _AANDEEL.match(waarde)
    if aandeel and 0 < float(aandeel.group(1)) <= 100:
        return f"{int(_machinegeheugen() * float(aandeel.group(1)) / 100)}B"
    if _GROOTTE.match(waarde) and float(_GROOTTE.match(waarde).group(1)) > 0:
        return waarde.strip()
    raise ValueError(f"{waarde!r} is not a memory size: give e.g. '8GB', '512MB' or a share of the machine's memory, '50%'")


@lru_cache(maxsize=1)
def _machinegeheugen() -> float:
    """The memory DuckDB sees on this machine, in bytes (in a container: the container's limit)."""
    con = duckdb.connect()
    try:
        standaard = con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    getal, eenheid = _GROOTTE.match(standaard).groups()
    return float(getal) * _EENHEID[eenheid.lower()] / _DUCKDB_AANDEEL


def stel_geheugenlimiet_in(waarde: str | None) -> None:
    """Bound every DuckDB connection this process opens from now on by `waarde` (see geheugen_waarde); None keeps
    what was set. Set by the entry point (the CLI, a run's configuration): a stage gets it from here."""
    if waarde is not None:
        _geheugen["limiet"] = geheugen_waarde(waarde)


def geheugenlimiet() -> str:
    """The memory_limit connections get: the configured one, else the default share of the machine's memory."""
    return _geheugen["limiet"] or geheugen_waarde(f"{STANDAARD_GEHEUGEN_AANDEEL * 100:g}%")


def begrens_geheugen(con) -> None:
    con.execute(f"set memory_limit = '{geheugenlimiet()}'")


def geheugen_fout(wat: str, exc: BaseException) -> MemoryLimitError:
    """The one-line error when `wat` needed more memory than memory_limit allows (DuckDB's OutOfMemoryException)."""
    return MemoryLimitError(
        f"{wat} needs more memory than DuckDB may use here ({geheugen_advies()}, or run on a machine with more "
        f"memory; DuckDB said: {str(exc).splitlines()[0][:160]})"
    )


def geheugen_advies() -> str:
    """The setting's value and how to raise it, for a message."""
    return (
        f"{MEMORY_LIMIT} = {_leesbaar(geheugenlimiet())}; raise {MEMORY_LIMIT} in wijkprofiel.toml, "
        "WIJKPROFIEL_MEMORY_LIMIT or `wijkprofiel --memory-limit 8GB`, up to what the machine has free"
    )


def _leesbaar(grootte: str) -> str:
    """A size in bytes (from a share, '15139759718B') in GiB or MiB; a size as the user gave it stays as it is."""
    getal, eenheid = _GROOTTE.match(grootte).groups()
    if eenheid.lower() != "b":
        return grootte
    return f"{float(getal) / 2**30:.1f} GiB" if float(getal) >= 2**30 else f"{float(getal) / 2**20:.0f} MiB"


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
    return list(_gesplitst(sql))


@lru_cache(maxsize=1024)
def _gesplitst(sql: str) -> tuple[str, ...]:
    # Every build splits the same model and macro files again (to run them and to fingerprint them), and a national
    # run builds hundreds of gemeenten in one process: the same text gives the same statements.
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
    return tuple(s.strip() for s in statements if re.sub(r"--[^\n]*", "", s).strip())


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
            con = duckdb.connect(str(db_path), read_only=read_only)
            begrens_geheugen(con)
            return con
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
    # Only when something changed: a COMMENT ON is a write, which every later close would checkpoint.
    zonder = con.execute("select count(*) from duckdb_tables() where schema_name = 'meta' and comment is null").fetchone()[0]
    if huidig is None or f"'{sql_tekst(huidig)}'" not in commentaren or zonder:
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

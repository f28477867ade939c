"""The DuckDB file: schemas, connections and the SQL model runner.

Layers (DESIGN §4): raw → staging → intermediate → marts → pub, plus meta. `raw` and `meta` are tables
that loaders write (DDL in sql/raw and sql/meta); the other layers are models, one SELECT per file under
sql/<layer>/, materialised by layer: staging and pub as views, intermediate and marts as tables.
Statements after a model's SELECT (COMMENT ON ...) run after it is created.

The runner orders models by the `layer.name` references in their SQL. It is deliberately small: dbt or
SQLMesh would add a second project format and a second way to run things for a dozen models.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import sql_dir
from wijkprofiel.reference.spelling import sleutel

SCHEMAS = ("raw", "staging", "intermediate", "marts", "pub", "meta")
MODEL_LAYERS = ("staging", "intermediate", "marts", "pub")
MATERIALISATIE = {"staging": "view", "intermediate": "table", "marts": "table", "pub": "view"}
_REF = re.compile(r"\b(staging|intermediate|marts|pub)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_LOCK_WAIT_SECONDS = 30.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Model:
    layer: str
    name: str
    path: Path
    sql: str

    @property
    def fqn(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def statements(self) -> list[str]:
        return split_statements(self.sql)

    def refs(self) -> set[str]:
        text = re.sub(r"--[^\n]*", "", self.sql)
        return {f"{a.lower()}.{b.lower()}" for a, b in _REF.findall(text)}


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
    for folder in ("meta", "raw"):
        for path in sorted((sql_dir() / folder).glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))


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


def discover_models(root: Path | None = None) -> list[Model]:
    root = root or sql_dir()
    models = []
    for layer in MODEL_LAYERS:
        for path in sorted((root / layer).glob("*.sql")):
            models.append(Model(layer, path.stem, path, path.read_text(encoding="utf-8")))
    return models


def in_dependency_order(models: list[Model]) -> list[Model]:
    by_name = {m.fqn: m for m in models}
    ordered: list[Model] = []
    state: dict[str, str] = {}

    def visit(m: Model, chain: tuple[str, ...]) -> None:
        if state.get(m.fqn) == "done":
            return
        if state.get(m.fqn) == "busy":
            raise WijkprofielError("SQL models refer to each other in a cycle: " + " → ".join(chain + (m.fqn,)))
        state[m.fqn] = "busy"
        for ref in sorted(m.refs()):
            if ref in by_name and ref != m.fqn:
                visit(by_name[ref], chain + (m.fqn,))
        state[m.fqn] = "done"
        ordered.append(m)

    for m in models:
        visit(m, ())
    return ordered


def run_models(con, models: list[Model] | None = None, *, transaction: bool = True) -> list[str]:
    """Create every model in dependency order inside one transaction: a failed build changes nothing.

    With transaction=False the caller owns the transaction (the build adds a Python step between layers).
    """
    models = in_dependency_order(models if models is not None else discover_models())
    if transaction:
        con.execute("begin transaction")
    try:
        for model in models:
            statements = model.statements
            if not statements:
                raise WijkprofielError(f"{model.path}: empty model")
            kind = MATERIALISATIE[model.layer]
            try:
                con.execute(f"create or replace {kind} {model.fqn} as\n{statements[0]}")
                for extra in statements[1:]:
                    con.execute(extra)
            except duckdb.Error as exc:
                raise WijkprofielError(f"SQL model {model.fqn} ({model.path.name}) failed: {exc}") from exc
        if transaction:
            con.execute("commit")
    except BaseException:
        if transaction:
            con.execute("rollback")
        raise
    return [m.fqn for m in models]

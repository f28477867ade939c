"""The build graph: every SQL model and every Python model is a node, sorted once.

A node creates one or more relations and reads others. What a SQL model reads comes from DuckDB's own parser
(`json_serialize_sql`: every schema-qualified table it names), not from matching names in the text; a
statement the parser cannot serialise (PIVOT) declares what it reads in a header line
`-- reads: marts.indicator_waarden, ...`. A Python model declares its reads and creates where it is defined
(transform/build.py).

Checked once, before anything runs, so a mistake is a one-line error and not a silently missing step:
- a node reads a relation of a model layer (staging, intermediate, marts, pub) that no node creates;
- a node reads a later layer than its own (layers run raw/meta → staging → intermediate → marts → pub);
- two nodes create the same relation, or the reads form a cycle.

The layer rule is also the privacy boundary: published (rounded, suppressed) values exist only in pub
(pub.openbaarmaking, written by transform/disclosure.py), so nothing in marts can rest on them, and what is
computed from them (the rode draden) is a pub model.

A SQL model is a view or a table by its layer (MATERIALISATIE); a header line `-- materialise: table` makes
one model a table where reading it is costly (the rode draden, read by every report). A header line
`-- column comments from: marts.x` gives each column without a COMMENT of its own the comment of the same column of
marts.x, so a pub view that passes a mart's columns through says what they hold in one place.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb

from wijkprofiel.db import geheugen_fout, relations, split_statements, sql_tekst
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import sql_dir

MODEL_LAYERS = ("staging", "intermediate", "marts", "pub")
#: The order of the layers; a node may read its own layer and those before it.
LAYER_ORDER = {"raw": 0, "meta": 0, "staging": 1, "intermediate": 2, "marts": 3, "pub": 4}
MATERIALISATIE = {"staging": "view", "intermediate": "table", "marts": "table", "pub": "view"}
log = logging.getLogger(__name__)
_NAMED = re.compile(r"\b(raw|meta|staging|intermediate|marts|pub)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_READS_HEADER = re.compile(r"^--\s*reads:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_COMMENTS_HEADER = re.compile(r"^--\s*column comments from:\s*([a-z_]+\.[a-z0-9_]+)\s*$", re.IGNORECASE | re.MULTILINE)
_MATERIALISE_HEADER = re.compile(r"^--\s*materialise:\s*(table|view)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Node:
    """One step of the build: it creates `creates` (schema.name) from what it `reads`."""

    name: str
    creates: tuple[str, ...]
    reads: frozenset[str]
    run: Callable[[duckdb.DuckDBPyConnection], None] = field(compare=False, repr=False)
    source: str = ""  # the SQL file or the Python function, for messages

    @property
    def layer(self) -> str:
        return self.name.split(".", 1)[0]


#: What each model's SQL reads (SqlModel.reads), by the SQL's text: an edited model is parsed anew.
_GELEZEN: dict[str, frozenset[str]] = {}


@dataclass(frozen=True)
class SqlModel:
    """A model file sql/<layer>/<name>.sql: one SELECT, then optional statements such as COMMENT ON."""

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

    @property
    def materialisation(self) -> str:
        header = _MATERIALISE_HEADER.search(self.sql)
        return header.group(1).lower() if header else MATERIALISATIE[self.layer]

    def reads(self, parser: duckdb.DuckDBPyConnection) -> frozenset[str]:
        # the graph is made for every build, and a national run builds hundreds of gemeenten in one process
        if self.sql not in _GELEZEN:
            _GELEZEN[self.sql] = self._reads(parser)
        return _GELEZEN[self.sql]

    def _reads(self, parser: duckdb.DuckDBPyConnection) -> frozenset[str]:
        declared = {r.strip().lower() for m in _READS_HEADER.findall(self.sql) for r in m.split(",") if r.strip()}
        if declared:
            return frozenset(declared)
        statements = self.statements
        if not statements:
            raise WijkprofielError(f"{self.path}: empty model")
        tree = _serialised(parser, statements[0])
        if not tree.get("error"):
            return frozenset(_qualified_tables(tree))
        if tree.get("error_type") == "parser":
            # It cannot run either; ordering it by the names it mentions lets the build report DuckDB's own
            # error for this model, in its place.
            text = re.sub(r"--[^\n]*", "", self.sql)
            return frozenset(f"{a}.{b}".lower() for a, b in _NAMED.findall(text))
        raise WijkprofielError(
            f"{self.path}: DuckDB cannot tell which tables this model reads ({tree.get('error_message')}); "
            "declare them in a header line '-- reads: schema.table, ...'"
        )

    def node(self, parser: duckdb.DuckDBPyConnection) -> Node:
        return Node(self.fqn, (self.fqn,), self.reads(parser), self.create, str(self.path))

    def create(self, con) -> None:
        statements = self.statements
        kind = self.materialisation
        try:
            _drop_if_other_kind(con, self.layer, self.name, kind)
            con.execute(f"create or replace {kind} {self.fqn} as\n{statements[0]}")
            for extra in statements[1:]:
                con.execute(extra)
            inherit = _COMMENTS_HEADER.search(self.sql)
            if inherit:
                _inherit_column_comments(con, self.fqn, inherit.group(1).lower())
        except duckdb.OutOfMemoryException as exc:
            raise geheugen_fout(f"SQL model {self.fqn} ({self.path.name})", exc) from exc
        except duckdb.Error as exc:
            raise WijkprofielError(f"SQL model {self.fqn} ({self.path.name}) failed: {exc}") from exc


def _drop_if_other_kind(con, schema: str, name: str, kind: str) -> None:
    """A model that became a table (or a view) replaces the view (or table) an earlier build left."""
    existing = relations(con, (schema,)).get(f"{schema}.{name}")
    if existing and existing != kind:
        con.execute(f"drop {existing} {schema}.{name}")


def drop_retired_models(con, nodes: list[Node]) -> None:
    """A relation of a model layer that no node creates any more (a model removed or moved to another layer in a
    new version) is dropped, so an analyst never reads a table the build stopped refreshing."""
    made = {rel for node in nodes for rel in node.creates}
    for relation, kind in relations(con, MODEL_LAYERS).items():
        if relation not in made:
            log.info("dropping %s: no model makes it any more", relation)
            con.execute(f"drop {kind} {relation}")


def _inherit_column_comments(con, relation: str, source: str) -> None:
    """Every column of `relation` without a comment gets the comment of the column of the same name in `source`."""
    query = """select column_name, comment from duckdb_columns()
                 where database_name = current_database() and schema_name = ? and table_name = ?"""
    own = con.execute(query, relation.split(".")).fetchall()
    theirs = dict(con.execute(query, source.split(".")).fetchall())
    for column, comment in own:
        if not (comment or "").strip() and theirs.get(column):
            con.execute(f'comment on column {relation}."{column}" is \'{sql_tekst(theirs[column])}\'')


def _serialised(parser: duckdb.DuckDBPyConnection, statement: str) -> dict:
    return json.loads(parser.execute("select json_serialize_sql(?)", [statement]).fetchone()[0])


@lru_cache(maxsize=256)
def statement_reads(statement: str) -> frozenset[str]:
    """Every schema.table one SELECT statement reads, by DuckDB's parser (an unparsable statement reads nothing
    known; running it reports DuckDB's own error)."""
    parser = duckdb.connect()
    try:
        tree = _serialised(parser, statement)
    finally:
        parser.close()
    return frozenset() if tree.get("error") else frozenset(_qualified_tables(tree))


def _qualified_tables(tree) -> set[str]:
    """Every schema.table a serialised statement names (CTE names carry no schema and are left out)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "BASE_TABLE" and item.get("schema_name"):
                found.add(f"{item['schema_name']}.{item['table_name']}".lower())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def discover_models(root: Path | None = None) -> list[SqlModel]:
    root = root or sql_dir()
    return [
        SqlModel(layer, path.stem, path, path.read_text(encoding="utf-8"))
        for layer in MODEL_LAYERS
        for path in sorted((root / layer).glob("*.sql"))
    ]


def sql_nodes(models: list[SqlModel] | None = None) -> list[Node]:
    parser = duckdb.connect()
    try:
        return [m.node(parser) for m in (models if models is not None else discover_models())]
    finally:
        parser.close()


def run_in_transaction(con, nodes: list[Node], *, before=None, after=None, skip=None) -> list[str]:
    """In one transaction: `before(con)`, the nodes in the given order except those named by `skip(con)` (asked
    after `before`: the unchanged ones), then `after(con)` (the audits); all or nothing. Returns the nodes run."""
    con.execute("begin transaction")
    try:
        if before is not None:
            before(con)
        skipped = skip(con) if skip is not None else set()
        run = [node for node in nodes if node.name not in skipped]
        for node in run:
            node.run(con)
        if after is not None:
            after(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return [node.name for node in run]


def run_models(con, models: list[SqlModel] | None = None) -> list[str]:
    """SQL models alone (default: all of sql/), sorted and created in one transaction."""
    return run_in_transaction(con, sorted_graph(sql_nodes(models)))


def sorted_graph(nodes: list[Node]) -> list[Node]:
    """The nodes in an order where each runs after everything it reads; checked as the module docstring says."""
    maker: dict[str, Node] = {}
    for node in nodes:
        for rel in node.creates:
            if rel in maker:
                raise WijkprofielError(f"{rel} is created by both {maker[rel].source} and {node.source}")
            maker[rel] = node
    for node in nodes:
        for rel in sorted(node.reads):
            schema = rel.split(".", 1)[0]
            if schema in MODEL_LAYERS and rel not in maker:
                raise WijkprofielError(f"{node.source}: reads {rel}, which no model creates")
            if LAYER_ORDER.get(schema, 0) > LAYER_ORDER[node.layer]:
                raise WijkprofielError(f"{node.source}: a {node.layer} model may not read the later layer {schema} ({rel})")
    ordered: list[Node] = []
    state: dict[str, str] = {}

    def visit(node: Node, chain: tuple[str, ...]) -> None:
        if state.get(node.name) == "done":
            return
        if state.get(node.name) == "busy":
            raise WijkprofielError("models read each other in a cycle: " + " → ".join(chain + (node.name,)))
        state[node.name] = "busy"
        for rel in sorted(node.reads):
            upstream = maker.get(rel)
            if upstream is not None and upstream is not node:
                visit(upstream, chain + (node.name,))
        state[node.name] = "done"
        ordered.append(node)

    for node in sorted(nodes, key=lambda n: (LAYER_ORDER[n.layer], n.name)):
        visit(node, ())
    return ordered


def select(nodes: list[Node], selectors: list[str]) -> list[Node]:
    """The nodes a selection names, in graph order: `marts.x` the node alone, `marts.x+` with everything
    downstream of it, `+marts.x` with everything upstream. A relation a Python model creates selects it."""
    ordered = sorted_graph(nodes)
    by_relation = {rel: n for n in ordered for rel in n.creates}
    by_relation.update({n.name: n for n in ordered})
    chosen: set[str] = set()
    for selector in selectors:
        naam = selector.strip().strip("+").lower()
        if naam not in by_relation:
            raise WijkprofielError(f"--select {selector}: no model {naam} (models: {', '.join(n.name for n in ordered)})")
        start = by_relation[naam]
        chosen.add(start.name)
        if selector.strip().endswith("+"):
            chosen |= _reachable(start, ordered, downstream=True)
        if selector.strip().startswith("+"):
            chosen |= _reachable(start, ordered, downstream=False)
    return [n for n in ordered if n.name in chosen]


def _reachable(start: Node, ordered: list[Node], *, downstream: bool) -> set[str]:
    makers = {rel: n for n in ordered for rel in n.creates}
    found = {start.name}
    changed = True
    while changed:
        changed = False
        for node in ordered:
            if node.name in found:
                continue
            if downstream:
                hit = any(makers.get(rel) is not None and makers[rel].name in found for rel in node.reads)
            else:
                hit = any(
                    rel in node.creates for f in ordered if f.name in found for rel in f.reads
                )
            if hit:
                found.add(node.name)
                changed = True
    return found

"""Fingerprints of what each model is built from, so a build whose inputs did not change recomputes nothing.

A model's fingerprint is a SHA-256 over everything that decides its contents:
- its definition: the SQL file's text; for a Python model, the Python the build runs (transform/ and reference/,
  their data files included) and every macro (disclosure control computes rates with wp_verhouding);
- the macros it names, and the macros those name (sql/macros/), and the source of the Python SQL function
  wp_sleutel where it is named;
- for every relation it reads: the fingerprint of the model that makes it, or for a raw or meta table its columns,
  its row count and an order-independent sum of its row hashes (so a table edited in place counts as changed,
  not only a new load);
- DuckDB's and wijkprofiel's versions and the runner (transform/graph.py), which decide how SQL becomes a table.

The build stores the fingerprint of each model it built in meta.model_fingerprints, in its own transaction. A
full build skips a model whose fingerprint equals the stored one and whose relations exist; since a fingerprint
contains those of everything it reads, a change rebuilds exactly the models downstream of it. A raw table is
hashed once per build: about 0.15 s per million rows on two cores.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from functools import lru_cache
from pathlib import Path

import duckdb

import wijkprofiel
from wijkprofiel.db import connect, relations, split_statements
from wijkprofiel.paths import sql_dir
from wijkprofiel.reference import spelling
from wijkprofiel.transform import graph
from wijkprofiel.transform.graph import MODEL_LAYERS, Node

TABEL = "meta.model_fingerprints"
_MACRO = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?macro\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
#: SQL functions written in Python (db.create_sql_functions): their source is their definition.
_PYTHON_FUNCTIES = {"wp_sleutel": spelling}
_PYTHON_KAMERS = ("transform", "reference")


def _sha(*delen: str) -> str:
    digest = hashlib.sha256()
    for deel in delen:
        digest.update(deel.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _macros() -> dict[str, str]:
    """Every macro of sql/macros/ and every Python SQL function: name → its definition."""
    gevonden = {naam: inspect.getsource(module) for naam, module in _PYTHON_FUNCTIES.items()}
    for pad in sorted((sql_dir() / "macros").glob("*.sql")):
        for statement in split_statements(pad.read_text(encoding="utf-8")):
            naam = _MACRO.match(re.sub(r"--[^\n]*", "", statement))
            if naam:
                gevonden[naam.group(1).lower()] = statement
    return gevonden


def _gebruikte_macros(tekst: str) -> list[str]:
    """The definitions of the macros `tekst` names, and of those they name in turn, sorted by name."""
    macros = _macros()
    gebruikt: set[str] = set()
    te_lezen = [tekst]
    while te_lezen:
        stuk = te_lezen.pop().lower()
        for naam, definitie in macros.items():
            if naam not in gebruikt and re.search(rf"\b{naam}\b", stuk):
                gebruikt.add(naam)
                te_lezen.append(definitie)
    return [macros[naam] for naam in sorted(gebruikt)]


@lru_cache(maxsize=1)
def _python_code() -> str:
    """The Python a Python model runs, as one hash: every file of transform/ and reference/ (data files too)."""
    pakket = Path(wijkprofiel.__file__).parent
    digest = hashlib.sha256()
    for kamer in _PYTHON_KAMERS:
        for pad in sorted((pakket / kamer).rglob("*")):
            if pad.is_file() and "__pycache__" not in pad.parts:
                digest.update(str(pad.relative_to(pakket)).encode("utf-8") + b"\x00" + pad.read_bytes() + b"\x00")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _motor() -> str:
    """What turns a definition into a relation: DuckDB, wijkprofiel and the runner."""
    return _sha(duckdb.__version__, wijkprofiel.__version__, Path(graph.__file__).read_text(encoding="utf-8"))


def _definitie(node: Node) -> str:
    """What defines a node: a SQL model's file with the macros it names; a Python model's code and all macros."""
    if node.source.endswith(".sql"):
        tekst = Path(node.source).read_text(encoding="utf-8")
        return _sha(tekst, *_gebruikte_macros(tekst))
    return _sha(node.name, _python_code(), *_macros().values())


def tabel_vingerafdruk(con, relatie: str) -> str:
    """A raw or meta table's contents: its columns and types, its row count and the sum of its rows' hashes.

    The sum (not an XOR) keeps duplicate rows apart; it does not depend on the order DuckDB stores rows in."""
    schema, naam = relatie.split(".", 1)
    kolommen = con.execute(
        """select string_agg(column_name || ' ' || data_type, ', ' order by column_index) from duckdb_columns()
           where database_name = current_database() and schema_name = ? and table_name = ?""",
        [schema, naam],
    ).fetchone()[0]
    if kolommen is None:
        return f"ontbreekt:{relatie}"
    aantal, som = con.execute(f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {relatie} t").fetchone()
    return _sha(relatie, kolommen, str(aantal), str(som))


def opgeslagen(con) -> dict[str, str]:
    """The stored fingerprints: model → fingerprint of what it was last built from."""
    if TABEL not in relations(con, ("meta",)):
        return {}
    return dict(con.execute(f"select model, vingerafdruk from {TABEL}").fetchall())


def herkomst(db_path, schema: str = "pub") -> str | None:
    """One hash of the stored fingerprints of a schema's models: what the reports are made from after a build
    (publish/ reads only pub, so the pipeline hands it this). None for a database built without fingerprints."""
    con = connect(db_path, read_only=True)
    try:
        rijen = [r for r in sorted(opgeslagen(con).items()) if r[0].startswith(f"{schema}.")]
    finally:
        con.close()
    return _sha(*(f"{model}={afdruk}" for model, afdruk in rijen)) if rijen else None


def vingerafdrukken(con, graaf: list[Node], te_bouwen: list[Node]) -> dict[str, str]:
    """The fingerprint of every node of the sorted `graaf`. A node outside `te_bouwen` (a selection) stands for
    what it was last built from: its stored fingerprint, so what reads it is rebuilt once it is."""
    eerder = opgeslagen(con)
    binnen = {node.name for node in te_bouwen}
    maker = {rel: node.name for node in graaf for rel in node.creates}
    tabellen: dict[str, str] = {}
    uit: dict[str, str] = {}
    for node in graaf:
        invoer = []
        for rel in sorted(node.reads):
            if rel in maker:
                invoer.append(f"{rel}={uit[maker[rel]]}")
            else:
                if rel not in tabellen:
                    tabellen[rel] = tabel_vingerafdruk(con, rel)
                invoer.append(f"{rel}={tabellen[rel]}")
        berekend = _sha(_motor(), node.name, _definitie(node), *invoer)
        uit[node.name] = berekend if node.name in binnen else eerder.get(node.name, f"onbekend:{node.name}")
    return uit


def ongewijzigd(con, nodes: list[Node], afdrukken: dict[str, str]) -> set[str]:
    """The nodes whose fingerprint equals the stored one and whose relations all exist: nothing to rebuild."""
    eerder = opgeslagen(con)
    bestaand = relations(con, MODEL_LAYERS)
    return {
        node.name for node in nodes
        if eerder.get(node.name) == afdrukken[node.name] and all(rel in bestaand for rel in node.creates)
    }


def bewaar(con, namen: list[str], afdrukken: dict[str, str]) -> None:
    """Record what the nodes `namen` were built from (inside the build's transaction)."""
    if not namen:
        return
    con.execute(f"delete from {TABEL} where list_contains(?, model)", [namen])
    con.executemany(
        f"insert into {TABEL} (model, vingerafdruk, gebouwd_op) values (?, ?, current_timestamp)",
        [[naam, afdrukken[naam]] for naam in namen],
    )

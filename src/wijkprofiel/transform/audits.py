"""Audits: sql/audits/*.sql, each a query that returns the rows that break a rule (none when all is well).

They run at the end of every build, inside its transaction: one returned row rolls the whole build back, so
the database keeps its previous, audited state, and the error names the audit and its first rows.

An audit runs when every relation it reads exists. After a full build they all do (the graph refuses a model
nobody creates); only a selection built into a fresh database (`build --select`, the model tests) lacks some,
and an audit of models that were never built has nothing to check.
"""

from __future__ import annotations

import logging
from pathlib import Path

from wijkprofiel.db import relations
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import sql_dir
from wijkprofiel.transform.graph import MODEL_LAYERS, statement_reads

_EERSTE = 3
log = logging.getLogger(__name__)


class AuditError(WijkprofielError):
    """An audit returned rows; the build was rolled back."""


def audit_files(root: Path | None = None) -> list[Path]:
    return sorted(((root or sql_dir()) / "audits").glob("*.sql"))


def run_audits(con, root: Path | None = None) -> list[str]:
    """Run every audit; raise AuditError for the first that returns rows. Returns the audits run."""
    bestaand = set(relations(con, MODEL_LAYERS))
    gedaan = []
    for path in audit_files(root):
        query = path.read_text(encoding="utf-8").strip().rstrip(";")
        ontbreekt = sorted(r for r in statement_reads(query) if r.split(".")[0] in MODEL_LAYERS and r not in bestaand)
        if ontbreekt:
            log.info("audit %s skipped: %s not built", path.stem, ", ".join(ontbreekt))
            continue
        aantal = con.execute(f"select count(*) from ({query})").fetchone()[0]
        if aantal:
            cursor = con.execute(f"select * from ({query}) limit {_EERSTE}")
            kolommen = [d[0] for d in cursor.description]
            voorbeelden = "; ".join(
                ", ".join(f"{k}={v}" for k, v in zip(kolommen, rij)) for rij in cursor.fetchall()
            )
            raise AuditError(
                f"audit {path.stem} failed ({path.name}): {aantal} row(s) break it, e.g. {voorbeelden}; "
                "the build was rolled back"
            )
        gedaan.append(path.stem)
    return gedaan

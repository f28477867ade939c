"""Stage `analyseer`: refresh the reference tables, build the graph of models (staging → intermediate → marts →
pub, SQL and Python alike, transform/graph.py), then run the audits (transform/audits.py), in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from wijkprofiel.db import connect, create_sql_functions, geheugen_fout, init_database
from wijkprofiel.reference.catalogue import (
    catalogus_met_themas,
    cbs_variabelen,
    noemer_delen,
    noemer_tekst,
    tabel_ids,
    teller_tekst,
)
from wijkprofiel.reference.themes import laad_taxonomie, schrijf_koppelingen, schrijf_themas
from wijkprofiel.transform import fingerprints
from wijkprofiel.transform.audits import run_audits
from wijkprofiel.transform.disclosure import schrijf_openbaarmaking
from wijkprofiel.transform.graph import (
    Node,
    drop_retired_models,
    run_in_transaction,
    select as graph_select,
    sorted_graph,
    sql_nodes,
)
from wijkprofiel.transform.kansen_placement import kansen_op_de_kaart
from wijkprofiel.transform.profiles import TABELLEN, schrijf_profielen

log = logging.getLogger(__name__)


#: The Python models, nodes of the same graph as the SQL models: what each creates and reads.
PYTHON_MODELS = (
    Node(
        "intermediate.kansen_op_de_kaart", ("intermediate.kansen_op_de_kaart",),
        frozenset({"staging.kansen", "staging.cbs_grenzen"}), kansen_op_de_kaart, "transform/kansen_placement.py",
    ),
    Node(
        "pub.openbaarmaking", ("pub.openbaarmaking",),
        frozenset({"marts.indicator_waarden", "intermediate.cbs_gebieden", "intermediate.cbs_waarden", "raw.indicator_catalogus"}),
        schrijf_openbaarmaking, "transform/disclosure.py",
    ),
    Node("marts.profielen", TABELLEN, frozenset({"marts.indicator_waarden"}), schrijf_profielen, "transform/profiles.py"),
)


def build_graph() -> list[Node]:
    """Every SQL model of sql/ and every Python model, sorted once (transform/graph.py)."""
    return sorted_graph(sql_nodes() + list(PYTHON_MODELS))


@dataclass
class Bouw:
    """What a build did: the models it built, in order, and those it skipped because their inputs, SQL and macros
    were unchanged (transform/fingerprints.py)."""

    gebouwd: list[str] = field(default_factory=list)
    overgeslagen: list[str] = field(default_factory=list)

    def samenvatting(self) -> str:
        return f"{len(self.gebouwd)} models rebuilt, {len(self.overgeslagen)} unchanged and skipped"


def build_marts(db_path: str | Path, select: list[str] | None = None, *, force: bool = False) -> Bouw:
    """Build every model whose inputs changed (or a `select`ion, see graph.select, or with `force` every model) in
    one transaction."""
    con = connect(db_path)
    try:
        init_database(con)
        bouw = bouw_modellen(con, select=select, force=force)
    except duckdb.OutOfMemoryException as exc:
        raise geheugen_fout("the build", exc) from exc
    finally:
        con.close()
    log.info("build of %s: %s", db_path, bouw.samenvatting())
    return bouw


def bouw_modellen(con, *, catalogi: bool = True, select: list[str] | None = None, force: bool = False) -> Bouw:
    """Refresh the reference tables, run the graph's nodes in order, then the audits; all or nothing.

    A full build skips a model whose fingerprint (what it is built from) is the one stored when it was last built
    and whose relations exist; a `select`ion builds what it selects, and `force` every model. The fingerprints of
    the models built are stored in the same transaction. `catalogi=False` keeps the reference tables as they are
    (tests that write their own rows).
    """
    graph = build_graph()
    nodes = graph_select(graph, select) if select else graph
    plan: dict = {}

    def before(con) -> None:
        _voorbereiden(con, catalogi=catalogi)
        drop_retired_models(con, graph)
        plan["afdrukken"] = fingerprints.vingerafdrukken(con, graph, nodes)
        plan["ongewijzigd"] = set() if force or select else fingerprints.ongewijzigd(con, nodes, plan["afdrukken"])

    def after(con) -> None:
        fingerprints.bewaar(con, [n.name for n in nodes if n.name not in plan["ongewijzigd"]], plan["afdrukken"])
        run_audits(con)

    gebouwd = run_in_transaction(con, nodes, before=before, after=after, skip=lambda con: plan["ongewijzigd"])
    return Bouw(gebouwd, [n.name for n in nodes if n.name in plan["ongewijzigd"]])


def _voorbereiden(con, *, catalogi: bool) -> None:
    """The shared SQL functions, and the reference tables (catalogue, themes) the models read from raw."""
    create_sql_functions(con)
    if catalogi:
        _refresh_catalogue(con)
        taxonomie = laad_taxonomie()
        schrijf_themas(con, taxonomie, overschrijven=False)
        schrijf_koppelingen(con, taxonomie)
        ververs_indicator_catalogus(con)


def ververs_indicator_catalogus(con) -> None:
    """raw.indicator_catalogus from the packaged catalogue (every indicator, CBS cells included), with the
    CBS table ids expanded and the numerator and denominator described in words. The per-theme families
    (casuïstiek, signals, enquête) become one indicator per theme in raw.themas."""
    catalogue = pd.DataFrame(
        [
            {
                "indicator": i.indicator, "label": i.label, "eenheid": i.eenheid, "bron": i.bron,
                "openbaarmaking": i.openbaarmaking, "teller": i.teller, "noemer": i.noemer, "factor": i.factor,
                "richting": i.richting, "themas": "|".join(i.themas) or None, "definitie": i.definitie,
                "bron_tabellen": "|".join(tabel_ids(i)) or None, "teller_omschrijving": teller_tekst(i),
                "noemer_omschrijving": noemer_tekst(i),
            }
            for i in catalogus_met_themas(dict(con.execute("select thema, label from raw.themas").fetchall()))
        ]
    )  # fmt: skip
    catalogue["factor"] = pd.to_numeric(catalogue["factor"])
    con.register("indicator_rows", catalogue)
    con.execute("delete from raw.indicator_catalogus")
    con.execute("insert into raw.indicator_catalogus by name select * from indicator_rows")
    con.unregister("indicator_rows")
    noemers = [
        (indicator, deel, len(delen))
        for indicator, noemer in con.execute("select indicator, noemer from raw.indicator_catalogus").fetchall()
        for delen in [noemer_delen(noemer)]
        for deel in delen
    ]
    con.execute("delete from raw.indicator_noemers")
    if noemers:
        con.executemany("insert into raw.indicator_noemers values (?, ?, ?)", noemers)


def _refresh_catalogue(con) -> None:
    catalogue = pd.DataFrame(
        [
            {"indicator": v.indicator, "label": v.label, "eenheid": v.eenheid, "kwb_kort": v.kwb_kort, "verplicht": v.verplicht}
            for v in cbs_variabelen()
        ]
    )
    con.register("catalogus_rows", catalogue)
    con.execute("delete from raw.cbs_variabelen")
    con.execute("insert into raw.cbs_variabelen by name select * from catalogus_rows")
    con.unregister("catalogus_rows")

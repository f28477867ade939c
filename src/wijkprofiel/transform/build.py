"""Stage `analyseer`: refresh the reference tables, build the graph of models (staging → intermediate → marts →
pub, SQL and Python alike, transform/graph.py), then run the audits (transform/audits.py), in one transaction."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from wijkprofiel.db import connect, create_sql_functions, init_database
from wijkprofiel.reference.catalogue import (
    catalogus_met_themas,
    cbs_variabelen,
    noemer_delen,
    noemer_tekst,
    tabel_ids,
    teller_tekst,
)
from wijkprofiel.reference.themes import laad_taxonomie, schrijf_koppelingen, schrijf_themas
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


def build_marts(db_path: str | Path, select: list[str] | None = None) -> list[str]:
    """Build every model (or a `select`ion, see graph.select) in one transaction; returns the nodes built, in order."""
    con = connect(db_path)
    try:
        init_database(con)
        built = bouw_modellen(con, select=select)
    finally:
        con.close()
    log.info("built %d models", len(built))
    return built


def bouw_modellen(con, *, catalogi: bool = True, select: list[str] | None = None) -> list[str]:
    """Refresh the reference tables, run the graph's nodes in order, then the audits; all or nothing.

    `catalogi=False` keeps the reference tables as they are (tests that write their own rows).
    """
    graph = build_graph()
    nodes = graph_select(graph, select) if select else graph

    def before(con) -> None:
        _voorbereiden(con, catalogi=catalogi)
        drop_retired_models(con, graph)

    return run_in_transaction(con, nodes, before=before, after=run_audits)


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

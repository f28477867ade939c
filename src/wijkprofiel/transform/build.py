"""Stage `analyseer`: refresh the reference tables, then build staging → intermediate → marts → pub."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from wijkprofiel.db import connect, create_sql_functions, discover_models, init_database, run_models
from wijkprofiel.paths import sql_dir
from wijkprofiel.reference.catalogue import (
    catalogus_met_themas,
    cbs_variabelen,
    noemer_tekst,
    tabel_ids,
    teller_tekst,
)
from wijkprofiel.reference.themes import laad_taxonomie, schrijf_koppelingen, schrijf_themas
from wijkprofiel.transform.disclosure import schrijf_openbaarmaking
from wijkprofiel.transform.kansen_placement import kansen_op_de_kaart

log = logging.getLogger(__name__)


def build_marts(db_path: str | Path) -> list[str]:
    """Build every model in one transaction; returns the models built, in order."""
    con = connect(db_path)
    try:
        init_database(con)
        built = bouw_modellen(con)
    finally:
        con.close()
    log.info("built %d models", len(built))
    return built


def bouw_modellen(con, *, catalogi: bool = True) -> list[str]:
    """staging → intermediate → (kansen placed by coordinates) → marts → disclosure control → pub; all or nothing.

    `catalogi=False` keeps the catalogue tables as they are (tests that write their own rows).
    """
    models = discover_models()
    con.execute("begin transaction")
    try:
        create_sql_functions(con)
        if catalogi:
            _refresh_catalogue(con)
            taxonomie = laad_taxonomie()
            schrijf_themas(con, taxonomie, overschrijven=False)
            schrijf_koppelingen(con, taxonomie)
            ververs_indicator_catalogus(con)
        built = run_models(con, [m for m in models if m.layer in ("staging", "intermediate")], transaction=False)
        kansen_op_de_kaart(con)
        marts = [m for m in models if m.layer == "marts"]
        # Models that read the published values (marts.openbaarmaking) run after disclosure control.
        na_openbaarmaking = _leest_openbaarmaking(marts)
        built += run_models(con, [m for m in marts if m not in na_openbaarmaking], transaction=False)
        schrijf_openbaarmaking(con)
        built += run_models(con, na_openbaarmaking, transaction=False)
        built += run_models(con, [m for m in models if m.layer == "pub"], transaction=False)
        _comment_profile_columns(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return built + ["intermediate.kansen_op_de_kaart", "marts.openbaarmaking"]


def _leest_openbaarmaking(marts: list) -> list:
    """The marts that read marts.openbaarmaking, directly or through another such mart."""
    namen = {"marts.openbaarmaking"}
    while True:
        erbij = {m.fqn for m in marts if m.refs() & namen} - namen
        if not erbij:
            return [m for m in marts if m.fqn in namen]
        namen |= erbij


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


_PROFIEL_SLEUTELS = {
    "gebied_code": "CBS area code as text.",
    "gebied_naam": "Area name as CBS publishes it.",
    "ouder_code": "Enclosing area (wijk of a buurt, gemeente of a wijk).",
    "gemeente_code": "The gemeente the area lies in.",
    "jaar": "Reference year.",
}


def _comment_profile_columns(con) -> None:
    """The wide profiles get their indicator columns from a PIVOT, so their comments are written here,
    from the labels and units in marts.indicator_waarden."""
    labels = dict(
        con.execute(
            "select indicator, any_value(label || coalesce(' (' || eenheid || ')', '')) from marts.indicator_waarden group by 1"
        ).fetchall()
    )
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' and table_name like '%_profiel'"
    ).fetchall()
    for table, column in columns:
        text = _PROFIEL_SLEUTELS.get(column) or labels.get(column) or column
        con.execute(f"comment on column marts.{table}.{column} is '{text.replace(chr(39), chr(39) * 2)}'")

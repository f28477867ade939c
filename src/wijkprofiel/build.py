"""Stage `analyseer`: refresh the reference tables, then build staging → intermediate → marts → pub."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .catalogus import cbs_variabelen
from .db import connect, init_database, run_models

log = logging.getLogger(__name__)


def build_marts(db_path: str | Path) -> list[str]:
    """Build every SQL model in one transaction; returns the models built, in order."""
    con = connect(db_path)
    try:
        init_database(con)
        _refresh_catalogue(con)
        built = run_models(con)
        _comment_profile_columns(con)
    finally:
        con.close()
    log.info("built %d models", len(built))
    return built


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

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

"""Placing points in buurten by their coordinates (kansen given as lat/lon), against the loaded boundaries.

DuckDB here has no spatial extension (see docs/decisions.md), so this runs in shapely during the build and
writes intermediate.kansen_op_de_kaart(kans_id, buurtcode, wijkcode, gemeentecode).
"""

from __future__ import annotations

import pandas as pd
import shapely
from pyproj import Transformer

from wijkprofiel.reference.areas import gemeente_van, wijk_van

_NAAR_RD = Transformer.from_crs(4326, 28992, always_xy=True)


def kansen_op_de_kaart(con) -> int:
    """Place every kans that has coordinates but no buurt; returns how many were placed."""
    punten = con.execute(
        "select kans_id, lat, lon from staging.kansen where buurtcode is null and lat is not null and lon is not null"
    ).df()
    grenzen = con.execute(
        """select gebied_code, geometrie from staging.cbs_grenzen
           where gebied_niveau = 'buurt' and jaar = (select max(jaar) from staging.cbs_grenzen)"""
    ).df()
    rows = []
    if len(punten) and len(grenzen):
        vlakken = shapely.from_wkb(grenzen.geometrie.map(bytes).tolist())
        boom = shapely.STRtree(vlakken)
        x, y = _NAAR_RD.transform(punten.lon.to_numpy(), punten.lat.to_numpy())
        punt_idx, vlak_idx = boom.query(shapely.points(x, y), predicate="within")
        for p, v in zip(punt_idx, vlak_idx):
            code = grenzen.gebied_code.iloc[v]
            rows.append((punten.kans_id.iloc[p], code, wijk_van(code), gemeente_van(code)))
    frame = pd.DataFrame(rows, columns=["kans_id", "buurtcode", "wijkcode", "gemeentecode"]).drop_duplicates("kans_id")
    con.register("_kansen_op_de_kaart", frame)
    con.execute(
        """create or replace table intermediate.kansen_op_de_kaart as
           select kans_id::varchar as kans_id, buurtcode::varchar as buurtcode, wijkcode::varchar as wijkcode,
                  gemeentecode::varchar as gemeentecode
           from _kansen_op_de_kaart"""
    )
    con.unregister("_kansen_op_de_kaart")
    return len(frame)

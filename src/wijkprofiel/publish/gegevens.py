"""Everything a report needs, read once from the `pub` schema (and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from ..errors import WijkprofielError

RD_NEW = 28992


@dataclass
class PubGegevens:
    waarden: pd.DataFrame        # pub.indicator_waarden
    grenzen: gpd.GeoDataFrame    # pub.gebied_grenzen, EPSG:28992, the boundary year closest to `jaar`
    bronnen: pd.DataFrame        # pub.bronnen
    jaar: int                    # peiljaar of the reports: the latest year with figures
    grenzen_jaar: int | None

    def gemeenten(self) -> list[str]:
        rows = self.waarden[(self.waarden.gebied_niveau == "gemeente") & (self.waarden.jaar == self.jaar)]
        return sorted(rows.gebied_code.unique())

    def wijken(self, gemeente: str) -> list[str]:
        rows = self.waarden[
            (self.waarden.gebied_niveau == "wijk") & (self.waarden.ouder_code == gemeente) & (self.waarden.jaar == self.jaar)
        ]
        return sorted(rows.gebied_code.unique())

    def naam(self, code: str) -> str:
        rows = self.waarden[(self.waarden.gebied_code == code) & (self.waarden.jaar == self.jaar)]
        return rows.gebied_naam.iloc[0] if len(rows) else code

    def waarde(self, code: str, indicator: str, jaar: int | None = None) -> float | None:
        jaar = jaar or self.jaar
        rows = self.waarden[
            (self.waarden.gebied_code == code) & (self.waarden.indicator == indicator) & (self.waarden.jaar == jaar)
        ]
        if rows.empty or rows.onderdrukt.iloc[0]:
            return None
        return float(rows.waarde.iloc[0])

    def indicator_info(self, indicator: str) -> tuple[str, str]:
        rows = self.waarden[self.waarden.indicator == indicator]
        if rows.empty:
            raise WijkprofielError(f"unknown indicator {indicator!r}; see pub.indicator_waarden for the keys")
        return rows.label.iloc[0] or indicator, rows.eenheid.iloc[0] or ""

    def jaren(self) -> list[int]:
        return sorted(self.waarden.jaar.unique())

    def gebieden(self, niveau: str, ouder: str | None = None, gemeente: str | None = None) -> list[str]:
        rows = self.waarden[(self.waarden.gebied_niveau == niveau) & (self.waarden.jaar == self.jaar)]
        if ouder:
            rows = rows[rows.ouder_code == ouder]
        if gemeente:
            rows = rows[rows.gemeente_code == gemeente]
        return sorted(rows.gebied_code.unique())

    def tabel_ids(self) -> list[tuple[int, str]]:
        rows = self.waarden[["jaar", "tabel_id"]].dropna().drop_duplicates()
        return sorted((int(j), t) for j, t in rows.itertuples(index=False))


def lees_pub(con, *, jaar: int | None = None) -> PubGegevens:
    waarden = con.execute("select * from pub.indicator_waarden").df()
    if waarden.empty:
        raise WijkprofielError("pub.indicator_waarden is empty: ingest CBS data and run `wijkprofiel build` first")
    jaar = jaar or int(waarden.loc[waarden.gebied_niveau == "wijk", "jaar"].max())
    if jaar not in set(waarden.jaar):
        raise WijkprofielError(f"no figures for {jaar}; available: {sorted(set(waarden.jaar))}")
    grenzen_rows = con.execute("select * from pub.gebied_grenzen").df()
    grenzen_jaar = _dichtstbijzijnde_jaar(sorted(set(grenzen_rows.jaar)), jaar) if len(grenzen_rows) else None
    if grenzen_jaar is not None:
        grenzen_rows = grenzen_rows[grenzen_rows.jaar == grenzen_jaar]
    geometry = shapely.from_wkb(grenzen_rows.pop("geometrie").map(bytes).tolist()) if len(grenzen_rows) else []
    grenzen = gpd.GeoDataFrame(grenzen_rows, geometry=list(geometry), crs=RD_NEW)
    bronnen = con.execute("select * from pub.bronnen order by bron, jaar").df()
    return PubGegevens(waarden=waarden, grenzen=grenzen, bronnen=bronnen, jaar=jaar, grenzen_jaar=grenzen_jaar)


def _dichtstbijzijnde_jaar(jaren: list[int], jaar: int) -> int:
    """The boundary year to draw `jaar` on: that year itself, else the latest before it, else the earliest after."""
    if jaar in jaren:
        return jaar
    eerder = [j for j in jaren if j < jaar]
    return max(eerder) if eerder else min(jaren)

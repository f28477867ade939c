"""Everything a report needs, read once from the `pub` schema (and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from ..errors import WijkprofielError

RD_NEW = 28992


@dataclass(eq=False)  # hashed by identity, so per-run caches can key on it
class PubGegevens:
    waarden: pd.DataFrame        # pub.indicator_waarden
    grenzen: gpd.GeoDataFrame    # pub.gebied_grenzen, EPSG:28992, the boundary year closest to `jaar`
    bronnen: pd.DataFrame        # pub.bronnen
    kansen: pd.DataFrame         # pub.kansen: one row per kans × theme
    besprekingen: pd.DataFrame   # pub.besprekingen: the latest outcome per wijk × theme
    vergelijkbaar: pd.DataFrame  # pub.vergelijkbare_wijken
    jaar: int                    # peiljaar of the reports: the latest year with figures
    grenzen_jaar: int | None
    _waarden_index: dict = field(default_factory=dict, repr=False)
    _namen: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Reports look values up thousands of times: index them once instead of filtering the frame each time.
        w = self.waarden
        self._waarden_index = {
            (code, indicator, int(jaar)): (None if onderdrukt else float(waarde))
            for code, indicator, jaar, waarde, onderdrukt in zip(w.gebied_code, w.indicator, w.jaar, w.waarde, w.onderdrukt)
        }
        for code, jaar, naam in zip(w.gebied_code, w.jaar, w.gebied_naam):
            if jaar == self.jaar or code not in self._namen:
                self._namen[code] = naam

    def gemeenten(self) -> list[str]:
        rows = self.waarden[(self.waarden.gebied_niveau == "gemeente") & (self.waarden.jaar == self.jaar)]
        return sorted(rows.gebied_code.unique())

    def wijken(self, gemeente: str) -> list[str]:
        rows = self.waarden[
            (self.waarden.gebied_niveau == "wijk") & (self.waarden.ouder_code == gemeente) & (self.waarden.jaar == self.jaar)
        ]
        return sorted(rows.gebied_code.unique())

    def naam(self, code: str) -> str:
        return self._namen.get(code) or code

    def waarde(self, code: str, indicator: str, jaar: int | None = None) -> float | None:
        """The published value, or None when hidden or absent."""
        return self._waarden_index.get((code, indicator, jaar or self.jaar))

    def indicator_info(self, indicator: str) -> tuple[str, str]:
        rows = self.waarden[self.waarden.indicator == indicator]
        if rows.empty:
            raise WijkprofielError(f"unknown indicator {indicator!r}; see pub.indicator_waarden for the keys")
        return rows.label.iloc[0] or indicator, rows.eenheid.iloc[0] or ""

    def laatste_jaar(self, indicator: str, *, bekend: bool = False) -> int | None:
        """The latest year with figures for this indicator (with bekend: with at least one published value)."""
        rows = self.waarden[self.waarden.indicator == indicator]
        if bekend:
            rows = rows[~rows.onderdrukt]
        return int(rows.jaar.max()) if len(rows) else None

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
    # The peiljaar is the latest year CBS describes; the gemeente's own figures may run a year ahead.
    cbs_wijken = waarden[(waarden.gebied_niveau == "wijk") & (waarden.bron == "cbs")]
    jaar = jaar or int((cbs_wijken if len(cbs_wijken) else waarden).jaar.max())
    if jaar not in set(waarden.jaar):
        raise WijkprofielError(f"no figures for {jaar}; available: {sorted(set(waarden.jaar))}")
    grenzen_rows = con.execute("select * from pub.gebied_grenzen").df()
    grenzen_jaar = _dichtstbijzijnde_jaar(sorted(set(grenzen_rows.jaar)), jaar) if len(grenzen_rows) else None
    if grenzen_jaar is not None:
        grenzen_rows = grenzen_rows[grenzen_rows.jaar == grenzen_jaar]
    geometry = shapely.from_wkb(grenzen_rows.pop("geometrie").map(bytes).tolist()) if len(grenzen_rows) else []
    grenzen = gpd.GeoDataFrame(grenzen_rows, geometry=list(geometry), crs=RD_NEW)
    bronnen = con.execute("select * from pub.bronnen order by bron, jaar").df()
    kansen = con.execute("select * from pub.kansen order by wijkcode, naam, thema").df()
    besprekingen = con.execute("select * from pub.besprekingen order by wijkcode, datum desc, thema").df()
    vergelijkbaar = con.execute("select * from pub.vergelijkbare_wijken order by wijkcode, scope, rang").df()
    return PubGegevens(
        waarden=waarden, grenzen=grenzen, bronnen=bronnen, kansen=kansen, besprekingen=besprekingen,
        vergelijkbaar=vergelijkbaar,
        jaar=jaar, grenzen_jaar=grenzen_jaar,
    )


def _dichtstbijzijnde_jaar(jaren: list[int], jaar: int) -> int:
    """The boundary year to draw `jaar` on: that year itself, else the latest before it, else the earliest after."""
    if jaar in jaren:
        return jaar
    eerder = [j for j in jaren if j < jaar]
    return max(eerder) if eerder else min(jaren)

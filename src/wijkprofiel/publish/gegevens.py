"""Everything a report needs, read once from the `pub` schema (and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.reference.areas import gemeente_van
from wijkprofiel.reference.catalogue import KAART_VOLGORDE, indicator as catalogus_indicator

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
    rode_draden: list[dict] = field(default_factory=list)  # pub.rode_draden, per wijk in rang order
    thema_labels: dict[str, str] = field(default_factory=dict)  # pub.themas: theme key → label
    _waarden_index: dict = field(default_factory=dict, repr=False)
    _namen: dict = field(default_factory=dict, repr=False)
    _redenen: dict = field(default_factory=dict, repr=False)
    _index_gemeente: dict | None = field(default=None, repr=False)
    _significant: dict | None = field(default=None, repr=False)
    _interval: dict = field(default_factory=dict, repr=False)
    _indeling: dict = field(default_factory=dict, repr=False)
    _noemer_jaar: dict = field(default_factory=dict, repr=False)
    _jaren_per_indicator: dict = field(default_factory=dict, repr=False)
    _info: dict = field(default_factory=dict, repr=False)
    _kaart: dict = field(default_factory=dict, repr=False)
    _gebieden: dict = field(default_factory=dict, init=False, repr=False)  # fresh in a replace() with other rows

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
        sleutels = list(zip(w.gebied_code, w.indicator, w.jaar.astype(int)))
        for _, indicator, jaar in sleutels:
            self._jaren_per_indicator.setdefault(indicator, set()).add(jaar)
        for indicator, label, eenheid in zip(w.indicator, w.label, w.eenheid):  # (label, unit) of its first row
            if indicator not in self._info:
                self._info[indicator] = (label or indicator, eenheid or "")
        self._redenen = {k: r for k, r, o in zip(sleutels, w.onderdrukt_reden, w.onderdrukt) if o}
        # CBS flags a changed boundary per area and year: ind_wbi 1 means "unchanged".
        self._indeling = {(c, int(j)): int(i) for c, j, i in zip(w.gebied_code, w.jaar, w.ind_wbi) if not pd.isna(i)}
        # A rate computed with another year's denominator (intermediate.verhoudingen): reports mark it.
        if "noemer_jaar" in w.columns:
            for (code, indicator, jaar), n in zip(sleutels, w.noemer_jaar):
                if not pd.isna(n) and int(n) != jaar:
                    self._noemer_jaar.setdefault((code, indicator), {})[jaar] = int(n)
        # Comparison columns appear in pub.indicator_waarden once the indicator catalogue publishes them; until
        # then reports compute no significance and colour nothing.
        if "index_gemeente" in w.columns:
            self._index_gemeente = {k: _getal_of_none(v) for k, v in zip(sleutels, w.index_gemeente)}
        if "significant" in w.columns:
            self._significant = {k: (None if pd.isna(v) else bool(v)) for k, v in zip(sleutels, w.significant)}
        if "interval_onder" in w.columns and "interval_boven" in w.columns:
            self._interval = {
                k: (float(o), float(b))
                for k, o, b in zip(sleutels, w.interval_onder, w.interval_boven) if not (pd.isna(o) or pd.isna(b))
            }

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

    def reden(self, code: str, indicator: str, jaar: int | None = None) -> str | None:
        """Why a value is hidden (pub.indicator_waarden.onderdrukt_reden), or None when it is shown or absent."""
        return self._redenen.get((code, indicator, jaar or self.jaar))

    def index(self, code: str, indicator: str, jaar: int | None = None) -> int | None:
        """Index against the gemeente (gemeente = 100) for shares, rates and averages; None for counts."""
        jaar = jaar or self.jaar
        if self._index_gemeente is not None:
            v = self._index_gemeente.get((code, indicator, jaar))
            return None if v is None else round(v)
        if not is_verhouding(self.indicator_info(indicator)[1]):
            return None
        w, g = self.waarde(code, indicator, jaar), self.waarde(gemeente_van(code), indicator, jaar)
        return round(100 * w / g) if w is not None and g not in (None, 0) else None

    @property
    def heeft_significantie(self) -> bool:
        return self._significant is not None

    def significant(self, code: str, indicator: str, jaar: int | None = None) -> bool | None:
        """Whether the difference from the gemeente is significant; None when pub does not say (then: no colour)."""
        if self._significant is None:
            return None
        return self._significant.get((code, indicator, jaar or self.jaar))

    def interval(self, code: str, indicator: str, jaar: int | None = None) -> tuple[float, float] | None:
        """The 95% uncertainty interval (lower, upper) that `significant` was tested with; None without one."""
        return self._interval.get((code, indicator, jaar or self.jaar))

    def indeling_gewijzigd(self, code: str, jaar: int) -> bool:
        """True when CBS flags a changed boundary for this area in this year (ind_wbi other than 1)."""
        return self._indeling.get((code, int(jaar)), 1) != 1

    def reeks(self, code: str, indicator: str) -> list[tuple[int, float | None]]:
        """(year, published value or None) for every year with figures for this indicator."""
        return [(j, self.waarde(code, indicator, j)) for j in self.jaren_van(indicator)]

    def noemer_jaren(self, code: str, indicator: str) -> dict[int, int]:
        """Year → the year of the denominator, for the years whose rate was computed with another year's."""
        return dict(self._noemer_jaar.get((code, indicator), {}))

    def jaren_van(self, indicator: str) -> list[int]:
        return sorted(self._jaren_per_indicator.get(indicator, ()))

    def indicator_info(self, indicator: str) -> tuple[str, str]:
        info = self._info.get(indicator)
        if info is None:
            raise WijkprofielError(f"unknown indicator {indicator!r}; see pub.indicator_waarden for the keys")
        return info

    def kaartindicator(self, gemeente: str, gewenst: str) -> tuple[str, str | None]:
        """The indicator that colours the gemeente's maps, and a Dutch note when it is not `gewenst`.

        `gewenst` when a wijk of the gemeente has a published value for it in the peiljaar; else the first of
        the catalogue's KAART_VOLGORDE (then any other indicator) that has one. A release without the age
        columns thus gets a map of another share, never a failed publish.
        """
        if (gemeente, gewenst) not in self._kaart:
            wijken = self.wijken(gemeente)

            def gepubliceerd(i: str) -> bool:
                return any(self.waarde(w, i) is not None for w in wijken)

            if gepubliceerd(gewenst):
                self._kaart[gemeente, gewenst] = (gewenst, None)
            else:
                kandidaten = [i for i in (*KAART_VOLGORDE, *sorted(self.indicatoren)) if i in self.indicatoren]
                # nothing published at all (every figure secret): keep what was asked if it exists, for grey maps
                terugval = gewenst if gewenst in self.indicatoren else kandidaten[0]
                gekozen = next((i for i in kandidaten if gepubliceerd(i)), terugval)
                melding = None if gekozen == gewenst else self._kaart_melding(gekozen, gewenst)
                self._kaart[gemeente, gewenst] = (gekozen, melding)
        return self._kaart[gemeente, gewenst]

    def _kaart_melding(self, gekozen: str, gewenst: str) -> str:
        toont = f"Kaart toont {_klein(self.indicator_info(gekozen)[0])}"
        if gewenst in self.indicatoren:
            return f"{toont}; voor {_klein(self.indicator_info(gewenst)[0])} zijn over {self.jaar} geen cijfers gepubliceerd."
        bekend = catalogus_indicator(gewenst)
        if bekend is None:
            return f"{toont}; de gekozen indicator {gewenst!r} bestaat niet."
        waar = "deze CBS-release" if bekend.bron == "cbs" else "de geladen gegevens"
        return f"{toont}; {_klein(bekend.label)} ontbreekt in {waar}."

    def laatste_jaar(self, indicator: str, *, bekend: bool = False) -> int | None:
        """The latest year with figures for this indicator (with bekend: with at least one published value)."""
        rows = self.waarden[self.waarden.indicator == indicator]
        if bekend:
            rows = rows[~rows.onderdrukt]
        return int(rows.jaar.max()) if len(rows) else None

    def jaren(self) -> list[int]:
        return sorted({j for jaren in self._jaren_per_indicator.values() for j in jaren})

    @property
    def indicatoren(self) -> set[str]:
        """The indicator keys present in pub.indicator_waarden."""
        return set(self._info)

    def gebieden(self, niveau: str, ouder: str | None = None, gemeente: str | None = None) -> list[str]:
        # Every wijk report and the index ask for the same few lists hundreds of times: filter the frame once each.
        sleutel = (niveau, ouder, gemeente)
        if sleutel not in self._gebieden:
            rows = self.waarden[(self.waarden.gebied_niveau == niveau) & (self.waarden.jaar == self.jaar)]
            if ouder:
                rows = rows[rows.ouder_code == ouder]
            if gemeente:
                rows = rows[rows.gemeente_code == gemeente]
            self._gebieden[sleutel] = sorted(rows.gebied_code.unique())
        return list(self._gebieden[sleutel])

    def tabel_ids(self) -> list[tuple[int, str]]:
        rows = self.waarden[["jaar", "tabel_id"]].dropna().drop_duplicates()
        return sorted((int(j), t) for j, t in rows.itertuples(index=False))


def is_verhouding(eenheid: str) -> bool:
    """An index against the gemeente only means something for shares, rates and averages, not counts."""
    return eenheid not in ("aantal", "code", "")


def _klein(label: str) -> str:
    """A label inside a sentence: 'Aandeel eenpersoonshuishoudens' → 'aandeel ...'; 'Wmo-cliënten' and 'WOZ' stay."""
    eerste = label.split(" ")[0]
    return label[:1].lower() + label[1:] if eerste[1:].islower() and "-" not in eerste else label


def _getal_of_none(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


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
    resultaat = con.execute("select * from pub.rode_draden order by wijkcode, rang")
    kolommen = [d[0] for d in resultaat.description]
    rode_draden = [dict(zip(kolommen, rij)) for rij in resultaat.fetchall()]  # lists and structs stay Python lists
    thema_labels = dict(con.execute("select thema, label from pub.themas").fetchall())
    return PubGegevens(
        waarden=waarden, grenzen=grenzen, bronnen=bronnen, kansen=kansen, besprekingen=besprekingen,
        vergelijkbaar=vergelijkbaar,
        jaar=jaar, grenzen_jaar=grenzen_jaar, rode_draden=rode_draden, thema_labels=thema_labels,
    )


def _dichtstbijzijnde_jaar(jaren: list[int], jaar: int) -> int:
    """The boundary year to draw `jaar` on: that year itself, else the latest before it, else the earliest after."""
    if jaar in jaren:
        return jaar
    eerder = [j for j in jaren if j < jaar]
    return max(eerder) if eerder else min(jaren)

"""The national front page: with several gemeenten in one run, the folder above the gemeenten's report folders
gets an index.html with a table of the gemeenten (and a map when gemeente boundaries are loaded), each linking to
the gemeente's own index.

Reads only `pub`, read-only, from one or more databases: the national database (pipeline/national.py: every
gemeente's marts and pub in one file) or each gemeente's own file. A page listing all 342 gemeenten must stay
small, so the map has one GeoJSON layer whose gemeenten are simplified to the scale the whole map is drawn at.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from wijkprofiel.db import connect
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.publish.assets import leaflet_css, leaflet_js
from wijkprofiel.publish.gegevens import RD_NEW, _dichtstbijzijnde_jaar
from wijkprofiel.publish.kaart import PALET, VERBORGEN_KLEUR, html_tekst, kaart_onderdelen, nieuwe_kaart, voor_het_web
from wijkprofiel.publish.rapport import _env, met_csp

#: The gemeente's own sources (as pub.bronnen names them): only with one of these are its rode draden its own
#: findings; from CBS figures alone every gemeente would show the same kind of themes.
EIGEN_BRONNEN = ("beschikkingen", "casuistiek", "signalen", "enquete", "kansen", "besprekingen")
#: A theme counts as recurring in a gemeente when it is a rode draad in at least this many of its wijken.
MIN_WIJKEN = 2
#: At most this many recurring rode draden per gemeente on the page (most wijken first).
MAX_RODE_DRADEN = 5
#: Simplification for the overview: about half a pixel of a 1,000-pixel-wide map of the whole area.
PIXELS = 2000
#: Coordinate decimals in the page: 5 decimals of a degree is about a metre, far below a pixel.
DECIMALEN = 5
KLEUR_EIGEN = PALET[3]
KLEUR_CBS = PALET[1]
LEGENDA = [(KLEUR_EIGEN, "met eigen gegevens van de gemeente"), (KLEUR_CBS, "alleen CBS-cijfers"),
           (VERBORGEN_KLEUR, "geen wijkprofielen")]


@dataclass
class Gemeente:
    code: str
    naam: str
    jaar: int
    wijken: list[str]
    inwoners: float | None = None
    eigen_gegevens: bool = False
    rode_draden: list[tuple[str, int]] = field(default_factory=list)  # (theme label, number of wijken)


def rapporten_sjabloon(rapporten: str | Path) -> str:
    """The gemeenten's report folder with `{gemeente}`; a folder without it holds one subfolder per gemeente."""
    rapporten = str(rapporten)
    return rapporten if "{gemeente}" in rapporten else str(Path(rapporten) / "{gemeente}")


def rapporten_wortel(rapporten: str | Path) -> Path:
    """The folder the national page goes in: above the first part of the path that names `{gemeente}`
    (out/rapporten for out/rapporten/{gemeente}, out for out/{gemeente}/rapporten)."""
    voor = rapporten_sjabloon(rapporten).split("{gemeente}", 1)[0]
    return Path(voor) if voor.endswith(("/", os.sep)) else Path(voor).parent


def lees_landelijk(databases: list[str | Path]) -> tuple[dict[str, Gemeente], gpd.GeoDataFrame, list[tuple[int, str]]]:
    """Per gemeente its name, peiljaar, wijken, inwoners and recurring rode draden; the gemeente boundaries
    (EPSG:28992, the year closest to the gemeente's peiljaar); and the CBS tables behind the figures."""
    gemeenten: dict[str, Gemeente] = {}
    grenzen: list[pd.DataFrame] = []
    tabellen: set[tuple[int, str]] = set()
    for db in databases:
        con = connect(db, read_only=True)
        try:
            for code, naam, jaar, wijken, inwoners in con.execute(_GEMEENTEN).fetchall():
                gemeenten[code] = Gemeente(code, naam or code, int(jaar), sorted(wijken), inwoners)
            eigen = {g for (g,) in con.execute(
                "select distinct gemeente from pub.bronnen where bron in (select unnest(?))", [list(EIGEN_BRONNEN)]
            ).fetchall()}  # fmt: skip
            draden = con.execute(_RODE_DRADEN, [MIN_WIJKEN]).fetchall()
            grenzen.append(
                con.execute(
                    "select gebied_code, gebied_naam, jaar, geometrie from pub.gebied_grenzen"
                    " where gebied_niveau = 'gemeente'"
                ).df()
            )
            tabellen |= {(int(j), t) for j, t in con.execute(
                "select distinct jaar, tabel_id from pub.indicator_waarden where tabel_id is not null"
            ).fetchall()}  # fmt: skip
        finally:
            con.close()
        for gemeente in gemeenten.values():
            gemeente.eigen_gegevens |= gemeente.code in eigen
        for code, label, aantal in draden:
            if code in eigen and code in gemeenten and len(gemeenten[code].rode_draden) < MAX_RODE_DRADEN:
                gemeenten[code].rode_draden.append((label, int(aantal)))
    grenzen = _gemeentegrenzen(pd.concat(grenzen), gemeenten)
    for code, naam in zip(grenzen.gebied_code, grenzen.gebied_naam):
        if gemeenten[code].naam == code and isinstance(naam, str) and naam:  # a release without gm names
            gemeenten[code].naam = naam
    return gemeenten, grenzen, sorted(tabellen)


#: Per gemeente: its peiljaar (the latest year of CBS wijk figures, as lees_pub chooses it), its wijken in that
#: year, its name and its number of inhabitants.
_GEMEENTEN = """
with jaren as (
    select gemeente_code, coalesce(max(jaar) filter (where bron = 'cbs'), max(jaar)) as jaar
    from pub.indicator_waarden where gebied_niveau = 'wijk' group by all
)
select j.gemeente_code, any_value(w.gebied_naam) filter (where w.gebied_niveau = 'gemeente'), j.jaar,
       list(distinct w.gebied_code) filter (where w.gebied_niveau = 'wijk'),
       max(w.waarde) filter (where w.gebied_niveau = 'gemeente' and w.indicator = 'inwoners')
from jaren j
join pub.indicator_waarden w on w.gemeente_code = j.gemeente_code and w.jaar = j.jaar
group by all
"""

#: Themes that are a rode draad in at least ? wijken of the gemeente, in its latest cycle; most wijken first.
_RODE_DRADEN = """
with laatste as (
    select * from pub.rode_draden
    where status = 'rode draad'
    qualify jaar = max(jaar) over (partition by gemeente_code)
)
select gemeente_code, any_value(thema_label), count(distinct wijkcode) as wijken
from laatste
group by gemeente_code, thema
having count(distinct wijkcode) >= ?
order by gemeente_code, wijken desc, any_value(thema_label)
"""


def _gemeentegrenzen(rijen: pd.DataFrame, gemeenten: dict[str, Gemeente]) -> gpd.GeoDataFrame:
    """One shape per listed gemeente: of the year closest to its peiljaar (a gemeente can change shape)."""
    rijen = rijen[rijen.gebied_code.isin(list(gemeenten))]
    gekozen = []
    for code, groep in rijen.groupby("gebied_code"):
        jaar = _dichtstbijzijnde_jaar(sorted(set(groep.jaar)), gemeenten[code].jaar)
        gekozen.append(groep[groep.jaar == jaar].iloc[:1])
    rijen = pd.concat(gekozen) if gekozen else rijen.iloc[:0]
    geometrie = shapely.from_wkb(rijen.pop("geometrie").map(bytes).tolist()) if len(rijen) else []
    return gpd.GeoDataFrame(rijen.reset_index(drop=True), geometry=list(geometrie), crs=RD_NEW)


def schrijf_landelijke_index(
    databases: list[str | Path], rapporten: str | Path, *, achtergrond: bool = False
) -> Path:
    """Write index.html above the gemeenten's report folders (`rapporten` holds `{gemeente}`, or is that folder:
    see rapporten_sjabloon), replacing the previous one in one step. Gemeenten whose index.html is not there get
    no link."""
    if not databases:
        raise WijkprofielError("no database to read the gemeenten from")
    sjabloon = rapporten_sjabloon(rapporten)
    wortel = rapporten_wortel(sjabloon)
    gemeenten, grenzen, tabellen = lees_landelijk(databases)
    if not gemeenten:
        raise WijkprofielError(f"{', '.join(map(str, databases))}: no gemeente with wijken in pub.indicator_waarden")

    rijen = []
    for g in sorted(gemeenten.values(), key=lambda g: (g.naam.lower(), g.code)):
        map_ = Path(sjabloon.replace("{gemeente}", g.code))
        index = map_ / "index.html"
        rijen.append(
            {
                "gemeente": g,
                # quoted: a path segment can never turn into another scheme (javascript:) or a query
                "link": quote(Path(os.path.relpath(index, wortel)).as_posix(), safe="/") if index.is_file() else None,
                "rapporten": sum((map_ / f"{w}.html").is_file() for w in g.wijken),
            }
        )
    kaart = _kaart(grenzen, rijen, achtergrond=achtergrond) if not grenzen.empty else None
    jaren = sorted({g.jaar for g in gemeenten.values()})
    html = _env.get_template("landelijk.html.j2").render(
        gemeenten=rijen,
        kaart=kaart,
        legenda=[(kleur, tekst) for kleur, tekst in LEGENDA if kleur in kaart["kleuren"]] if kaart else [],
        jaren=jaren,
        aantal_wijken=sum(len(g.wijken) for g in gemeenten.values()),
        aantal_rapporten=sum(r["rapporten"] for r in rijen),
        met_eigen_gegevens=sum(g.eigen_gegevens for g in gemeenten.values()),
        zonder_grenzen=len(gemeenten) - len(grenzen),
        min_wijken=MIN_WIJKEN,
        tabellen=tabellen,
        grenzen_jaar=max(grenzen.jaar) if not grenzen.empty else None,
        gemaakt_op=date.today(),
        leaflet_css=leaflet_css(),
        leaflet_js=leaflet_js(),
    )
    wortel.mkdir(parents=True, exist_ok=True)
    pad = wortel / "index.html"
    tijdelijk = wortel / f".index.html.{os.getpid()}.tmp"
    tijdelijk.write_text(met_csp(html, achtergrond=achtergrond), encoding="utf-8")
    os.replace(tijdelijk, pad)  # a reader sees the old page or the new one
    return pad


def _kaart(grenzen: gpd.GeoDataFrame, rijen: list[dict], *, achtergrond: bool) -> dict:
    """The gemeenten in one GeoJSON layer, coloured by whether they loaded their own data; a click opens the
    gemeente's index. Simplified as one coverage to about half a pixel of the whole map."""
    minx, miny, maxx, maxy = grenzen.total_bounds
    web = voor_het_web(grenzen[["gebied_code", "geometry"]], tolerantie=max(maxx - minx, maxy - miny) / PIXELS)
    web["geometry"] = shapely.transform(web.geometry.values, lambda xy: np.round(xy, DECIMALEN))
    per_code = {r["gemeente"].code: r for r in rijen}
    features = web[["geometry"]].copy()
    features["naam"] = [html_tekst(per_code[c]["gemeente"].naam) for c in web.gebied_code]
    features["code"] = [html_tekst(c) for c in web.gebied_code]
    features["wijken"] = [len(per_code[c]["gemeente"].wijken) for c in web.gebied_code]
    features["rapporten"] = [per_code[c]["rapporten"] for c in web.gebied_code]
    features["link"] = [per_code[c]["link"] or "" for c in web.gebied_code]  # a link, not text for innerHTML
    features["kleur"] = [
        VERBORGEN_KLEUR if not per_code[c]["link"]
        else KLEUR_EIGEN if per_code[c]["gemeente"].eigen_gegevens
        else KLEUR_CBS
        for c in web.gebied_code
    ]
    kaart = nieuwe_kaart(web.total_bounds, achtergrond=achtergrond)
    laag = folium.GeoJson(
        json.loads(features.to_json()),
        name="Gemeenten",
        style_function=lambda f: {
            "fillColor": f["properties"]["kleur"], "color": "#252525", "weight": 1, "fillOpacity": 0.8,
        },
        highlight_function=lambda f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(
            ["naam", "code", "wijken", "rapporten"], aliases=["Gemeente", "Code", "Wijken", "Wijkrapporten"],
            sticky=True,
        ),
    )
    laag.add_to(kaart)
    kaart.get_root().script.add_child(
        folium.Element(
            "document.addEventListener('DOMContentLoaded', function () {"
            f" {laag.get_name()}.eachLayer(function (l) {{ var link = l.feature.properties.link;"
            " if (link) { l.on('click', function () { window.location.href = link; }); } }); });"
        )
    )
    return {**kaart_onderdelen(kaart), "kleuren": set(features.kleur)}  # the legend shows only these

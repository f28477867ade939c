"""Maps for the reports, drawn with folium but with Leaflet inlined (see assets.py) and no CDN at all.

Geometry is stored in EPSG:28992; only here is it simplified and transformed to EPSG:4326 for the web.
Buurten are simplified as one coverage so neighbouring buurten keep a shared edge (no gaps or overlaps).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely

from wijkprofiel.publish import opmaak

WEB = 4326
#: Simplification tolerance in metres (RD): invisible at wijk zoom, keeps each report small.
TOLERANTIE_M = 5.0
#: ColorBrewer YlGnBu, 5 classes: sequential and safe for colour-blind readers.
PALET = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
VERBORGEN_KLEUR = "#d9d9d9"
BUURT_PANE = "buurten"
KANSEN_PANE = "kansen"  # above the buurten, or the coloured buurten would cover the markers


@dataclass
class KaartLaag:
    """One switchable choropleth layer: an indicator with its label, unit and class breaks."""

    indicator: str
    label: str
    eenheid: str
    grenzen: list[float]

    def kleur(self, value: float | None) -> str:
        if value is None or value != value:
            return VERBORGEN_KLEUR
        for i, bovengrens in enumerate(self.grenzen[1:]):
            if value <= bovengrens:
                return PALET[min(i, len(PALET) - 1)]
        return PALET[-1]

    @property
    def kaartnaam(self) -> str:
        """The layer's name as the layer control shows it (Leaflet writes names with innerHTML)."""
        return html_tekst(self.label)

    def legenda(self) -> list[tuple[str, str]]:
        """(colour, 'from – to') per class, plus the hidden value."""
        items = []
        for i in range(len(self.grenzen) - 1):
            van = opmaak.waarde(self.grenzen[i], self.eenheid)
            tot = opmaak.waarde(self.grenzen[i + 1], self.eenheid)
            items.append((PALET[min(i, len(PALET) - 1)], f"{van} – {tot}"))
        items.append((VERBORGEN_KLEUR, ". = verborgen om de privacy te beschermen, of onbekend"))
        return items


def html_tekst(value) -> str:
    """Text from a source, safe where folium puts it: Leaflet writes tooltips and layer names with innerHTML, and
    folium writes a marker tooltip into a JavaScript template literal, where ` ends the string, ${...} runs and a
    backslash escapes. So besides HTML's specials those three become character references too."""
    return html.escape(str(value)).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def klassegrenzen(values: list[float], klassen: int = 5) -> list[float]:
    """Quantile breaks over all of the gemeente's buurten, so every wijk map uses the same colours."""
    known = sorted(v for v in values if v is not None and v == v)
    if not known:
        return [0.0, 0.0]
    if known[0] == known[-1]:
        return [known[0], known[-1]]
    breaks = [known[round(i * (len(known) - 1) / klassen)] for i in range(klassen + 1)]
    return sorted(set(breaks))


def voor_het_web(frame: gpd.GeoDataFrame, tolerantie: float = TOLERANTIE_M) -> gpd.GeoDataFrame:
    """Simplify as a coverage in RD (metres), then transform to WGS84."""
    frame = frame.copy()
    frame["geometry"] = shapely.coverage_simplify(frame.geometry.values, max(tolerantie, TOLERANTIE_M))
    frame = frame.set_geometry("geometry")
    return frame.to_crs(WEB)


#: Optional background: PDOK's grey BRT-Achtergrondkaart (Kadaster), open data without a key.
ACHTERGROND_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
ACHTERGROND_BRON = 'Achtergrond: <a href="https://www.pdok.nl">PDOK</a> BRT-Achtergrondkaart, Kadaster'


def nieuwe_kaart(bounds, *, achtergrond: bool = False) -> folium.Map:
    """An empty map without CDN assets. Without `achtergrond` it has no background tiles and the page makes no
    request at all; with it, the page asks for one tile first and shows the background only when that arrives,
    so offline the map looks as it does without."""
    kaart = folium.Map(tiles=None, control_scale=False, zoom_control=False, prefer_canvas=False, zoom_snap=0.25)
    kaart.default_js = []
    kaart.default_css = []
    minx, miny, maxx, maxy = bounds
    grenzen = [[miny, minx], [maxy, maxx]]
    kaart.fit_bounds(grenzen)
    # Dutch controls and a metric scale only; and fit the whole area again when the page is printed, because the
    # printed map has another size than the one on screen and Leaflet would otherwise cut it off.
    kaart.get_root().script.add_child(
        folium.Element(
            "document.addEventListener('DOMContentLoaded', function () {"
            f" var m = {kaart.get_name()}, b = {json.dumps(grenzen)};"
            " L.control.zoom({zoomInTitle: 'Inzoomen', zoomOutTitle: 'Uitzoomen'}).addTo(m);"
            " L.control.scale({imperial: false}).addTo(m);"
            " m.attributionControl.setPrefix('<a href=\"https://leafletjs.com\" title=\"Leaflet: bibliotheek voor"
            " interactieve kaarten\">Leaflet</a>');"
            " document.querySelectorAll('.leaflet-control-layers-toggle').forEach(function (a) {"
            " a.title = 'Kaartlagen'; a.setAttribute('aria-label', 'Kaartlagen'); });"
            " function passend() { m.invalidateSize({pan: false}); m.fitBounds(b, {animate: false}); }"
            " window.matchMedia('print').addEventListener('change', passend);"
            " window.addEventListener('beforeprint', passend); window.addEventListener('afterprint', passend); });"
        )
    )
    if achtergrond:
        kaart.get_root().script.add_child(
            folium.Element(
                "document.addEventListener('DOMContentLoaded', function () {"
                f" var m = {kaart.get_name()}, url = {json.dumps(ACHTERGROND_URL)}, proef = new Image();"
                " proef.onload = function () { L.tileLayer(url, {attribution: "
                f"{json.dumps(ACHTERGROND_BRON)}, maxZoom: 19, opacity: 0.7"
                " }).addTo(m).bringToBack(); };"
                " proef.src = url.replace('{z}', '8').replace('{x}', '131').replace('{y}', '84'); });"
            )
        )
    return kaart


def wijk_kaart(
    buurten: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame,
    wijk_omtrek: gpd.GeoDataFrame,
    lagen: list[KaartLaag],
    kansen: list[dict] | None = None,
    *,
    achtergrond: bool = False,
) -> folium.Map:
    """The wijk's buurten coloured per indicator (one base layer each), the rest of the gemeente in grey.

    `buurten` has gebied_code, gebied_naam, geometry (WGS84) and per layer's indicator a value column, and
    optionally `{indicator}__index` (index against the gemeente) and `{indicator}__verborgen` (why it is hidden).
    Layers are Leaflet base layers: one shows at a time, and the legend below the map follows the choice.
    """
    kaart = nieuwe_kaart(buurten.total_bounds, achtergrond=achtergrond)
    folium.map.CustomPane(BUURT_PANE, z_index=420).add_to(kaart)

    if not context.empty:
        rest = context[["gebied_naam", "geometry"]].assign(gebied_naam=context.gebied_naam.map(html_tekst))
        folium.GeoJson(
            json.loads(rest.to_json()),
            name="Rest van de gemeente",
            style_function=lambda f: {"color": "#969696", "weight": 0.6, "fillColor": "#f0f0f0", "fillOpacity": 0.6},
            tooltip=folium.GeoJsonTooltip(["gebied_naam"], labels=False),
            control=False,
        ).add_to(kaart)

    # Every tooltip field and label goes through html_tekst: the tooltip is filled with innerHTML.
    for i, laag in enumerate(lagen):
        features = buurten[["gebied_code", "geometry"]].copy()
        features["gebied_naam"] = [html_tekst(n) for n in buurten.gebied_naam]
        features["gebied_code"] = [html_tekst(c) for c in buurten.gebied_code]
        features["kleur"] = [laag.kleur(v) for v in buurten[laag.indicator]]
        features["waarde_tekst"] = [html_tekst(opmaak.waarde(v, laag.eenheid)) for v in buurten[laag.indicator]]
        features["index_tekst"] = [_index_tekst(v) for v in _kolom(buurten, f"{laag.indicator}__index")]
        features["verborgen_tekst"] = [
            html_tekst(_verborgen_tekst(v)) for v in _kolom(buurten, f"{laag.indicator}__verborgen")
        ]
        group = folium.FeatureGroup(name=laag.kaartnaam, overlay=False, show=(i == 0))
        folium.GeoJson(
            json.loads(features.to_json()),
            style_function=lambda f: {
                "fillColor": f["properties"]["kleur"], "color": "#4d4d4d", "weight": 1, "fillOpacity": 0.85,
            },
            highlight_function=lambda f: {"weight": 3, "color": "#000000"},
            tooltip=folium.GeoJsonTooltip(
                ["gebied_naam", "gebied_code", "waarde_tekst", "index_tekst", "verborgen_tekst"],
                aliases=["Buurt", "Code", laag.kaartnaam, "Index (gemeente = 100)", "Verborgen"],
                sticky=True,
            ),
            pane=BUURT_PANE,
        ).add_to(group)
        group.add_to(kaart)

    folium.GeoJson(
        json.loads(wijk_omtrek[["geometry"]].to_json()),
        style_function=lambda f: {"color": "#000000", "weight": 3, "fill": False},
        control=False,
        interactive=False,
    ).add_to(kaart)
    if kansen:
        voeg_kansen_toe(kaart, kansen)
    if len(lagen) > 1 or kansen:
        folium.LayerControl(collapsed=True).add_to(kaart)  # expanded, ten layers cover the wijk
        # Show the legend of the chosen layer (the page has one <ul class="legenda" data-laag=...> per layer, whose
        # attribute holds the layer's kaartnaam: the escaped name is what the control reports as e.name).
        kaart.get_root().script.add_child(
            folium.Element(
                "document.addEventListener('DOMContentLoaded', function () {"
                f" {kaart.get_name()}.on('baselayerchange', function (e) {{"
                " document.querySelectorAll('ul.legenda[data-laag]').forEach(function (ul) {"
                " ul.hidden = ul.getAttribute('data-laag') !== e.name; }); }); });"
            )
        )
    return kaart


def _kolom(frame: gpd.GeoDataFrame, naam: str) -> list:
    return list(frame[naam]) if naam in frame.columns else [None] * len(frame)


def _index_tekst(index) -> str:
    return "–" if index is None or index != index else opmaak.getal(index)


def _verborgen_tekst(reden) -> str:
    """Whether the value is hidden, and why: the reader must never take '.' for zero."""
    return "nee" if reden is None or reden != reden else f"ja ({reden})"


KANS_KLEUR = "#d95f02"  # ColorBrewer Dark2 orange: stands out from the blue-green buurten for colour-blind readers too


def voeg_kansen_toe(kaart: folium.Map, kansen: list[dict]) -> None:
    """Kansen as markers (circles, no icon images needed), in their own switchable layer.

    kansen: dicts with naam, soort, themas (labels), contact, lat, lon and benadering (True when the point is
    the buurt's, not the kans's own address).
    """
    folium.map.CustomPane(KANSEN_PANE, z_index=430).add_to(kaart)
    groep = folium.FeatureGroup(name="Kansen: wat er al is", overlay=True, show=True)
    for kans in kansen:
        regels = [f"<strong>{html_tekst(kans['naam'])}</strong>"]
        if kans.get("soort"):
            regels.append(html_tekst(kans["soort"]))
        regels.append("Thema's: " + html_tekst(", ".join(kans["themas"])))
        if kans.get("contact"):
            regels.append("Contact: " + html_tekst(kans["contact"]))
        if kans.get("benadering"):
            regels.append("<em>Ligging bij benadering (midden van de buurt)</em>")
        marker = folium.CircleMarker(
            location=[kans["lat"], kans["lon"]],
            radius=7,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=KANS_KLEUR,
            fill_opacity=0.95,
            tooltip=folium.Tooltip("<br>".join(regels)),
            class_name="kans",
        )
        marker.options["pane"] = KANSEN_PANE  # folium's CircleMarker takes no pane argument
        marker.add_to(groep)
    groep.add_to(kaart)


def gemeente_kaart(wijken: gpd.GeoDataFrame, laag: KaartLaag, *, achtergrond: bool = False) -> folium.Map:
    """All wijken of the gemeente; a click opens the wijk's report."""
    kaart = nieuwe_kaart(wijken.total_bounds, achtergrond=achtergrond)
    features = wijken[["gebied_code", "geometry"]].copy()
    features["rapport"] = features["gebied_code"] + ".html"  # a link, not text for innerHTML
    features["gebied_code"] = [html_tekst(c) for c in wijken.gebied_code]
    features["gebied_naam"] = [html_tekst(n) for n in wijken.gebied_naam]
    features["kleur"] = [laag.kleur(v) for v in wijken[laag.indicator]]
    features["waarde_tekst"] = [html_tekst(opmaak.waarde(v, laag.eenheid)) for v in wijken[laag.indicator]]
    layer = folium.GeoJson(
        json.loads(features.to_json()),
        name=laag.kaartnaam,
        style_function=lambda f: {
            "fillColor": f["properties"]["kleur"], "color": "#252525", "weight": 1.5, "fillOpacity": 0.8,
        },
        highlight_function=lambda f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(
            ["gebied_naam", "gebied_code", "waarde_tekst"], aliases=["Wijk", "Code", laag.kaartnaam], sticky=True
        ),
    )
    layer.add_to(kaart)
    # Clicking a wijk opens its report (folium has no link option for GeoJSON features).
    kaart.get_root().script.add_child(
        folium.Element(
            "document.addEventListener('DOMContentLoaded', function () {"
            f" {layer.get_name()}.eachLayer(function (l) {{"
            " l.on('click', function () { window.location.href = l.feature.properties.rapport; }); }); });"
        )
    )
    return kaart


def kaart_onderdelen(kaart: folium.Map) -> dict[str, str]:
    """The map's <head> part, its <div> and its script, to place inside our own page template."""
    figuur = kaart.get_root()
    figuur.render()
    return {"head": figuur.header.render(), "div": figuur.html.render(), "script": figuur.script.render()}

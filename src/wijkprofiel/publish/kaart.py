"""Maps for the reports, drawn with folium but with Leaflet inlined (see assets.py) and no CDN at all.

Geometry is stored in EPSG:28992; only here is it simplified and transformed to EPSG:4326 for the web.
Buurten are simplified as one coverage so neighbouring buurten keep a shared edge (no gaps or overlaps).
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops

from wijkprofiel.publish import opmaak

WEB = 4326
#: Simplification tolerance in metres (RD): invisible at wijk zoom, keeps each report small.
TOLERANTIE_M = 5.0
#: ColorBrewer YlGnBu, 5 classes: sequential and safe for colour-blind readers.
PALET = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
VERBORGEN_KLEUR = "#d9d9d9"
BUURT_PANE = "buurten"
BUURT_Z = 420
KANSEN_PANE = "kansen"  # above the buurten, or the coloured buurten would cover the markers


@dataclass
class KaartLaag:
    """One indicator the map can be coloured by: its label, unit, class breaks, the year its values are of and the
    gemeente's value (for the tooltip and legend). `klassen` names the classes instead of 'from – to' breaks;
    `groep` is the heading it is listed under in the map's choice."""

    indicator: str
    label: str
    eenheid: str
    grenzen: list[float]
    jaar: int | None = None
    gemeente: float | None = None
    klassen: list[str] | None = None
    groep: str = "Kenmerken"

    def klasse(self, value: float | None) -> int:
        """The value's class, 0 (lowest) to len(PALET) - 1; -1 for a hidden or unknown value."""
        if value is None or value != value:
            return -1
        for i, bovengrens in enumerate(self.grenzen[1:]):
            if value <= bovengrens:
                return min(i, len(PALET) - 1)
        return min(max(len(self.grenzen) - 2, 0), len(PALET) - 1)

    def kleur(self, value: float | None) -> str:
        klasse = self.klasse(value)
        return VERBORGEN_KLEUR if klasse < 0 else PALET[klasse]

    @property
    def kaartnaam(self) -> str:
        """The layer's name as the map's tooltip shows it (written there with innerHTML)."""
        return html_tekst(self.label)

    @property
    def gemeente_tekst(self) -> str | None:
        return None if self.gemeente is None else opmaak.waarde(self.gemeente, self.eenheid)

    def legenda(self) -> list[tuple[str, str]]:
        """(colour, 'from – to' or the class's name) per class, plus the hidden value."""
        if self.klassen:
            items = [(PALET[i], tekst) for i, tekst in enumerate(self.klassen)]
        else:
            items = []
            for i in range(max(len(self.grenzen) - 1, 1)):
                van = opmaak.waarde(self.grenzen[i], self.eenheid)
                tot = opmaak.waarde(self.grenzen[min(i + 1, len(self.grenzen) - 1)], self.eenheid)
                items.append((PALET[min(i, len(PALET) - 1)], van if van == tot else f"{van} – {tot}"))
        if not self.klassen:  # named classes cover every value (a count of rode draden is never hidden)
            items.append((VERBORGEN_KLEUR, ". = verborgen om de privacy te beschermen, of onbekend"))
        return items


def html_tekst(value) -> str:
    """Text from a source, safe where folium puts it: Leaflet writes tooltips and layer names with innerHTML, and
    folium writes a marker tooltip into a JavaScript template literal, where ` ends the string, ${...} runs and a
    backslash escapes. So besides HTML's specials those three become character references too."""
    return html.escape(str(value)).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def klassegrenzen(values: list[float], klassen: int = 5, decimalen: int = 1) -> list[float]:
    """Quantile breaks over all of the gemeente's areas, so every wijk map uses the same colours.

    Breaks are rounded to the decimals the legend shows, so the legend's figures are the breaks themselves and two
    classes never read the same ('2,0 – 2,0'); a break equal to the one before is dropped (fewer, honest classes).
    """
    known = sorted(v for v in values if v is not None and v == v)
    if not known:
        return [0.0, 0.0]
    if known[0] == known[-1]:
        return [known[0], known[-1]]
    breaks = [known[round(i * (len(known) - 1) / klassen)] for i in range(klassen + 1)]
    # the outer breaks are rounded outwards, so the lowest and highest value stay inside the classes
    stap = 10.0 ** -decimalen
    afgerond = [math.floor(breaks[0] / stap) * stap] + [round(b, decimalen) for b in breaks[1:-1]]
    afgerond.append(math.ceil(breaks[-1] / stap - 1e-9) * stap)
    return sorted({round(b, decimalen) for b in afgerond})


def voor_het_web(frame: gpd.GeoDataFrame, tolerantie: float = TOLERANTIE_M) -> gpd.GeoDataFrame:
    """Simplify as a coverage in RD (metres), then transform to WGS84."""
    frame = frame.copy()
    frame["geometry"] = shapely.coverage_simplify(frame.geometry.values, max(tolerantie, TOLERANTIE_M))
    frame = frame.set_geometry("geometry").to_crs(WEB)
    # a grid of 1e-5 degree is about a metre: finer than the simplification, and half the bytes of the page;
    # set_precision (not plain rounding) keeps every polygon valid for the union of the wijk's outline
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 1e-5)
    return frame


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


def json_voor_script(value) -> str:
    """JSON that is safe inside an inline <script>: '</' cannot end the element, '<!--' cannot open a comment, and
    U+2028/U+2029 (line ends to older JavaScript) cannot end a string."""
    tekst = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for teken in ("<", ">", "&", "\u2028", "\u2029"):
        tekst = tekst.replace(teken, f"\\u{ord(teken):04x}")
    return tekst


#: The map's one coloured layer, restyled when the reader picks another indicator in the <select> beside the map.
#: Data: the GeoJSON (per feature n = name, k = class per indicator, w = value text per indicator, x/y = label
#: point, r = link), the indicators (label, gemeente value) and the ids of the select and the legends. Every text
#: arrives escaped (html_tekst): the tooltip and labels are written with innerHTML. No eval, no inline handlers:
#: the page's Content-Security-Policy allows only this script by its hash.
KIEZER_JS = """
function wijkprofielKaart(m, g) {
  var keuze = 0, kiezer = document.getElementById(g.kiezer), pane = m.createPane(g.pane), labels = [];
  pane.style.zIndex = g.pane_z;
  var lp = m.createPane('kaartlabels');
  lp.style.zIndex = g.pane_z + 5; lp.style.pointerEvents = 'none';
  function kleur(f) { var k = f.properties.k[keuze]; return k < 0 ? g.verborgen : g.palet[k]; }
  function stijl(f) { return {fillColor: kleur(f), color: g.lijn, weight: g.dikte, fillOpacity: 0.85}; }
  function tekst(l) {
    var p = l.feature.properties, laag = g.lagen[keuze];
    var rij = '<tr><th>' + g.soort + '</th><td>' + p.w[keuze] + '</td></tr>';
    if (laag.gemeente) rij += '<tr><th>' + g.gemeente + '</th><td>' + laag.gemeente + '</td></tr>';
    return '<strong>' + p.n + '</strong><span class="tip-kenmerk">' + laag.label + '</span><table>' + rij + '</table>';
  }
  // a sticky tooltip follows the mouse; near the map's edge it is moved back inside
  function binnen(e) {
    var t = e.target.getTooltip();
    if (!t || !t.isOpen()) return;
    var el = t.getElement(), r = el.getBoundingClientRect(), c = m.getContainer().getBoundingClientRect();
    var dx = Math.max(c.left + 4 - r.left, Math.min(0, c.right - 4 - r.right));
    var dy = Math.max(c.top + 4 - r.top, Math.min(0, c.bottom - 4 - r.bottom));
    if (dx || dy) L.DomUtil.setPosition(el, L.DomUtil.getPosition(el).add(L.point(dx, dy)));
  }
  var laag = L.geoJSON(g.geojson, {pane: g.pane, style: stijl, onEachFeature: function (f, l) {
    l.bindTooltip(tekst, {sticky: true, direction: 'auto', opacity: 1, className: 'kaarttip'});
    l.on('tooltipopen mousemove', binnen);
    l.on('mouseover', function () { l.setStyle({weight: 3, color: '#000000'}); });
    l.on('mouseout', function () { laag.resetStyle(l); });
    if (f.properties.r) l.on('click', function () { window.location.href = f.properties.r; });
    labels.push(L.marker([f.properties.y, f.properties.x], {pane: 'kaartlabels', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'kaartlabel', html: '<span>' + f.properties.n + '</span>', iconSize: null})
    }).addTo(m));
  }}).addTo(m);
  // labels come largest area first; one that would overlap a label already shown stays hidden at this zoom
  function spreid() {
    var bezet = [], c = m.getContainer().getBoundingClientRect();
    labels.forEach(function (mk) {
      var s = mk.getElement().firstChild;
      s.style.visibility = 'visible';
      var r = s.getBoundingClientRect();
      // a label cut off by the map's edge is hidden too: half a name reads as another name
      var buiten = r.left < c.left || r.right > c.right || r.top < c.top || r.bottom > c.bottom;
      var botst = buiten || bezet.some(function (b) {
        return r.left < b.right + 2 && r.right > b.left - 2 && r.top < b.bottom + 1 && r.bottom > b.top - 1; });
      if (botst) s.style.visibility = 'hidden'; else bezet.push(r);
    });
  }
  m.on('zoomend moveend resize', spreid);
  spreid();
  if (!kiezer) return;
  kiezer.addEventListener('change', function () {
    keuze = parseInt(kiezer.value, 10) || 0;
    laag.setStyle(stijl);
    laag.eachLayer(function (l) { if (l.isTooltipOpen()) l.setTooltipContent(tekst(l)); });
    document.querySelectorAll(g.legenda).forEach(function (ul) {
      ul.hidden = ul.getAttribute('data-keuze') !== String(keuze); });
    var naam = document.getElementById(g.kiezer + '-naam');
    if (naam) naam.textContent = kiezer.options[kiezer.selectedIndex].getAttribute('data-kort');
  });
}
"""


def kiesbare_laag(
    kaart: folium.Map,
    gebieden: gpd.GeoDataFrame,
    lagen: list[KaartLaag],
    *,
    kiezer: str,
    gemeente_naam: str,
    soort: str,
    links: bool = False,
    lijn: tuple[str, float] = ("#4d4d4d", 1),
) -> None:
    """The areas as one GeoJSON layer that the reader colours by any of `lagen` (select #kiezer; legends
    `ul.legenda[data-keuze=i]`), with a name label per area and a tooltip of name, value and the gemeente's value.

    `gebieden` has gebied_code, gebied_naam, geometry (WGS84), per layer's indicator a value column and optionally
    `{indicator}__verborgen`, why the value is hidden.
    """
    kaart.get_root().header.add_child(folium.Element(KAART_CSS))
    # the largest area first: its label wins where two would overlap
    volgorde = pd.Series(shapely.area(gebieden.geometry.values), index=gebieden.index).sort_values(ascending=False)
    features = []
    for rij in gebieden.loc[volgorde.index].to_dict("records"):
        punt = _labelpunt(rij["geometry"])
        eigenschappen = {
            "n": html_tekst(rij["gebied_naam"]),
            "k": [laag.klasse(rij[laag.indicator]) for laag in lagen],
            "w": [html_tekst(_waarde_tekst(laag, rij[laag.indicator], rij.get(f"{laag.indicator}__verborgen")))
                  for laag in lagen],
            "x": round(punt.x, 5),
            "y": round(punt.y, 5),
        }
        if links:
            eigenschappen["r"] = f"{rij['gebied_code']}.html"
        geometrie = shapely.geometry.mapping(rij["geometry"])
        features.append({"type": "Feature", "properties": eigenschappen, "geometry": geometrie})
    gegevens = {
        "geojson": {"type": "FeatureCollection", "features": features},
        "lagen": [{"label": laag.kaartnaam, "gemeente": html_tekst(laag.gemeente_tekst or "")} for laag in lagen],
        "gemeente": html_tekst(f"Gemeente {gemeente_naam}"),
        "soort": soort,
        "palet": PALET,
        "verborgen": VERBORGEN_KLEUR,
        "pane": BUURT_PANE,
        "pane_z": BUURT_Z,
        "kiezer": kiezer,
        "legenda": f"ul.legenda[data-kiezer={kiezer}]",
        "lijn": lijn[0],
        "dikte": lijn[1],
    }
    root = kaart.get_root().script
    root.add_child(folium.Element(KIEZER_JS))
    root.add_child(
        folium.Element(
            "document.addEventListener('DOMContentLoaded', function () {"
            f" wijkprofielKaart({kaart.get_name()}, {json_voor_script(gegevens)}); }});"
        )
    )


#: The map's own styles: an opaque tooltip, and name labels readable on any fill (a white halo) and in print.
KAART_CSS = """<style>
  .leaflet-tooltip.kaarttip, .kaart .leaflet-tooltip { opacity: 1 !important; background: #ffffff; color: #1a1a1a;
    border: 1px solid #636363; box-shadow: 0 1px 4px rgba(0,0,0,.35); font-size: .85rem; max-width: 16rem;
    white-space: normal; }
  .kaarttip { min-width: 11rem; }
  .kaarttip .tip-kenmerk { display: block; font-size: .78rem; color: #404040; margin-top: .1rem; }
  .kaarttip table { margin: .15rem 0 0; font-size: .85rem; width: auto; }
  .kaarttip th, .kaarttip td { border: 0; padding: 0 .4rem 0 0; font-weight: normal; }
  .kaarttip td { font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
  .kaartlabel span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-size: 11px;
    font-weight: 600; color: #1a1a1a; line-height: 1.1;
    text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
  .kaartkiezer { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .6rem; margin: .4rem 0 .2rem; }
  .kaartkiezer select { font: inherit; max-width: 100%; padding: .15rem .3rem; }
  @media (max-width: 40rem) { .kaartlabel span { font-size: 10px; } }
  @media print { .kaartkiezer select { border: 0; appearance: none; font-weight: 600; }
    .kaartlabel span { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>"""


def _labelpunt(geometry) -> shapely.Point:
    """Where the area's name goes: the visual centre of its largest part (a centroid can lie outside)."""
    if geometry.geom_type == "MultiPolygon":
        geometry = max(geometry.geoms, key=lambda g: g.area)
    try:
        return shapely.ops.polylabel(geometry, tolerance=1e-5)
    except Exception:  # a degenerate polygon: any point on it will do
        return geometry.representative_point()


def _waarde_tekst(laag: KaartLaag, value, reden) -> str:
    """The value as the legend writes it; a hidden one says why, so the reader never takes '.' for zero."""
    klasse = laag.klasse(value)
    tekst = laag.klassen[klasse] if laag.klassen and klasse >= 0 else opmaak.waarde(value, laag.eenheid)
    if reden is None or reden != reden:
        return tekst
    return f"{tekst} (verborgen: {reden})"


def wijk_kaart(
    buurten: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame,
    wijk_omtrek: gpd.GeoDataFrame,
    lagen: list[KaartLaag],
    kansen: list[dict] | None = None,
    *,
    gemeente_naam: str = "Gemeente",
    achtergrond: bool = False,
) -> folium.Map:
    """The wijk's buurten coloured by the reader's choice of `lagen` (the first at the start), the rest of the
    gemeente in grey.

    `buurten` has gebied_code, gebied_naam, geometry (WGS84) and per layer's indicator a value column, and
    optionally `{indicator}__verborgen` (why it is hidden).
    """
    kaart = nieuwe_kaart(buurten.total_bounds, achtergrond=achtergrond)
    if not context.empty:
        rest = context[["gebied_naam", "geometry"]].assign(gebied_naam=context.gebied_naam.map(html_tekst))
        folium.GeoJson(
            json.loads(rest.to_json()),
            name="Rest van de gemeente",
            style_function=lambda f: {"color": "#969696", "weight": 0.6, "fillColor": "#f0f0f0", "fillOpacity": 0.6},
            tooltip=folium.GeoJsonTooltip(["gebied_naam"], labels=False),
            control=False,
        ).add_to(kaart)
    kiesbare_laag(kaart, buurten, lagen, kiezer="kaartkeuze", gemeente_naam=gemeente_naam, soort="Buurt")
    folium.GeoJson(
        json.loads(wijk_omtrek[["geometry"]].to_json()),
        style_function=lambda f: {"color": "#000000", "weight": 3, "fill": False},
        control=False,
        interactive=False,
    ).add_to(kaart)
    if kansen:
        voeg_kansen_toe(kaart, kansen)
        folium.LayerControl(collapsed=True).add_to(kaart)  # only to switch the kansen off
    return kaart


KANS_KLEUR = "#d95f02"  # ColorBrewer Dark2 orange: stands out from the blue-green buurten for colour-blind readers too


def voeg_kansen_toe(kaart: folium.Map, kansen: list[dict]) -> None:
    """Kansen as markers (circles, no icon images needed), in their own switchable layer.

    kansen: dicts with naam, soort, themas (labels), contact, lat, lon and benadering (True when the point is
    the buurt's, not the kans's own address).
    """
    folium.map.CustomPane(KANSEN_PANE, z_index=BUURT_Z + 10).add_to(kaart)
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


def gemeente_kaart(
    wijken: gpd.GeoDataFrame, lagen: list[KaartLaag], *, gemeente_naam: str = "Gemeente", achtergrond: bool = False
) -> folium.Map:
    """All wijken of the gemeente, coloured by the reader's choice of `lagen`; a click opens the wijk's report."""
    kaart = nieuwe_kaart(wijken.total_bounds, achtergrond=achtergrond)
    kiesbare_laag(kaart, wijken, lagen, kiezer="kaartkeuze", gemeente_naam=gemeente_naam, soort="Wijk", links=True,
                  lijn=("#252525", 1.5))
    return kaart


def kaart_onderdelen(kaart: folium.Map) -> dict[str, str]:
    """The map's <head> part, its <div> and its script, to place inside our own page template."""
    figuur = kaart.get_root()
    figuur.render()
    return {"head": figuur.header.render(), "div": figuur.html.render(), "script": figuur.script.render()}

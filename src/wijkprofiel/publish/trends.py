"""Small static trend charts as inline SVG: no script, so they print and open everywhere.

One chart per key indicator: the wijk's published values per year beside the gemeente's, on a y-axis with a few
labelled ticks (Dutch number format) and an x-axis with every loaded year. A year without a published value is a
gap in the line and a '.' on the axis, never a zero and never left out. The years in which CBS flags a changed
wijk boundary get a dashed line and the legend line "indeling gewijzigd". A rate computed with the denominator of
another year (pub.indicator_waarden.noemer_jaar) is an open marker with its own legend line. Styling is by SVG
presentation attributes and the report's classes only: the reports' CSP allows no inline style or script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from wijkprofiel.publish import opmaak

BREEDTE, PLOT_HOOGTE = 320, 150
LINKS, RECHTS, BOVEN, ONDER = 46, 16, 18, 24  # LINKS leaves room for tick labels such as "12.000"
LEGENDAREGEL = 14
#: The first and last year stand this far inside the axes, so their value labels clear the y-axis tick labels.
INSPRING = 20
#: Colour-blind-safe pair (ColorBrewer YlGnBu dark blue, Dark2 orange), told apart by line style and marker too.
WIJK_KLEUR = "#253494"
GEMEENTE_KLEUR = "#d95f02"
AS_KLEUR = "#969696"
RASTER_KLEUR = "#e0e0e0"
WIJZIGING_KLEUR = "#636363"
#: More years than this: every year keeps its tick, but labels and values go to every other year and the last.
MAX_LABELS = 8


@dataclass
class Reeks:
    naam: str
    punten: list[tuple[int, float | None]]  # (year, published value or None when hidden)
    #: year → the year whose denominator the rate was computed with, only where that is another year
    noemer_jaren: dict[int, int] = field(default_factory=dict)


def trend_svg(
    titel: str,
    eenheid: str,
    wijk: Reeks,
    gemeente: Reeks | None,
    wijzigingen: set[int],
    svg_id: str,
    jaren: list[int] | None = None,
) -> Markup:
    """The chart as an <svg> element with <title>/<desc> that a screen reader reads as the full series.

    `jaren` are the loaded years, each on the x-axis whether or not it has a value (default: the series' years).
    """
    jaren = sorted(set(jaren or ()) | {j for r in (wijk, gemeente) if r for j, _ in r.punten})
    wijk, gemeente = _op_alle_jaren(wijk, jaren), (_op_alle_jaren(gemeente, jaren) if gemeente else None)
    reeksen = [r for r in (wijk, gemeente) if r is not None]
    bekend = [v for r in reeksen for _, v in r.punten if v is not None]
    ticks = as_ticks(min(bekend, default=0.0), max(bekend, default=0.0))
    onder, top = ticks[0], ticks[-1]
    ander_noemerjaar = any(r.noemer_jaren for r in reeksen)
    legenda = (["indeling gewijzigd"] if wijzigingen & set(jaren) else []) + (
        ["noemer van een ander jaar"] if ander_noemerjaar else []
    )
    hoogte = PLOT_HOOGTE + (LEGENDAREGEL * len(legenda) + 6 if legenda else 0)
    basis = PLOT_HOOGTE - ONDER  # y of the x-axis
    gelabeld = _gelabelde_jaren(jaren)

    def x(jaar: int) -> float:
        if len(jaren) == 1:
            return (LINKS + BREEDTE - RECHTS) / 2
        return LINKS + INSPRING + (BREEDTE - LINKS - RECHTS - 2 * INSPRING) * jaren.index(jaar) / (len(jaren) - 1)

    def y(v: float) -> float:
        return BOVEN + (basis - BOVEN) * (1 - (v - onder) / (top - onder))

    delen = [
        f'<svg class="trend" id="{svg_id}" viewBox="0 0 {BREEDTE} {hoogte}" width="{BREEDTE}" height="{hoogte}" '
        f'role="img" aria-labelledby="{svg_id}-t {svg_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{svg_id}-t">{escape(titel)}</title>',
        f'<desc id="{svg_id}-d">{escape(_beschrijving(eenheid, reeksen, wijzigingen))}</desc>',
    ]
    decimalen = _tick_decimalen(ticks)
    for t in ticks:  # y-axis: light grid lines with their labels
        delen.append(
            f'<line class="raster" x1="{LINKS}" y1="{y(t):.1f}" x2="{BREEDTE - RECHTS}" y2="{y(t):.1f}" '
            f'stroke="{RASTER_KLEUR}"/>'
            f'<text class="as y-tick" x="{LINKS - 5}" y="{y(t) + 3.5:.1f}" text-anchor="end">'
            f"{escape(_tick_tekst(t, decimalen, eenheid))}</text>"
        )
    delen.append(f'<line class="y-as" x1="{LINKS}" y1="{BOVEN - 4}" x2="{LINKS}" y2="{basis}" stroke="{AS_KLEUR}"/>')
    delen.append(f'<line class="x-as" x1="{LINKS}" y1="{basis}" x2="{BREEDTE - RECHTS}" y2="{basis}" stroke="{AS_KLEUR}"/>')
    for jaar in jaren:
        delen.append(
            f'<line class="x-streepje" x1="{x(jaar):.1f}" y1="{basis}" x2="{x(jaar):.1f}" y2="{basis + 3}" stroke="{AS_KLEUR}"/>'
        )
        if jaar in gelabeld:
            delen.append(f'<text class="as x-tick" x="{x(jaar):.1f}" y="{basis + 14}" text-anchor="middle">{jaar}</text>')
        if jaar in wijzigingen:
            delen.append(
                f'<line class="indeling-gewijzigd" x1="{x(jaar):.1f}" y1="{BOVEN - 6}" x2="{x(jaar):.1f}" y2="{basis}" '
                f'stroke="{WIJZIGING_KLEUR}" stroke-dasharray="2 3"/>'
                f'<path d="{_driehoek(x(jaar), BOVEN - 6)}" fill="{WIJZIGING_KLEUR}"/>'
            )
    for reeks, kleur, streep, vorm in ((gemeente, GEMEENTE_KLEUR, ' stroke-dasharray="5 3"', "vierkant"), (wijk, WIJK_KLEUR, "", "rond")):
        if reeks is None:
            continue
        for stuk in _stukken(reeks.punten):  # a hidden year breaks the line
            if len(stuk) > 1:
                pad = " ".join(f"{x(j):.1f},{y(v):.1f}" for j, v in stuk)
                delen.append(f'<polyline points="{pad}" fill="none" stroke="{kleur}" stroke-width="2"{streep}/>')
        for jaar, v in reeks.punten:
            if v is None:
                if reeks is wijk:
                    delen.append(
                        f'<text class="waarde ontbreekt" x="{x(jaar):.1f}" y="{basis - 4}" text-anchor="middle">.</text>'
                    )
                continue
            vulling = "#ffffff" if jaar in reeks.noemer_jaren else kleur  # open: another year's denominator
            if vorm == "rond":
                delen.append(
                    f'<circle cx="{x(jaar):.1f}" cy="{y(v):.1f}" r="3.5" fill="{vulling}" stroke="{kleur}" stroke-width="1.5"/>'
                )
                if jaar in gelabeld:
                    delen.append(
                        f'<text class="waarde" x="{x(jaar):.1f}" y="{y(v) - 7:.1f}" text-anchor="middle">'
                        f"{escape(opmaak.waarde(v, eenheid))}</text>"
                    )
            else:
                delen.append(
                    f'<rect x="{x(jaar) - 3:.1f}" y="{y(v) - 3:.1f}" width="6" height="6" fill="{vulling}" '
                    f'stroke="{kleur}" stroke-width="1.5"/>'
                )
    for i, regel in enumerate(legenda):  # legend lines under the x-axis labels, each with its own marker
        midden = PLOT_HOOGTE + 6 + LEGENDAREGEL * i
        if regel == "indeling gewijzigd":
            teken = (f'<line x1="{LINKS + 4}" y1="{midden - 1}" x2="{LINKS + 4}" y2="{midden + 6}" stroke="{WIJZIGING_KLEUR}" '
                     f'stroke-dasharray="2 2"/><path d="{_driehoek(LINKS + 4, midden - 1)}" fill="{WIJZIGING_KLEUR}"/>')
        else:
            teken = f'<circle cx="{LINKS + 4}" cy="{midden}" r="3.5" fill="#ffffff" stroke="{WIJK_KLEUR}" stroke-width="1.5"/>'
        delen.append(f'<g class="legenda-regel">{teken}<text class="as" x="{LINKS + 14}" y="{midden + 3.5}">{regel}</text></g>')
    delen.append("</svg>")
    return Markup("".join(delen))


def as_ticks(laagste: float, hoogste: float, doel: int = 4) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k apart) from zero (or below it, for a negative value) to just above
    the highest value: a rate axis starts at zero, so small changes don't look big."""
    onder = min(0.0, laagste)
    boven = max(hoogste, 0.0, onder + 1e-9)
    ruw = (boven - onder) / (doel - 1)
    macht = 10 ** math.floor(math.log10(ruw)) if ruw > 0 else 1.0
    stap = next(f * macht for f in (1, 2, 2.5, 5, 10) if f * macht >= ruw)
    if stap < 1 and hoogste <= 0 and laagste >= 0:  # nothing but zeros (or nothing): a plain 0–1 axis
        return [0.0, 1.0]
    eerste = math.floor(onder / stap) * stap
    ticks = [eerste]
    while ticks[-1] < boven - 1e-9 or len(ticks) < 2:
        ticks.append(round(ticks[-1] + stap, 10))
    return ticks  # the value label of a point at the top tick goes in the margin above (BOVEN)


def _tick_decimalen(ticks: list[float]) -> int:
    stap = ticks[1] - ticks[0]
    return next((d for d in range(3) if abs(round(stap, d) - stap) < 1e-9), 3)


def _tick_tekst(t: float, decimalen: int, eenheid: str) -> str:
    tekst = opmaak.getal(t + 0.0, decimalen)  # + 0.0: no "-0"
    return f"{tekst}%" if eenheid == "%" else tekst


def _gelabelde_jaren(jaren: list[int]) -> set[int]:
    if len(jaren) <= MAX_LABELS:
        return set(jaren)
    return {j for i, j in enumerate(reversed(jaren)) if i % 2 == 0}  # the last year and every other one before it


def _driehoek(x: float, y: float) -> str:
    return f"M{x - 4:.1f},{y - 5:.1f} L{x + 4:.1f},{y - 5:.1f} L{x:.1f},{y + 1:.1f} Z"


def _op_alle_jaren(reeks: Reeks, jaren: list[int]) -> Reeks:
    """The series with a point for every year: a year it has no row for is a gap (None), not a dropped year."""
    waarden = dict(reeks.punten)
    return Reeks(reeks.naam, [(j, waarden.get(j)) for j in jaren], dict(reeks.noemer_jaren))


def _stukken(punten: list[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    stukken, huidig = [], []
    for jaar, v in punten:
        if v is None:
            if huidig:
                stukken.append(huidig)
            huidig = []
        else:
            huidig.append((jaar, v))
    if huidig:
        stukken.append(huidig)
    return stukken


def _beschrijving(eenheid: str, reeksen: list[Reeks], wijzigingen: set[int]) -> str:
    regels = [
        f"{r.naam}: " + "; ".join(f"{j} {_voorlezen(v, eenheid, r.noemer_jaren.get(j))}" for j, v in r.punten) + "."
        for r in reeksen
    ]
    if wijzigingen:
        regels.append("Indeling gewijzigd in " + ", ".join(str(j) for j in sorted(wijzigingen)) + ".")
    return " ".join(regels)


def _voorlezen(v: float | None, eenheid: str, noemer_jaar: int | None) -> str:
    if v is None:
        return "verborgen of onbekend"
    tekst = opmaak.waarde(v, eenheid)
    return f"{tekst} (berekend met de noemer van {noemer_jaar})" if noemer_jaar else tekst

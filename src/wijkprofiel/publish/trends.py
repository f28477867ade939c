"""Small static trend charts as inline SVG: no script, so they print and open everywhere.

One chart per key indicator: the wijk's published values per year beside the gemeente's, with the years in which
CBS flags a changed wijk or buurt boundary marked. A hidden value ('.') leaves a gap in the line, never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from wijkprofiel.publish import opmaak

BREEDTE, HOOGTE = 320, 170
LINKS, RECHTS, BOVEN, ONDER = 26, 26, 22, 40
#: Colour-blind-safe pair (ColorBrewer YlGnBu dark blue, Dark2 orange), told apart by line style and marker too.
WIJK_KLEUR = "#253494"
GEMEENTE_KLEUR = "#d95f02"


@dataclass
class Reeks:
    naam: str
    punten: list[tuple[int, float | None]]  # (year, published value or None when hidden)


def trend_svg(
    titel: str,
    eenheid: str,
    wijk: Reeks,
    gemeente: Reeks | None,
    wijzigingen: set[int],
    svg_id: str,
) -> Markup:
    """The chart as an <svg> element with <title>/<desc> that a screen reader reads as the full series."""
    wijk, gemeente = _zonder_lege_randen(wijk, gemeente)
    jaren = sorted({j for j, _ in wijk.punten} | ({j for j, _ in gemeente.punten} if gemeente else set()))
    reeksen = [r for r in (wijk, gemeente) if r is not None]
    bekend = [v for r in reeksen for _, v in r.punten if v is not None]
    top = max(bekend) * 1.15 if bekend and max(bekend) > 0 else 1.0
    onder = min(0.0, min(bekend)) if bekend else 0.0  # a rate axis starts at zero, so small changes don't look big

    def x(jaar: int) -> float:
        if len(jaren) == 1:
            return (LINKS + BREEDTE - RECHTS) / 2
        return LINKS + (BREEDTE - LINKS - RECHTS) * jaren.index(jaar) / (len(jaren) - 1)

    def y(v: float) -> float:
        return BOVEN + (HOOGTE - BOVEN - ONDER) * (1 - (v - onder) / (top - onder))

    delen = [
        f'<svg class="trend" id="{svg_id}" viewBox="0 0 {BREEDTE} {HOOGTE}" width="{BREEDTE}" height="{HOOGTE}" '
        f'role="img" aria-labelledby="{svg_id}-t {svg_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{svg_id}-t">{escape(titel)}</title>',
        f'<desc id="{svg_id}-d">{escape(_beschrijving(eenheid, reeksen, wijzigingen))}</desc>',
        f'<line x1="{LINKS}" y1="{y(onder):.1f}" x2="{BREEDTE - RECHTS}" y2="{y(onder):.1f}" stroke="#969696"/>',
    ]
    for jaar in jaren:
        delen.append(f'<text x="{x(jaar):.1f}" y="{HOOGTE - ONDER + 14}" text-anchor="middle" class="as">{jaar}</text>')
        if jaar in wijzigingen:
            delen.append(
                f'<line class="grenswijziging" x1="{x(jaar):.1f}" y1="{BOVEN - 8}" x2="{x(jaar):.1f}" y2="{y(onder):.1f}" '
                'stroke="#636363" stroke-dasharray="2 3"/>'
                f'<text x="{x(jaar):.1f}" y="{HOOGTE - ONDER + 27}" text-anchor="middle" class="as">grens gewijzigd</text>'
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
                    delen.append(f'<text x="{x(jaar):.1f}" y="{y(onder) - 4:.1f}" text-anchor="middle" class="waarde">.</text>')
                continue
            if vorm == "rond":
                delen.append(f'<circle cx="{x(jaar):.1f}" cy="{y(v):.1f}" r="3.5" fill="{kleur}"/>')
                delen.append(
                    f'<text x="{x(jaar):.1f}" y="{y(v) - 7:.1f}" text-anchor="middle" class="waarde">{escape(opmaak.waarde(v, eenheid))}</text>'
                )
            else:
                delen.append(f'<rect x="{x(jaar) - 3:.1f}" y="{y(v) - 3:.1f}" width="6" height="6" fill="{kleur}"/>')
    delen.append("</svg>")
    return Markup("".join(delen))


def _zonder_lege_randen(wijk: Reeks, gemeente: Reeks | None) -> tuple[Reeks, Reeks | None]:
    """Drop leading and trailing years in which neither the wijk nor the gemeente has a published value."""
    bekend = {j for r in (wijk, gemeente) if r is not None for j, v in r.punten if v is not None}
    if not bekend:
        return wijk, gemeente
    van, tot = min(bekend), max(bekend)

    def knip(r: Reeks | None) -> Reeks | None:
        return None if r is None else Reeks(r.naam, [(j, v) for j, v in r.punten if van <= j <= tot])

    return knip(wijk), knip(gemeente)


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
        f"{r.naam}: " + "; ".join(f"{j} {_voorlezen(v, eenheid)}" for j, v in r.punten) + "."
        for r in reeksen
    ]
    if wijzigingen:
        regels.append("Grens gewijzigd in " + ", ".join(str(j) for j in sorted(wijzigingen)) + ".")
    return " ".join(regels)


def _voorlezen(v: float | None, eenheid: str) -> str:
    return "verborgen of onbekend" if v is None else opmaak.waarde(v, eenheid)

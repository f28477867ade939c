"""How a report marks an index against the gemeente: tested for chance (coloured when the difference is beyond it)
or, where no interval can be computed, visibly "niet getoetst", so that an uncoloured index never passes for one
that chance explains.

pub.indicator_waarden carries the 95% interval and `significant` (sql/macros/vergelijking.sql; how the interval
is computed is in docs/indicatoren.md). The method follows from the unit, as in wp_interval_methode.
"""

from __future__ import annotations

from dataclasses import dataclass

from wijkprofiel.publish import opmaak
from wijkprofiel.publish.gegevens import PubGegevens
from wijkprofiel.reference.areas import gemeente_van

#: The interval behind `significant`, per kind of unit (sql/macros/vergelijking.sql, wp_interval_methode).
METHODE_PERCENTAGE = "Wilson"
METHODE_PER = "Poisson (Byar)"


def methode(eenheid: str | None) -> str | None:
    """The name of the interval method for this unit, as the legend names it; None where no interval exists."""
    if eenheid == "%":
        return METHODE_PERCENTAGE
    if (eenheid or "").startswith("per "):
        return METHODE_PER
    return None


@dataclass(frozen=True)
class Toets:
    klasse: str  # CSS class of the cell: hoger, lager, niet-getoetst, or "" (tested and within chance, or no index)
    teken: str   # ▲ or ▼ beside a difference beyond chance, else ""
    uitleg: str  # one Dutch sentence for the cell's title and screen readers; "" without an index

    @property
    def getoetst(self) -> bool:
        return self.klasse != "niet-getoetst"


GEEN_INDEX = Toets("", "", "")


def toets(gegevens: PubGegevens, code: str, indicator: str, jaar: int | None = None) -> Toets:
    """The marking of the index of `code` against its gemeente for one indicator and year."""
    if gegevens.index(code, indicator, jaar) is None:
        return GEEN_INDEX
    significant = gegevens.significant(code, indicator, jaar)
    if significant is None:
        return Toets(
            "niet-getoetst", "",
            "niet getoetst: voor dit cijfer is geen onzekerheidsmarge te berekenen, dus het verschil kan toeval zijn",
        )
    eenheid = gegevens.indicator_info(indicator)[1]
    marge = ""
    if (interval := gegevens.interval(code, indicator, jaar)) is not None:
        onder, boven = (opmaak.waarde(v, eenheid) for v in interval)
        marge = f"; 95%-marge {onder} tot {boven} ({methode(eenheid) or 'interval'})"
    if not significant:
        return Toets("", "", f"getoetst: het verschil met de gemeente valt binnen wat toeval kan verklaren{marge}")
    # an index exists, so both published values do
    hoger = gegevens.waarde(code, indicator, jaar) > gegevens.waarde(gemeente_van(code), indicator, jaar)
    richting = "hoger" if hoger else "lager"
    uitleg = f"getoetst: {richting} dan de gemeente, groter dan toeval kan verklaren{marge}"
    return Toets(richting, "▲" if hoger else "▼", uitleg)


"""The evidence of a rode draad as the report says it: one plain Dutch sentence per figure.

pub.rode_draden.bewijs holds the facts (source, figure, gemeente figure, year, partners; docs/rode-draden.md);
the words and the number formats are presentation and live here, next to opmaak.py. Every number a sentence
cites is a published one, because the facts are computed from published values only.
"""

from __future__ import annotations

from wijkprofiel.publish.opmaak import getal, onbreekbaar

#: How a sentence names a partner of raw.signalen (an unknown partner key is one of 'andere partners').
PARTNERS = {
    "huisarts": "huisarts",
    "poh": "POH",
    "wijkagent": "wijkagent",
    "woningcorporatie": "woningcorporatie",
    "meldpunt_zorg_overlast": "meldpunt zorg & overlast",
    "ggz": "ggz",
    "clientenraad": "cliëntenraad",
}


def partnernamen(partners: list[str] | None) -> list[str]:
    """The partners' names, each once and sorted, so the sentence is the same in every build."""
    return sorted({PARTNERS.get(p, "andere partners") for p in partners or []})


def bewijszin(feit: dict, thema_label: str, peiljaar: int) -> str | None:
    """The sentence for one piece of evidence (a struct of pub.rode_draden.bewijs); None when it says nothing."""
    bron, jaar, waarde, gemeente = feit["bewijsbron"], feit["jaar"], feit["waarde"], feit["gemeente_waarde"]
    thema = thema_label.lower()
    partners = partnernamen(feit.get("partners"))
    in_de_gemeente = "" if gemeente is None else f"; in de gemeente {getal(gemeente, 1)}%"

    if bron == "casuistiek":
        if waarde is None:
            return f"Wijkteam: het aantal casussen over {thema} in {jaar} is te klein om te tonen."
        if feit["aantal"] is None:
            casussen = f"{getal(waarde, 1)}% van de casussen in {jaar}"
        else:
            van_de = "" if feit["noemer_aantal"] is None else f" van de {getal(feit['noemer_aantal'])}"
            casussen = f"{getal(feit['aantal'])}{van_de} casussen in {jaar} ({getal(waarde, 1)}%)"
        vorig = "" if feit["vorige_waarde"] is None else f" In {jaar - 1} was dat {getal(feit['vorige_waarde'], 1)}%."
        return f"Wijkteam: {casussen} gaan over {thema}{in_de_gemeente}.{vorig}"

    if bron == "signalen":
        if waarde is None:
            if not partners:
                return None
            noemen = "noemt" if len(partners) == 1 else "noemen"
            return (f"Signalen: {', '.join(partners)} {noemen} {thema} in {peiljaar} "
                    "(zonder aantal, of een aantal te klein om te tonen).")
        wie = ", ".join(partners) if partners else "partners"
        melden = "meldde" if len(partners) == 1 else "meldden samen"
        gemiddeld = "" if feit["verwacht_aantal"] is None else (
            f"; een gemiddelde wijk in de gemeente: {getal(feit['verwacht_aantal'])}")
        return f"Signalen: {wie} {melden} {getal(waarde)} keer {thema} in {jaar}{gemiddeld}."

    if waarde is None:  # an unknown survey or context figure says nothing at the table
        return None
    if bron == "enquete":
        return f"Enquête: {getal(waarde, 1)}% van de respondenten noemt {thema}{in_de_gemeente}."
    eenheid = "%" if feit["eenheid"] == "%" else ""
    tegen = "" if gemeente is None else f" tegen {getal(gemeente, 1)}{eenheid} in de gemeente"
    return f"{feit['label']}: {getal(waarde, 1)}{eenheid}{tegen} ({jaar})."


def bewijszinnen(rode_draad: dict) -> list[str]:
    """The sentences of one row of pub.rode_draden, in its order (the sources that point at the theme first)."""
    zinnen = (bewijszin(feit, rode_draad["thema_label"], rode_draad["jaar"]) for feit in rode_draad["bewijs"] or [])
    return [zin for zin in zinnen if zin is not None]


#: A figure points at the theme from this sterkte on (docs/rode-draden.md §4, step 2).
WIJST_OP_THEMA = 0.15
#: A theme's sterkte in words, from the highest lower bound down. A rode draad needs at least 0.5 (two sources
#: together); one source counts at most 1, so 2.5 means about three sources far above the gemeente.
STERKTE_WOORDEN = [(2.5, "zeer sterk"), (1.5, "sterk"), (0.75, "matig"), (float("-inf"), "zwak, net boven de drempel")]


def sterkte_in_woorden(sterkte: float) -> str:
    return next(woord for ondergrens, woord in STERKTE_WOORDEN if sterkte >= ondergrens)


def kernbewijs(rode_draad: dict, aantal: int = 3) -> list[str]:
    """The `aantal` strongest published figures that point at the theme, each as a short phrase for the first
    screen ("Aandeel casussen 71,4% (gemeente 36,5%)"); the full sentences stay with the rode draad itself."""
    feiten = sorted(
        (f for f in rode_draad["bewijs"] or [] if f["waarde"] is not None and (f["sterkte"] or 0) >= WIJST_OP_THEMA),
        key=lambda f: -f["sterkte"],
    )
    # The gemeente's own rate and CBS's of the same thing (Wmo-cliënten per 1 000 inwoners) read as one figure
    # said twice on one line: keep the stronger.
    uniek: dict[str, str] = {}
    for f in feiten:
        uniek.setdefault(_naam(f), _kort(f, rode_draad["jaar"]))
    return list(uniek.values())[:aantal]


def _naam(feit: dict) -> str:
    """What a short phrase calls the figure; the gemeente's own figures lose the "(gemeente)" of their label,
    which beside "(gemeente 7,2)" would read as the gemeente's average."""
    if feit["bewijsbron"] == "signalen":
        return "signalen"
    vast = {"casuistiek": "Casussen van het wijkteam", "enquete": "Enquête"}
    return vast.get(feit["bewijsbron"], onbreekbaar(feit["label"].replace(" (gemeente)", "")))


def _kort(feit: dict, peiljaar: int) -> str:
    jaar = "" if feit["jaar"] == peiljaar else f" in {feit['jaar']}"
    if feit["bewijsbron"] == "signalen":
        wie = ", ".join(partnernamen(feit.get("partners"))) or "partners"
        gemiddeld = "" if feit["verwacht_aantal"] is None else f" (gemiddelde wijk {getal(feit['verwacht_aantal'])})"
        return f"{getal(feit['waarde'])} signalen van {wie}{jaar}{gemiddeld}"
    eenheid = "%" if feit["eenheid"] == "%" else ""
    gemeente = "" if feit["gemeente_waarde"] is None else f" (gemeente {getal(feit['gemeente_waarde'], 1)}{eenheid})"
    return f"{_naam(feit)} {getal(feit['waarde'], 1)}{eenheid}{jaar}{gemeente}"

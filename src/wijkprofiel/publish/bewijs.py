"""The evidence of a rode draad as the report says it: one plain Dutch sentence per figure.

pub.rode_draden.bewijs holds the facts (source, figure, gemeente figure, year, partners; docs/rode-draden.md);
the words and the number formats are presentation and live here, next to opmaak.py. Every number a sentence
cites is a published one, because the facts are computed from published values only.
"""

from __future__ import annotations

from wijkprofiel.publish.opmaak import getal, onbreekbaar, opsomming

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


#: How a sentence says why the peiljaar's figure is not used (the reasons of pub.openbaarmaking); another reason
#: is said as it is.
REDENEN = {
    "minder dan 8": "minder dan 8",
    "secundair onderdrukt (anders terug te rekenen)": "verborgen, anders terug te rekenen",
    "onbekend of geheim (CBS)": "geen CBS-cijfer",
    "gebied met minder dan 50 inwoners": "minder dan 50 inwoners",
    "noemer onbekend": "noemer onbekend",
    "noemer verborgen (secundair onderdrukt (anders terug te rekenen))": "noemer verborgen",
    "geen cijfer": "geen cijfer",
}


def terugval(feit: dict) -> str:
    """Why a figure is from an earlier year than the peiljaar ("2024: minder dan 8, daarom 2023"); "" when it is not."""
    if feit.get("overgeslagen_jaar") is None:
        return ""
    reden = feit.get("overgeslagen_reden") or "geen cijfer"
    return f"{feit['overgeslagen_jaar']}: {REDENEN.get(reden, reden)}, daarom {feit['jaar']}"


def bewijszin(feit: dict, thema_label: str, peiljaar: int) -> str | None:
    """The sentence for one piece of evidence (a struct of pub.rode_draden.bewijs); None when it says nothing."""
    bron, jaar, waarde, gemeente = feit["bewijsbron"], feit["jaar"], feit["waarde"], feit["gemeente_waarde"]
    thema = thema_label.lower()
    partners = partnernamen(feit.get("partners"))
    in_de_gemeente = "" if gemeente is None else f"; in de gemeente {getal(gemeente, 1)}%"
    # an earlier year than the peiljaar says why, right after who says it
    waarom = f" ({terugval(feit)})" if terugval(feit) else ""

    if bron == "casuistiek":
        if waarde is None:
            return f"Wijkteam: het aantal casussen over {thema} in {jaar} is te klein om te tonen."
        if feit["aantal"] is None:
            casussen = f"{getal(waarde, 1)}% van de casussen in {jaar}"
        else:
            van_de = "" if feit["noemer_aantal"] is None else f" van de {getal(feit['noemer_aantal'])}"
            casussen = f"{getal(feit['aantal'])}{van_de} casussen in {jaar} ({getal(waarde, 1)}%)"
        vorig = "" if feit["vorige_waarde"] is None else f" In {jaar - 1} was dat {getal(feit['vorige_waarde'], 1)}%."
        return f"Wijkteam{waarom}: {casussen} gaan over {thema}{in_de_gemeente}.{vorig}"

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
        return f"Signalen{waarom}: {wie} {melden} {getal(waarde)} keer {thema} in {jaar}{gemiddeld}."

    if waarde is None:  # an unknown survey or context figure says nothing at the table
        return None
    if bron == "enquete":
        return f"Enquête{waarom}: {getal(waarde, 1)}% van de respondenten noemt {thema}{in_de_gemeente}."
    eenheid = "%" if feit["eenheid"] == "%" else ""
    tegen = "" if gemeente is None else f" tegen {getal(gemeente, 1)}{eenheid} in de gemeente"
    return f"{feit['label']}: {getal(waarde, 1)}{eenheid}{tegen} ({terugval(feit) or jaar})."


#: What each rol of a cited figure (pub.rode_draden.bewijs) means in the report, in the order it lists them:
#: only `wijst` is evidence, the rest is listed apart under these headings.
ROLLEN = {
    "wijst": "Wijst op dit thema",
    "wijkt_niet_af": "Wijkt niet af van de gemeente",
    "andere_kant": "Wijst de andere kant op (geen bewijs voor dit thema)",
    "bron_wijst_niet": "Wijst op dit thema, maar telt niet mee: de andere cijfers van dezelfde bron wijken niet af",
    "verborgen": "Te klein om te tonen",
}


def bewijszinnen(rode_draad: dict, thema_labels: dict[str, str] | None = None) -> list[str]:
    """All sentences of one row of pub.rode_draden, in its order (the sources that point at the theme first)."""
    return [zin for _, zin in _zinnen(rode_draad, thema_labels)]


def bewijs_per_rol(rode_draad: dict, thema_labels: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The sentences of one row of pub.rode_draden by rol, in the order of ROLLEN, only the rollen it has: the
    evidence (`wijst`) apart from what does not deviate, points the other way or cannot be shown."""
    per_rol: dict[str, list[str]] = {rol: [] for rol in ROLLEN}
    for rol, zin in _zinnen(rode_draad, thema_labels):
        per_rol[rol].append(zin)
    return {rol: zinnen for rol, zinnen in per_rol.items() if zinnen}


def _zinnen(rode_draad: dict, thema_labels: dict[str, str] | None):
    """(rol, sentence) per fact that says something; a piece of evidence that also counts for another listed theme
    of the wijk says so, so one figure behind two themes is not read as two confirmations."""
    for feit in rode_draad["bewijs"] or []:
        zin = bewijszin(feit, rode_draad["thema_label"], rode_draad["jaar"])
        if zin is None:
            continue
        rol = feit["rol"]
        ook_bij = ook_bij_themas(feit, thema_labels)
        if rol == "wijst" and ook_bij:
            zin += f" Telt ook mee bij: {', '.join(ook_bij)}."
        yield rol, zin


def ook_bij_themas(feit: dict, thema_labels: dict[str, str] | None) -> list[str]:
    """The other listed themes of the wijk this figure is evidence for too, by label in lower case, sorted."""
    labels = thema_labels or {}
    return sorted(labels.get(t, t).lower() for t in feit.get("ook_bij") or [])


#: A theme's sterkte in words, from the highest lower bound down. A rode draad needs at least 0.5 (two sources
#: together); one source counts at most 1, so 2.5 means about three sources far above the gemeente.
STERKTE_WOORDEN = [(2.5, "zeer sterk"), (1.5, "sterk"), (0.75, "matig"), (float("-inf"), "zwak")]
#: How far the sources are above the gemeente on average (the theme's sterkte over its sources; each source
#: counts at most 1, and 0.6 is about 1.8 times what the gemeente's rate gives).
GEMIDDELD_WOORDEN = [(0.6, "sterk boven"), (0.3, "duidelijk boven"), (float("-inf"), "iets boven")]
#: The words for a rode draad that a small change would take off the list (pub.rode_draden.net_boven_drempel).
NET_BOVEN_DREMPEL = "net boven de drempel"
TELWOORDEN = {1: "één bron", 2: "twee onafhankelijke bronnen", 3: "drie onafhankelijke bronnen",
              4: "vier onafhankelijke bronnen", 5: "vijf onafhankelijke bronnen"}  # fmt: skip


def sterkte_in_woorden(rode_draad: dict) -> str:
    """The theme's strength in a word or two ("matig"), with "net boven de drempel" for a rode draad that a small
    change would take off the list."""
    woord = next(w for ondergrens, w in STERKTE_WOORDEN if rode_draad["sterkte"] >= ondergrens)
    return f"{woord}, {NET_BOVEN_DREMPEL}" if rode_draad.get("net_boven_drempel") else woord


def sterkte_uitleg(rode_draad: dict) -> str:
    """What the strength rests on: "drie onafhankelijke bronnen, sterk boven het gemeentelijk gemiddelde"."""
    aantal = len(rode_draad["bronnen"] or []) or 1
    bronnen = TELWOORDEN.get(aantal, f"{aantal} onafhankelijke bronnen")
    boven = next(w for ondergrens, w in GEMIDDELD_WOORDEN if rode_draad["sterkte"] / aantal >= ondergrens)
    return f"{bronnen}, {boven} het gemeentelijk gemiddelde"


#: What a rode draad is: the one definition the rode draden section and the colofon both show.
RODE_DRAAD = ("een thema waar in de wijk ten minste twee onafhankelijke bronnen op wijzen (de casuïstiek van het "
              "wijkteam, beschikkingen en uitkeringen, CBS-cijfers over de bewoners, signalen van partners, de "
              "enquête): elk van die bronnen laat duidelijk meer zien dan bij het gemeentelijk gemiddelde te "
              "verwachten is, en samen zijn ze sterk genoeg. Een startpunt voor het gesprek aan tafel, geen oordeel "
              "over de wijk.")


def kernbewijs(rode_draad: dict, thema_labels: dict[str, str] | None = None, aantal: int = 3) -> list[str]:
    """The `aantal` strongest published figures that point at the theme, each as a short phrase for the first
    screen ("Aandeel casussen 71,4% (gemeente 36,5%)"); the full sentences stay with the rode draad itself. A figure
    that counts for another listed theme too says so briefly ("telt ook mee bij werk en inkomen"), as its sentence
    does."""
    feiten = sorted(
        (f for f in rode_draad["bewijs"] or [] if f["waarde"] is not None and f["rol"] == "wijst"),
        key=lambda f: -f["sterkte"],
    )
    # The gemeente's own rate and CBS's of the same thing (Wmo-cliënten per 1 000 inwoners) read as one figure
    # said twice on one line: keep the stronger.
    uniek: dict[str, str] = {}
    for f in feiten:
        ook_bij = ook_bij_themas(f, thema_labels)
        ook = f", telt ook mee bij {opsomming(ook_bij)}" if ook_bij else ""
        uniek.setdefault(_naam(f), _kort(f, rode_draad["jaar"]) + ook)
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
    # The gemeente's own figure says where it comes from: a key figure beside it may be CBS's of the same name.
    eigen = " volgens de eigen registratie" if feit["label"].endswith(" (gemeente)") else ""
    return f"{_naam(feit)}{eigen} {getal(feit['waarde'], 1)}{eenheid}{jaar}{gemeente}"

"""The gemeente overview on the index page (issue 14, items 6 and 7): the rode draden and signalen of every wijk in
one wijk × theme table, the themes that recur in several wijken, the gemeente's key figures over all loaded years,
and the wijken side by side for the compare view. Data shaping only; index.html.j2 lays it out."""

from __future__ import annotations

from wijkprofiel.publish import opmaak
from wijkprofiel.publish.bewijs import STERKTE_WOORDEN, sterkte_in_woorden
from wijkprofiel.publish.gegevens import PubGegevens

#: A theme recurs when it is a rode draad in at least this many wijken.
TERUGKEREND_VANAF = 2
#: The colour class of a rode draad by its strength word (bewijs.STERKTE_WOORDEN), strongest first.
STERKTE_KLASSEN = {woord: f"rd-{i}" for i, (_, woord) in enumerate(STERKTE_WOORDEN)}


def _draden(gegevens: PubGegevens, wijk_codes: list[str]) -> list[dict]:
    wijken = set(wijk_codes)
    return [r for r in gegevens.rode_draden if r["wijkcode"] in wijken]


def themamatrix(gegevens: PubGegevens, wijk_codes: list[str]) -> dict:
    """Per wijk (rows) and theme (columns) its status in pub.rode_draden, with the strength as a colour class.

    Columns: every theme that is a rode draad in some wijk, most often first; its cells also show where it is a
    signaal. The themes that are only ever a signaal are listed apart. Every wijk is a row, also one without
    any listed theme."""
    draden = _draden(gegevens, wijk_codes)
    per_thema: dict[str, dict] = {}
    for r in draden:
        t = per_thema.setdefault(r["thema"], {"thema": r["thema"], "label": r["thema_label"], "rode_draad": 0, "signaal": 0})
        t["rode_draad" if r["status"] == "rode draad" else "signaal"] += 1
    alle = sorted(per_thema.values(), key=lambda t: (-t["rode_draad"], -t["signaal"], t["label"]))
    # a column per theme that is a rode draad somewhere; a theme that is only ever a signaal would widen the
    # table with pale cells, so it is named below it instead
    themas = [t for t in alle if t["rode_draad"]]
    cellen = {(r["wijkcode"], r["thema"]): _cel(r) for r in draden}
    rijen = [
        {
            "code": w,
            "naam": gegevens.naam(w),
            "cellen": [cellen.get((w, t["thema"])) for t in themas],
            "aantal_rode_draden": sum(r["wijkcode"] == w and r["status"] == "rode draad" for r in draden),
        }
        for w in wijk_codes
    ]
    jaren = sorted({int(r["jaar"]) for r in draden if r["jaar"] is not None})
    return {
        "themas": themas,
        "rijen": rijen,
        "alleen_signaal": [t for t in alle if not t["rode_draad"]],
        "rode_draden": sum(t["rode_draad"] for t in alle),
        "signalen": sum(t["signaal"] for t in alle),
        "jaar": jaren[-1] if jaren else None,
        "legenda": [(klasse, woord) for woord, klasse in STERKTE_KLASSEN.items()],
    }


def _cel(rode_draad: dict) -> dict:
    if rode_draad["status"] == "rode draad":
        woorden = sterkte_in_woorden(rode_draad)
        woord = woorden.split(",")[0]  # the strength word, without "net boven de drempel"
        # a cell is narrow: a theme just over the threshold gets an asterisk, explained in the legend
        kort = woord + (" *" if rode_draad.get("net_boven_drempel") else "")
        return {"klasse": STERKTE_KLASSEN[woord], "tekst": kort, "titel": f"rode draad, {woorden}", "rode_draad": True}
    return {"klasse": "rd-signaal", "tekst": "signaal", "titel": "signaal om te toetsen", "rode_draad": False}


def terugkerende_themas(matrix: dict) -> list[dict]:
    """The themes that are a rode draad in at least TERUGKEREND_VANAF wijken, most often first, with their wijken
    ("huisvesting: rode draad in 6 van 10 wijken")."""
    uit = []
    for i, thema in enumerate(matrix["themas"]):
        if thema["rode_draad"] < TERUGKEREND_VANAF:
            continue
        wijken = [r["naam"] for r in matrix["rijen"] if r["cellen"][i] and r["cellen"][i]["rode_draad"]]
        uit.append({**thema, "van": len(matrix["rijen"]), "wijken": wijken})
    return uit


def kerncijfers_door_de_jaren(gegevens: PubGegevens, gemeente: str, indicatoren: list[str]) -> dict:
    """The gemeente's key figures in every loaded year that has one of them: years as columns, figures as rows.
    A figure without any published gemeente value is left out; a year without its value shows the dot."""
    aanwezig = [i for i in indicatoren if i in gegevens.indicatoren]
    jaren = sorted({j for i in aanwezig for j in gegevens.jaren_van(i) if gegevens.waarde(gemeente, i, j) is not None})
    rijen = []
    for indicator in aanwezig:
        label, eenheid = gegevens.indicator_info(indicator)
        waarden = [gegevens.waarde(gemeente, indicator, j) for j in jaren]
        if all(w is None for w in waarden):
            continue
        rijen.append({"indicator": indicator, "label": label, "waarden": [opmaak.waarde(w, eenheid) for w in waarden]})
    return {"jaren": jaren, "rijen": rijen}


def vergelijking(gegevens: PubGegevens, gemeente: str, wijk_codes: list[str], indicatoren: list[str]) -> dict:
    """Every wijk's key figures and rode draden, for the compare view that shows the chosen wijken side by side.

    Per figure one year for all wijken, so the columns compare like with like: the latest year up to the peiljaar
    with a published gemeente value (CBS publishes income and care figures a year later)."""
    kolommen = [{"code": w, "naam": gegevens.naam(w)} for w in wijk_codes]
    rijen = []
    for indicator in indicatoren:
        if indicator not in gegevens.indicatoren:
            continue
        label, eenheid = gegevens.indicator_info(indicator)
        jaren = [j for j in gegevens.jaren_van(indicator) if j <= gegevens.jaar and gegevens.waarde(gemeente, indicator, j) is not None]
        if not jaren:
            continue
        jaar = jaren[-1]
        rijen.append(
            {
                "label": label,
                "jaar": jaar,
                "gemeente": opmaak.waarde(gegevens.waarde(gemeente, indicator, jaar), eenheid),
                "wijken": [opmaak.waarde(gegevens.waarde(w, indicator, jaar), eenheid) for w in wijk_codes],
            }
        )
    draden = _draden(gegevens, wijk_codes)
    per_wijk = {w: {"rode_draden": [], "signalen": []} for w in wijk_codes}
    for r in draden:
        soort = "rode_draden" if r["status"] == "rode draad" else "signalen"
        per_wijk[r["wijkcode"]][soort].append(f"{r['thema_label']} ({sterkte_in_woorden(r)})" if soort == "rode_draden"
                                               else r["thema_label"])
    return {
        "kolommen": kolommen,
        "rijen": rijen,
        "rode_draden": [per_wijk[w]["rode_draden"] for w in wijk_codes],
        "signalen": [per_wijk[w]["signalen"] for w in wijk_codes],
        "heeft_draden": bool(draden),
    }


def gemeente_overzicht(gegevens: PubGegevens, gemeente: str, wijk_codes: list[str], indicatoren: list[str]) -> dict:
    """Everything the index page's overview sections need, as template variables."""
    matrix = themamatrix(gegevens, wijk_codes)
    return {
        "themamatrix": matrix,
        "terugkerend": terugkerende_themas(matrix),
        "gemeente_door_de_jaren": kerncijfers_door_de_jaren(gegevens, gemeente, indicatoren),
        "vergelijking": vergelijking(gegevens, gemeente, wijk_codes, indicatoren),
    }

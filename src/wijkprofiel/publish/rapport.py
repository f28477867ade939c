"""The wijk report and the gemeente index: data gathered from PubGegevens, laid out by Jinja2 templates."""

from __future__ import annotations

import base64
import hashlib
import math
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from wijkprofiel.publish import bespreektafel, opmaak
from wijkprofiel.publish.assets import leaflet_css, leaflet_js
from wijkprofiel.publish.bewijs import (
    RODE_DRAAD,
    ROLLEN,
    bewijs_per_rol,
    kernbewijs,
    sterkte_in_woorden,
    sterkte_uitleg,
)
from wijkprofiel.publish.downloads import schrijf_downloads
from wijkprofiel.publish.gegevens import PubGegevens, is_verhouding
from wijkprofiel.publish.kaart import (
    ACHTERGROND_URL,
    KaartLaag,
    gemeente_kaart,
    kaart_onderdelen,
    klassegrenzen,
    voor_het_web,
    wijk_kaart,
)
from wijkprofiel.publish.overzicht import gemeente_overzicht
from wijkprofiel.publish.toets import METHODE_PER, METHODE_PERCENTAGE, toets
from wijkprofiel.publish.trends import Reeks, trend_svg
from wijkprofiel.reference.areas import gemeente_van, wijk_van

#: Key figures in "In het kort", in this order. Counts are shown beside the gemeente; shares also get an index.
KERNCIJFERS = [
    "inwoners",
    "inwoners_65_plus",
    "aandeel_65_plus",
    "aandeel_0_14",
    "huishoudens",
    "eenpersoonshuishoudens",
    "aandeel_eenpersoonshuishoudens",
    "huishoudens_laag_inkomen_pct",
    "gemiddeld_inkomen_per_inwoner",
    "personen_bijstand",
    "bijstand_per_1000_inwoners",
    "wmo_clienten_per_1000",
    "jongeren_jeugdzorg_pct",
    "corporatiewoningen_pct",
]
#: Candidates for the key figures on the first screen, in this order; the first SLEUTELCIJFERS_AANTAL with a
#: published wijk value are shown (care and income figures may not be published for a small wijk).
SLEUTELCIJFERS = [
    "inwoners",
    "aandeel_65_plus",
    "huishoudens_laag_inkomen_pct",
    "bijstand_per_1000_inwoners",
    "wmo_clienten_per_1000",
    "jongeren_jeugdzorg_pct",
    "aandeel_eenpersoonshuishoudens",
]
SLEUTELCIJFERS_AANTAL = 5
#: Sources of the rode draden besides CBS: without any of them loaded a wijk cannot have a rode draad.
GEMEENTEBRONNEN = ["casuistiek", "signalen", "enquete", "beschikkingen"]
#: The first choices of the maps after the report's chosen indicator; every other published indicator follows.
KAARTLAGEN = ["aandeel_65_plus", "aandeel_eenpersoonshuishoudens", "aandeel_0_14", "bijstand_per_1000_inwoners"]
#: The map's group of layers that show a rode draad's figure, and the index map's layer of rode draden per wijk.
THEMAGROEP = "Rode draden van deze wijk"
KAARTGROEPEN = {False: "Andere cijfers van CBS", True: "Eigen cijfers van de gemeente"}
RODE_DRADEN_LAAG = "_rode_draden"
#: Trend charts: the wijk beside the gemeente over the available years (counts without the gemeente line).
TRENDS = [
    "inwoners",
    "aandeel_65_plus",
    "aandeel_0_14",
    "aandeel_eenpersoonshuishoudens",
    "huishoudens_laag_inkomen_pct",
    "gemiddeld_inkomen_per_inwoner",
    "bijstand_per_1000_inwoners",
    "wmo_clienten_per_1000",
    "jongeren_jeugdzorg_pct",
    "corporatiewoningen_pct",
]
BUURT_KOLOMMEN = ["inwoners", "aandeel_65_plus", "aandeel_eenpersoonshuishoudens", "huishoudens_laag_inkomen_pct"]
#: The gemeente's own beschikkingen per buurt, each beside CBS's public baseline where CBS has one.
BESCHIKKINGEN = [
    ("beschikt_wmo_per_1000", "wmo_clienten_per_1000"),
    ("beschikt_jeugdhulp_per_1000_jongeren", "jongeren_jeugdzorg_pct"),
    ("beschikt_schuldhulp_per_1000_huishoudens", None),
    ("beschikt_participatiewet_per_1000", "bijstand_per_1000_inwoners"),
    ("beschikt_wlz_per_1000_65_plus", None),
]

#: The factsheet lists per rode draad at most this many pieces of its evidence (the strongest sources first; the
#: first screen above them gives the three strongest figures in short): the report has them all. With two, the five
#: rode draden of the demo's Overvecht fit on two A4 pages.
FACTSHEET_BEWIJS = 2

BRONNAMEN = {
    "cbs_kwb": "CBS Kerncijfers wijken en buurten",
    "grenzen": "CBS/Kadaster wijk- en buurtgrenzen",
    "koppeltabel": "CBS postcode-buurttabel",
    "beschikkingen": "Beschikkingen van de gemeente",
    "casuistiek": "Casuïstiek van de wijkteams",
    "signalen": "Signalen van partners",
    "enquete": "Enquête",
    "kansen": "Kansen (voorzieningen en initiatieven)",
    "besprekingen": "Uitkomsten van de bespreektafel",
}

_env = Environment(loader=PackageLoader("wijkprofiel.publish", "templates"), autoescape=select_autoescape(["html", "j2"]))
_env.filters["getal"] = opmaak.getal
_env.filters["datum"] = opmaak.datum
_env.filters["tijdstip"] = opmaak.tijdstip
_env.filters["onbreekbaar"] = opmaak.onbreekbaar
_env.globals.update(methode_percentage=METHODE_PERCENTAGE, methode_per=METHODE_PER, rode_draad_definitie=RODE_DRAAD,
                    bewijsrollen=ROLLEN)


@lru_cache(maxsize=512)
def _kaartlaag(gegevens: PubGegevens, indicator: str, gemeente: str, niveau: str = "buurt") -> KaartLaag:
    """The indicator's map layer, of its latest year up to the peiljaar with a published value for an area of
    `niveau` in the gemeente (CBS publishes income and care figures a year later); classes over all those areas."""
    label, eenheid = gegevens.indicator_info(indicator)
    gebieden = gegevens.gebieden(niveau, gemeente=gemeente)
    jaren = [j for j in gegevens.jaren_van(indicator) if j <= gegevens.jaar] or [gegevens.jaar]
    jaar = next((j for j in reversed(jaren) if any(gegevens.waarde(c, indicator, j) is not None for c in gebieden)),
                gegevens.jaar)
    values = [gegevens.waarde(c, indicator, jaar) for c in gebieden]
    # the gemeente's figure beside a buurt's helps for a share or rate; a count of the whole gemeente does not
    gemeente_waarde = gegevens.waarde(gemeente, indicator, jaar) if is_verhouding(eenheid) else None
    return KaartLaag(indicator, label, eenheid, klassegrenzen(values, decimalen=opmaak.decimalen_voor(eenheid)),
                     jaar=jaar, gemeente=gemeente_waarde)


@lru_cache(maxsize=8)
def _eigen_indicatoren(gegevens: PubGegevens) -> frozenset[str]:
    """The indicators from the gemeente's own sources (casuïstiek, enquête, beschikkingen) rather than CBS."""
    w = gegevens.waarden
    if "bron" not in w.columns:
        return frozenset()
    return frozenset(w.indicator[w.bron == "gemeente"].unique())


def _kiesbare_lagen(gegevens: PubGegevens, gemeente: str, indicator: str, niveau: str) -> list[KaartLaag]:
    """Every indicator with a published value for an area of `niveau` in the gemeente, in groups for the map's
    choice: the report's chosen one and KAARTLAGEN first, then the other CBS figures and then the gemeente's own,
    each by label. The first is the map's initial colouring."""
    gebieden = gegevens.gebieden(niveau, gemeente=gemeente)
    eigen = _eigen_indicatoren(gegevens)
    overig = sorted((i for i in gegevens.indicatoren if i != indicator and i not in KAARTLAGEN),
                    key=lambda i: (i in eigen, gegevens.indicator_info(i)[0].lower()))
    lagen = []
    for i in [indicator] + [i for i in KAARTLAGEN if i != indicator] + overig:
        if i not in gegevens.indicatoren or gegevens.indicator_info(i)[1] == "code":
            continue
        laag = _kaartlaag(gegevens, i, gemeente, niveau)
        # without one published value the layer would be all grey with a "0 – 0" legend; the chosen one stays
        if i == indicator or any(gegevens.waarde(c, i, laag.jaar) is not None for c in gebieden):
            groep = "Veelgebruikt" if i == indicator or i in KAARTLAGEN else KAARTGROEPEN[i in eigen]
            lagen.append(replace(laag, groep=groep))
    return lagen


def _kerncijfers(gegevens: PubGegevens, wijk: str, gemeente: str, vergelijkbare: list[str]) -> list[dict]:
    """Per key figure its latest year with a published wijk value (CBS publishes income and care figures a year
    later), the gemeente and the median of the similar wijken in that same year, and the year before."""
    rows = []
    for indicator in KERNCIJFERS:
        if indicator not in gegevens.indicatoren:
            continue
        label, eenheid = gegevens.indicator_info(indicator)
        jaren = [j for j in gegevens.jaren_van(indicator) if j <= gegevens.jaar]
        jaar = next((j for j in reversed(jaren) if gegevens.waarde(wijk, indicator, j) is not None), gegevens.jaar)
        vorig = max((j for j in jaren if j < jaar), default=None)
        w = gegevens.waarde(wijk, indicator, jaar)
        g = gegevens.waarde(gemeente, indicator, jaar)
        soortgelijk = [v for c in vergelijkbare if (v := gegevens.waarde(c, indicator, jaar)) is not None]
        rows.append(
            {
                "label": label,
                "eenheid": eenheid,
                "jaar": jaar,
                "wijk": opmaak.waarde(w, eenheid),
                "gemeente": opmaak.waarde(g, eenheid),
                # a median of fewer than three wijken would be one wijk's figure under another name
                "vergelijkbaar": opmaak.waarde(median(soortgelijk) if len(soortgelijk) >= 3 else None, eenheid),
                "indicator": indicator,
                "index": "" if (index := gegevens.index(wijk, indicator, jaar)) is None else opmaak.getal(index),
                "toets": toets(gegevens, wijk, indicator, jaar),
                "vorig": opmaak.waarde(gegevens.waarde(wijk, indicator, vorig), eenheid) if vorig else "",
                "vorig_jaar": vorig,
            }
        )
    return rows


def _buurttabel(gegevens: PubGegevens, wijk: str) -> tuple[list[str], list[dict]]:
    """Per buurt its values of BUURT_KOLOMMEN; a share or rate also with its index and how that is marked."""
    kolommen = [c for c in BUURT_KOLOMMEN if c in gegevens.indicatoren]
    koppen = [gegevens.indicator_info(c)[0] for c in kolommen]
    rows = []
    for buurt in gegevens.gebieden("buurt", ouder=wijk):
        cells = []
        for c in kolommen:
            index = gegevens.index(buurt, c)
            cells.append(
                {
                    "waarde": opmaak.waarde(gegevens.waarde(buurt, c), gegevens.indicator_info(c)[1]),
                    "index": "" if index is None else opmaak.getal(index),
                    "toets": toets(gegevens, buurt, c),
                }
            )
        rows.append({"code": buurt, "naam": gegevens.naam(buurt), "cellen": cells})
    return koppen, rows


def _samenvatting(rode_draden: list[dict], signalen: list[dict], kerncijfers: list[dict], bronnen: list[dict]) -> dict:
    """The first screen: each rode draad in one line (theme, strength in words, its strongest figures) and the
    first key figures with a published wijk value; without gemeente sources, which of them are missing."""
    geladen = {b["sleutel"] for b in bronnen}
    per_indicator = {k["indicator"]: k for k in kerncijfers if k["wijk"] != opmaak.VERBORGEN}
    return {
        "draden": rode_draden,
        "signalen": len(signalen),
        "gemeentebronnen": any(b in geladen for b in GEMEENTEBRONNEN),
        "ontbrekend": [BRONNAMEN[b] for b in GEMEENTEBRONNEN if b not in geladen],
        "cijfers": [per_indicator[i] for i in SLEUTELCIJFERS if i in per_indicator][:SLEUTELCIJFERS_AANTAL],
    }


def _beschikkingen(gegevens: PubGegevens, wijk: str, gemeente: str) -> dict | None:
    """Per buurt, the gemeente's own figures of its latest year beside CBS's latest published baseline."""
    present = gegevens.indicatoren
    paren = [(g, c if c in present else None) for g, c in BESCHIKKINGEN if g in present]
    if not paren:
        return None
    kolommen = []
    for eigen, cbs in paren:
        label, eenheid = gegevens.indicator_info(eigen)
        kolom = {"indicator": eigen, "label": label.replace(" (gemeente)", ""), "eenheid": eenheid,
                 "jaar": gegevens.laatste_jaar(eigen), "cbs": None}
        if cbs:
            c_label, c_eenheid = gegevens.indicator_info(cbs)
            kolom["cbs"] = {"indicator": cbs, "label": c_label, "eenheid": c_eenheid,
                            "jaar": gegevens.laatste_jaar(cbs, bekend=True)}
        kolommen.append(kolom)

    def rij(code: str, soort: str) -> dict:
        cellen = []
        for k in kolommen:
            cellen.append(opmaak.waarde(gegevens.waarde(code, k["indicator"], k["jaar"]), k["eenheid"]))
            if k["cbs"]:
                cbs = k["cbs"]
                cellen.append(opmaak.waarde(gegevens.waarde(code, cbs["indicator"], cbs["jaar"]), cbs["eenheid"]))
        return {"code": code, "naam": gegevens.naam(code), "soort": soort, "cellen": cellen}

    rijen = [rij(wijk, "wijk")] + [rij(b, "buurt") for b in gegevens.gebieden("buurt", ouder=wijk)] + [rij(gemeente, "gemeente")]
    return {"kolommen": kolommen, "rijen": rijen, "jaar": max(k["jaar"] for k in kolommen)}


def _kansen(gegevens: PubGegevens, wijk: str, web_buurten: gpd.GeoDataFrame | None) -> list[dict]:
    """The wijk's kansen, one entry per kans with its theme labels; without own coordinates a kans is shown
    at its buurt's representative point (and says so)."""
    rows = gegevens.kansen[gegevens.kansen.wijkcode == wijk]
    if rows.empty:
        return []
    labels = gegevens.thema_labels
    punten = {}
    if web_buurten is not None and not web_buurten.empty:
        punten = {c: g.representative_point() for c, g in zip(web_buurten.gebied_code, web_buurten.geometry)}
    kansen = []
    for kans_id, groep in rows.groupby("kans_id", sort=False):
        eerste = groep.iloc[0]
        kans = {
            "naam": eerste.naam, "soort": eerste.soort, "contact": eerste.contact, "adres": eerste.adres,
            "buurt": gegevens.naam(eerste.buurtcode) if isinstance(eerste.buurtcode, str) else "",
            "themas": [labels.get(t, t.replace("onbekend:", "")) for t in groep.thema],
            "thema_keys": list(groep.thema),
            "lat": None, "lon": None, "benadering": False,
        }
        if eerste.lat == eerste.lat and eerste.lat is not None:  # not NaN
            kans["lat"], kans["lon"] = float(eerste.lat), float(eerste.lon)
        elif eerste.buurtcode in punten:
            kans["lat"], kans["lon"], kans["benadering"] = punten[eerste.buurtcode].y, punten[eerste.buurtcode].x, True
        kansen.append(kans)
    return sorted(kansen, key=lambda k: k["naam"])


#: The independent sources of the rode-draden method (docs/rode-draden.md), as the report names them.
BEWIJSBRONNEN = {
    "casuistiek": "casuïstiek van het wijkteam",
    "voorzieningen": "beschikkingen en uitkeringen",
    "cbs_context": "CBS-cijfers over de bewoners",
    "signalen": "signalen van partners",
    "enquete": "enquête",
}


def _rode_draden(gegevens: PubGegevens, wijk: str) -> dict[str, list[dict]]:
    """The wijk's themes from pub.rode_draden, split into rode draden and signalen om te toetsen."""
    uit: dict[str, list[dict]] = {"rode_draden": [], "signalen": []}
    for r in gegevens.rode_draden:
        if r["wijkcode"] != wijk:
            continue
        thema = {
            **r,
            "bronnen_tekst": [BEWIJSBRONNEN.get(b, b) for b in r["bronnen"] or []],
            "kansen": [k for k in r["kansen"] or []],
            "bewijs": bewijs_per_rol(r, gegevens.thema_labels),
            "kernbewijs": kernbewijs(r, gegevens.thema_labels),
            "sterkte_woorden": sterkte_in_woorden(r),
            "sterkte_uitleg": sterkte_uitleg(r),
        }
        uit["rode_draden" if r["status"] == "rode draad" else "signalen"].append(thema)
    return uit


def _themalagen(gegevens: PubGegevens, wijk: str) -> list[tuple[str, str]]:
    """One map layer per rode draad: the first figure of its evidence that is published for a buurt of the wijk."""
    buurten = gegevens.gebieden("buurt", ouder=wijk)
    lagen = []
    for r in gegevens.rode_draden:
        if r["wijkcode"] != wijk or r["status"] != "rode draad":
            continue
        for indicator in r["indicatoren"] or []:
            if any(gegevens.waarde(b, indicator) is not None for b in buurten):
                lagen.append((f"Rode draad {r['thema_label'].lower()}: {gegevens.indicator_info(indicator)[0]}", indicator))
                break
    return lagen


def _vergelijkbare_wijken(gegevens: PubGegevens, wijk: str) -> dict | None:
    """The wijken most like this one on the CBS profile: within the gemeente, and nationally when loaded."""
    rows = gegevens.vergelijkbaar[gegevens.vergelijkbaar.wijkcode == wijk]
    if rows.empty:
        return None
    per_scope = {
        scope: [{"code": r.vergelijkbare_wijkcode, "naam": r.vergelijkbare_wijk_naam, "eigen_gemeente": r.vergelijkbare_gemeente_code == r.gemeente_code}
                for r in groep.itertuples(index=False)]
        for scope, groep in rows.groupby("scope", sort=True)
    }
    return {"peiljaar": int(rows.peiljaar.max()), **per_scope}


def _vorige_bespreking(gegevens: PubGegevens, wijk: str) -> dict | None:
    rows = gegevens.besprekingen[gegevens.besprekingen.wijkcode == wijk]
    if rows.empty:
        return None
    labels = gegevens.thema_labels
    return {
        "datum": max(rows.datum),
        "uitkomsten": [
            {
                "thema": labels.get(r.thema, r.thema), "datum": r.datum, "herkend": r.herkend,
                "verklaring": r.verklaring, "actie": r.actie, "eigenaar": r.eigenaar, "wanneer": r.wanneer,
            }
            for r in rows.itertuples(index=False)
        ],
        # who sat at the table, per meeting that recorded it (a file from the report's form does)
        "aan_tafel": sorted({(r.datum, r.aanwezig) for r in rows.itertuples(index=False)
                             if isinstance(r.aanwezig, str) and r.aanwezig}, reverse=True),
    }


def _formulier(gegevens: PubGegevens, rode_draden: list[dict]) -> dict:
    """The outcome form: meeting fields, a block per rode draad plus blank ones, and the themes to choose from."""
    return {
        "kolommen": bespreektafel.KOLOMMEN,
        "kopvelden": bespreektafel.KOPVELDEN,
        "themavelden": bespreektafel.THEMAVELDEN,
        "blokken": bespreektafel.themablokken(rode_draden),
        "themas": sorted(gegevens.thema_labels.items(), key=lambda kv: kv[1].lower()),
    }


def _bronnen(gegevens: PubGegevens, gemeente: str) -> list[dict]:
    """The gemeente's sources (and national ones without a gemeente), with freshness as pub.bronnen judges it."""
    b = gegevens.bronnen
    rows = b[(b.gemeente == gemeente) | b.gemeente.isna()]
    out = []
    for r in rows.itertuples(index=False):
        out.append(
            {
                "sleutel": r.bron,
                "bron": BRONNAMEN.get(r.bron, r.bron),
                "tabel": r.tabel_id or "",
                "jaar": "" if pd.isna(r.jaar) else int(r.jaar),
                "bestand": r.bestand,
                "peildatum": opmaak.datum(r.peildatum_bron),
                "opgehaald": r.peildatum_bron,
                "snapshot": bool(r.uit_snapshot),
                "verouderd": bool(getattr(r, "verouderd", False)),
            }
        )
    return sorted(out, key=lambda x: (x["bron"], str(x["jaar"]), x["tabel"]))


def _actualiteit(bronnen: list[dict]) -> list[dict]:
    """One line per kind of source for the header: the oldest of its latest loads, and whether any is stale."""
    per_bron: dict[str, list[dict]] = {}
    for b in bronnen:
        per_bron.setdefault(b["bron"], []).append(b)
    regels = []
    for naam, rijen in per_bron.items():
        oudste = min(rijen, key=lambda r: r["opgehaald"])
        regels.append(
            {
                "bron": naam,
                "jaren": sorted({r["jaar"] for r in rijen if r["jaar"] != ""}),
                "opgehaald": oudste["peildatum"],
                "verouderd": any(r["verouderd"] for r in rijen),
                "snapshot": any(r["snapshot"] for r in rijen),
            }
        )
    return regels


def _bronmeldingen(bronnen: list[dict]) -> list[str]:
    """Per stale source or one read from a saved copy, a short phrase for the one warning line at the top."""
    meldingen = []
    for b in bronnen:
        naam = b["bron"] + (f" {b['jaar']}" if b["jaar"] else "")
        if b["snapshot"]:
            meldingen.append(f"{naam} kon niet vers worden opgehaald; de cijfers komen uit de laatst bewaarde kopie "
                             f"van {b['peildatum']}")
        elif b["verouderd"]:
            tabel = f" ({b['tabel']})" if b["tabel"] else ""
            meldingen.append(f"{naam}{tabel} is verouderd: voor het laatst opgehaald op {b['peildatum']}")
    return meldingen


def _kaart_gebieden(gegevens: PubGegevens, codes: list[str], lagen: list[KaartLaag]) -> gpd.GeoDataFrame:
    """Per buurt its name and, per layer, value and why it is hidden (the map's tooltips show them)."""
    frame = gegevens.grenzen[gegevens.grenzen.gebied_code.isin(codes)][["gebied_code", "gebied_naam", "geometry"]].copy()
    frame["gebied_naam"] = [gegevens.naam(c) for c in frame.gebied_code]
    kolommen = {}
    for laag in lagen:
        kolommen[laag.indicator] = [gegevens.waarde(c, laag.indicator, laag.jaar) for c in frame.gebied_code]
        kolommen[f"{laag.indicator}__verborgen"] = [gegevens.reden(c, laag.indicator, laag.jaar) for c in frame.gebied_code]
    frame = pd.concat([frame, pd.DataFrame(kolommen, index=frame.index)], axis=1)
    return frame.loc[:, ~frame.columns.duplicated()]


def _kaartlagen(gegevens: PubGegevens, gemeente: str, indicator: str, themalagen: list[tuple[str, str]]) -> list[KaartLaag]:
    """Every published buurt indicator (the chosen one first), then one layer per (name, indicator) theme."""
    lagen = _kiesbare_lagen(gegevens, gemeente, indicator, "buurt")
    for naam, thema_indicator in themalagen:
        if thema_indicator in gegevens.indicatoren:
            lagen.append(replace(_kaartlaag(gegevens, thema_indicator, gemeente), label=naam, groep=THEMAGROEP))
    return lagen


def _rode_draden_laag(gegevens: PubGegevens, wijken: list[str]) -> tuple[KaartLaag, dict[str, int]] | None:
    """The index map's layer of the number of rode draden per wijk (pub.rode_draden), when the gemeente has any
    theme judged at all (without its own sources no wijk can have a rode draad, and 'geen' everywhere would mislead)."""
    rijen = [r for r in gegevens.rode_draden if r["wijkcode"] in wijken]
    if not rijen:
        return None
    aantallen = {w: sum(r["wijkcode"] == w and r["status"] == "rode draad" for r in rijen) for w in wijken}
    laag = KaartLaag(RODE_DRADEN_LAAG, "Aantal rode draden", "aantal", [0, 0, 1, 2, 3, math.inf],
                     jaar=gegevens.jaar, klassen=["geen", "1", "2", "3", "4 of meer"], groep="Rode draden")
    return laag, aantallen


def _trends(gegevens: PubGegevens, wijk: str, gemeente: str) -> dict:
    """Charts for the key CBS indicators and for the gemeente's own beschikkingen, over every loaded year of their
    source (a year without a published value is a gap, never dropped), and the indicators left without a chart."""
    aanwezig = gegevens.indicatoren
    groepen = {"cbs": TRENDS, "beschikkingen": [eigen for eigen, _ in BESCHIKKINGEN]}
    uit: dict = {}
    for groep, indicatoren in groepen.items():
        indicatoren = [i for i in indicatoren if i in aanwezig]
        jaren = sorted({j for i in indicatoren for j in gegevens.jaren_van(i)})
        grafieken, zonder_trend = [], []
        for indicator in indicatoren:
            label, eenheid = gegevens.indicator_info(indicator)
            wijk_reeks = Reeks(gegevens.naam(wijk), gegevens.reeks(wijk, indicator), gegevens.noemer_jaren(wijk, indicator))
            gepubliceerd = [j for j, v in wijk_reeks.punten if v is not None]
            if len(gepubliceerd) < 2:  # one published year is not a trend (CBS publishes some figures a year later)
                if len(jaren) > 1:  # named under the charts, with the loaded years that have no published figure
                    zonder = [j for j in jaren if j not in gepubliceerd]
                    zonder_trend.append({"label": label, "jaren": gepubliceerd, "zonder": zonder})
                continue
            gemeente_reeks = (
                Reeks(gegevens.naam(gemeente), gegevens.reeks(gemeente, indicator), gegevens.noemer_jaren(gemeente, indicator))
                if is_verhouding(eenheid) else None
            )
            wijzigingen = {j for j in jaren if gegevens.indeling_gewijzigd(wijk, j)}
            grafieken.append(
                {
                    "label": label, "eenheid": eenheid, "wijzigingen": sorted(wijzigingen),
                    "noemer_noot": _noemer_noot(wijk_reeks, gemeente_reeks),
                    "svg": trend_svg(label, eenheid, wijk_reeks, gemeente_reeks, wijzigingen, f"trend-{indicator}", jaren),
                }
            )
        noten = {g["noemer_noot"] for g in grafieken}
        if len(grafieken) > 1 and len(noten) == 1 and None not in noten:  # the same note under every chart: once
            uit[f"{groep}_noot"] = noten.pop()
            for g in grafieken:
                g["noemer_noot"] = None
        uit[groep] = grafieken
        uit[f"{groep}_zonder_trend"] = zonder_trend
    return uit


def _noemer_noot(*reeksen: Reeks | None) -> str | None:
    """The note under a chart with rates computed from another year's denominator: which years, from which year."""
    per_noemerjaar: dict[int, set[int]] = {}
    for reeks in reeksen:
        if reeks is None:
            continue
        bekend = {j for j, v in reeks.punten if v is not None}
        for jaar, noemer_jaar in reeks.noemer_jaren.items():
            if jaar in bekend:
                per_noemerjaar.setdefault(noemer_jaar, set()).add(jaar)
    if not per_noemerjaar:
        return None
    delen = [
        f"{opmaak.opsomming(sorted(jaren))} met het CBS-cijfer van {noemer_jaar}"
        for noemer_jaar, jaren in sorted(per_noemerjaar.items())
    ]
    return (
        "Open punt: voor dat jaar is er geen CBS-cijfer voor de noemer (niet geladen of nog niet gepubliceerd), dus is "
        f"het cijfer berekend met de noemer van het dichtstbijzijnde jaar: {'; '.join(delen)}."
    )


@lru_cache(maxsize=8)
def _web_buurten(gegevens: PubGegevens, gemeente: str):
    """The gemeente's buurten simplified and in WGS84, computed once for all its wijk reports."""
    alle = gegevens.grenzen[(gegevens.grenzen.gebied_niveau == "buurt") & (gegevens.grenzen.gemeente_code == gemeente)]
    return voor_het_web(alle)


def _algemeen(gegevens: PubGegevens, gemeente: str) -> dict:
    return {
        "gemeente_code": gemeente,
        "gemeente_naam": gegevens.naam(gemeente),
        "jaar": gegevens.jaar,
        "grenzen_jaar": gegevens.grenzen_jaar,
        "gemaakt_op": date.today(),
        "bronnen": (bronnen := _bronnen(gegevens, gemeente)),
        "actualiteit": _actualiteit(bronnen),
        "bronmeldingen": _bronmeldingen(bronnen),
        "tabellen": gegevens.tabel_ids(),
        "leaflet_css": leaflet_css(),
        "leaflet_js": leaflet_js(),
    }


def _web_wijk(gegevens: PubGegevens, wijk: str) -> gpd.GeoDataFrame | None:
    """The wijk's buurten simplified and in WGS84; None when no boundary of them is loaded."""
    buurt_codes = gegevens.gebieden("buurt", ouder=wijk)
    if not gegevens.grenzen.gebied_code.isin(buurt_codes).any():
        return None
    web = _web_buurten(gegevens, gemeente_van(wijk))
    return web[web.gebied_code.isin(buurt_codes)]


def _wijkkaart(gegevens: PubGegevens, wijk: str, lagen: list[KaartLaag], kansen: list[dict], *,
               achtergrond: bool) -> dict[str, str] | None:
    """The wijk's map as parts for a template (kaart_onderdelen): its buurten coloured by the reader's choice of
    `lagen`, the rest of the gemeente grey, its kansen as markers. None when no buurt boundary is loaded."""
    gemeente = gemeente_van(wijk)
    buurt_codes = gegevens.gebieden("buurt", ouder=wijk)
    buurten = _kaart_gebieden(gegevens, buurt_codes, lagen)
    if buurten.empty:
        return None
    web = _web_buurten(gegevens, gemeente)
    in_wijk = web.gebied_code.isin(buurt_codes)
    web_buurten = web[in_wijk][["gebied_code", "geometry"]].merge(buurten.drop(columns="geometry"), on="gebied_code")
    omtrek = gpd.GeoDataFrame(geometry=[web[in_wijk].union_all()], crs=web.crs)
    context = web[~in_wijk].assign(gebied_naam=[gegevens.naam(c) for c in web[~in_wijk].gebied_code])
    op_de_kaart = [k for k in kansen if k["lat"] is not None]
    return kaart_onderdelen(wijk_kaart(web_buurten, context, omtrek, lagen, op_de_kaart,
                                       gemeente_naam=gegevens.naam(gemeente), achtergrond=achtergrond))


def factsheet_naam(wijk: str) -> str:
    """The file name of the wijk's factsheet, next to its report."""
    return f"{wijk}-factsheet.html"


def schrijf_wijkrapport(
    gegevens: PubGegevens, wijk: str, out_dir: Path, *, indicator: str, themalagen: list[tuple[str, str]] = (),
    achtergrond: bool = False,
) -> Path:
    """Write {wijk}.html, its factsheet (factsheet_naam) and its downloads into out_dir; returns the report's path.
    themalagen: extra map layers as (name, indicator); by default one per rode draad of the wijk. achtergrond: a
    background map where it can be reached. The map shows `indicator` or, when the release lacks it, the fallback
    of PubGegevens.kaartindicator (and says so).

    The factsheet is the report's first screen, its map and its rode draden on at most two A4 pages: the same
    pieces as the report, rendered by another template."""
    gemeente = gemeente_van(wijk)
    indicator, kaart_melding = gegevens.kaartindicator(gemeente, indicator)
    lagen = _kaartlagen(gegevens, gemeente, indicator, list(themalagen) or _themalagen(gegevens, wijk))
    kansen = _kansen(gegevens, wijk, _web_wijk(gegevens, wijk))
    vergelijkbaar = _vergelijkbare_wijken(gegevens, wijk)
    algemeen = _algemeen(gegevens, gemeente)
    kerncijfers = _kerncijfers(gegevens, wijk, gemeente, [w["code"] for w in (vergelijkbaar or {}).get("gemeente", [])])
    draden = _rode_draden(gegevens, wijk)
    # what the report and its factsheet share: the first screen, the map's note and the rode draden
    gedeeld = {
        **algemeen,
        **draden,
        "wijk_code": wijk,
        "wijk_naam": gegevens.naam(wijk),
        "aantal_buurten": len(gegevens.gebieden("buurt", ouder=wijk)),
        "kaart_melding": kaart_melding,
        "kansen": kansen,
        "samenvatting": _samenvatting(draden["rode_draden"], draden["signalen"], kerncijfers, algemeen["bronnen"]),
        # the compare view opens with this wijk beside its two most similar wijken of the gemeente
        "vergelijk_wijken": [wijk] + [w["code"] for w in (vergelijkbaar or {}).get("gemeente", [])][:2],
        "factsheet": factsheet_naam(wijk),
    }
    koppen, buurtrijen = _buurttabel(gegevens, wijk)
    html = _env.get_template("wijk.html.j2").render(
        **gedeeld,
        kaart=_wijkkaart(gegevens, wijk, lagen, kansen, achtergrond=achtergrond),
        lagen=lagen,
        kerncijfers=kerncijfers,
        buurt_koppen=koppen,
        buurten=buurtrijen,
        beschikkingen=_beschikkingen(gegevens, wijk, gemeente),
        vorige_bespreking=_vorige_bespreking(gegevens, wijk),
        vergelijkbaar=vergelijkbaar,
        significantie_bekend=gegevens.heeft_significantie,
        vragen=bespreektafel.VRAGEN,
        rollen=bespreektafel.ROLLEN,
        formulier=_formulier(gegevens, draden["rode_draden"]),
        trends=_trends(gegevens, wijk, gemeente),
        downloads=schrijf_downloads(gegevens, wijk, out_dir),
    )
    path = out_dir / f"{wijk}.html"
    path.write_text(met_csp(html, achtergrond=achtergrond), encoding="utf-8")

    # On paper the map shows one colouring: the factsheet offers the report's first one and one per rode draad.
    factsheet_lagen = [lagen[0]] + [laag for laag in lagen[1:] if laag.groep == THEMAGROEP]
    factsheet = _env.get_template("factsheet.html.j2").render(
        **gedeeld,
        kaart=_wijkkaart(gegevens, wijk, factsheet_lagen, kansen, achtergrond=achtergrond),
        lagen=factsheet_lagen,
        volledig=path.name,
        bewijs_max=FACTSHEET_BEWIJS,
    )
    (out_dir / factsheet_naam(wijk)).write_text(met_csp(factsheet, achtergrond=achtergrond), encoding="utf-8")
    return path


def schrijf_index(
    gegevens: PubGegevens, gemeente: str, out_dir: Path, *, indicator: str, mislukt: dict[str, str], achtergrond: bool = False
) -> Path:
    wijk_codes = gegevens.wijken(gemeente)
    indicator, kaart_melding = gegevens.kaartindicator(gemeente, indicator)
    lagen = _kiesbare_lagen(gegevens, gemeente, indicator, "wijk")
    laag = lagen[0]
    rode_draden = _rode_draden_laag(gegevens, wijk_codes)
    if rode_draden:
        lagen.append(rode_draden[0])
    kaart = None
    buurten = gegevens.grenzen[(gegevens.grenzen.gebied_niveau == "buurt") & (gegevens.grenzen.gemeente_code == gemeente)]
    if not buurten.empty:
        # Wijk shapes come from dissolving buurten: separately simplified wijk polygons need not nest.
        wijken = buurten.assign(gebied_code=buurten.gebied_code.map(wijk_van)).dissolve(by="gebied_code").reset_index()
        wijken = wijken[wijken.gebied_code.isin(wijk_codes)]
        wijken = voor_het_web(wijken[["gebied_code", "geometry"]])
        wijken["gebied_naam"] = [gegevens.naam(c) for c in wijken.gebied_code]
        kolommen = {
            k.indicator: [rode_draden[1].get(c, 0) if k.indicator == RODE_DRADEN_LAAG else gegevens.waarde(c, k.indicator, k.jaar)
                          for c in wijken.gebied_code]
            for k in lagen
        }
        wijken = pd.concat([wijken, pd.DataFrame(kolommen, index=wijken.index)], axis=1)
        kaart = kaart_onderdelen(gemeente_kaart(wijken, lagen, gemeente_naam=gegevens.naam(gemeente), achtergrond=achtergrond))
    _, eenheid = gegevens.indicator_info(indicator)
    rows = [
        {
            "code": c,
            "naam": gegevens.naam(c),
            "inwoners": opmaak.waarde(gegevens.waarde(c, "inwoners"), "aantal"),
            "waarde": opmaak.waarde(gegevens.waarde(c, indicator), eenheid),
            "mislukt": mislukt.get(c),
            "factsheet": factsheet_naam(c),
        }
        for c in wijk_codes
    ]
    overzicht = gemeente_overzicht(gegevens, gemeente, wijk_codes, KERNCIJFERS)
    html = _env.get_template("index.html.j2").render(
        **_algemeen(gegevens, gemeente), kaart=kaart, kaart_melding=kaart_melding, laag=laag, lagen=lagen, wijken=rows,
        **overzicht,
    )
    path = out_dir / "index.html"
    path.write_text(met_csp(html, achtergrond=achtergrond), encoding="utf-8")
    return path


_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", flags=re.S)


def met_csp(html: str, *, achtergrond: bool) -> str:
    """The page with a Content-Security-Policy as the first thing after its charset: only the page's own inline
    scripts run (by their SHA-256; with a hash present browsers ignore 'unsafe-inline', so an event handler such as
    onerror= that slipped into the page runs nothing), and the page connects nowhere and loads no image from
    outside, except the background tiles when `achtergrond` asks for them. Styles stay inline: Leaflet and the
    legend set style attributes, and a style cannot run code or, with this img-src, send anything out."""
    hashes = []
    for script in _INLINE_SCRIPT.findall(html):
        # the browser hashes the script text after the parser has made every line end a bare LF
        tekst = script.replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(tekst.encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    afbeeldingen = ["'self'", "data:"]
    if achtergrond:
        tegels = urlsplit(ACHTERGROND_URL)
        afbeeldingen.append(f"{tegels.scheme}://{tegels.netloc}")
    beleid = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(dict.fromkeys(hashes) or ["'none'"]),
            "style-src 'unsafe-inline'",
            "img-src " + " ".join(afbeeldingen),
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    charset = '<meta charset="utf-8">'
    if charset not in html:
        raise ValueError("a report page must declare its charset before the Content-Security-Policy")
    return html.replace(charset, f'{charset}\n<meta http-equiv="Content-Security-Policy" content="{beleid}">', 1)

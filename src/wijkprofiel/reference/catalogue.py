"""The indicator catalogue (data/indicatoren.csv) and the CBS source mapping (data/cbs_variabelen.csv).

indicatoren.csv is the one catalogue: every indicator, CBS cells included, with its Dutch label, unit,
definition, numerator and denominator, source (with CBS table ids), themes, direction and disclosure class
(docs/indicatoren.md). cbs_variabelen.csv only says where a CBS indicator is found in CBS's files: column
names in CBS tables change every year (AantalInwoners_5 in one, AantalInwoners_6 in the next); the release
files use short names (a_inw) and StatLine downloads use titles. A new CBS spelling is one edit there.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from wijkprofiel.errors import WijkprofielError
from wijkprofiel.reference.spelling import zonder_accenten


@dataclass(frozen=True)
class CbsVariabele:
    indicator: str
    label: str
    eenheid: str
    kwb_kort: str
    odata_sleutels: tuple[str, ...]
    statline_titel: str
    verplicht: bool


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("wijkprofiel.reference.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


BRONNEN = ("cbs", "gemeente")
OPENBAARMAKING = ("aantal_personen", "verhouding", "gemiddelde", "niet_persoonsgebonden")
RICHTINGEN = ("hoger_is_zorg", "lager_is_zorg", "neutraal")
#: In bron_tabellen: every Kerncijfers wijken en buurten table of data/cbs_tabellen.csv.
KWB = "KWB"


@dataclass(frozen=True)
class Indicator:
    indicator: str
    label: str
    eenheid: str
    bron: str
    openbaarmaking: str
    teller: str | None
    noemer: str | None
    factor: float | None
    richting: str
    themas: tuple[str, ...]
    definitie: str
    bron_tabellen: tuple[str, ...]
    teller_omschrijving: str | None
    noemer_omschrijving: str | None

    @property
    def is_verhouding(self) -> bool:
        """A rate or share: a unit of % or 'per ...'."""
        return self.eenheid == "%" or self.eenheid.startswith("per ")


def _fout(rij: int, indicator: str, wat: str) -> WijkprofielError:
    return WijkprofielError(f"indicatoren.csv line {rij} ({indicator or 'no key'}): {wat}")


#: In an indicator key, marks a family: one indicator per theme ({thema} the key, {label} the theme's name).
FAMILIE = "{thema}"

#: The map's indicator when the configured one (default: the first) is not in the loaded CBS release or has no
#: published value for the peiljaar: the first of these that has one (docs/indicatoren.md, "De kaart").
#: Shares first, as they compare wijken of any size; counts last. Later releases drop the age columns, and
#: early releases lack the income and care columns, so the list mixes both kinds.
KAART_VOLGORDE = (
    "aandeel_65_plus",
    "aandeel_eenpersoonshuishoudens",
    "huishoudens_laag_inkomen_pct",
    "wmo_clienten_per_1000",
    "bijstand_per_1000_inwoners",
    "aandeel_0_14",
    "jongeren_jeugdzorg_pct",
    "gemiddeld_inkomen_per_inwoner",
    "corporatiewoningen_pct",
    "bevolkingsdichtheid",
    "inwoners",
)


@cache
def indicatoren() -> tuple[Indicator, ...]:
    """The packaged indicator catalogue, checked, with its per-theme families expanded over the packaged
    themes: a bad row raises WijkprofielError naming its line."""
    return catalogus_met_themas({})


def catalogus_met_themas(themas: dict[str, str]) -> tuple[Indicator, ...]:
    """The packaged catalogue with its families expanded over the packaged themes plus `themas` (key →
    label, e.g. a gemeente's own themes from raw.themas)."""
    from wijkprofiel.reference.themes import laad_taxonomie

    alle = {k: t.label for k, t in laad_taxonomie().themas.items()} | themas
    return lees_catalogus(_rows("indicatoren.csv"), _rows("cbs_variabelen.csv"), set(alle), families=alle)


def lees_catalogus(
    rijen: list[dict[str, str]], cbs: list[dict[str, str]], themas: set[str], *, families: dict[str, str] | None = None
) -> tuple[Indicator, ...]:
    """Catalogue rows (as csv.DictReader gives them) → Indicators, checked against the CBS source mapping
    rows and the theme keys. A family row (key with {thema}) becomes one row per theme in `families`
    (key → label); without `families` it is dropped."""
    uit: list[Indicator] = []
    for rij, r in _per_thema(rijen, families or {}):
        key = (r.get("indicator") or "").strip()
        leeg = [k for k in ("indicator", "label", "eenheid", "bron", "openbaarmaking", "richting", "definitie") if not (r.get(k) or "").strip()]
        if leeg:
            raise _fout(rij, key, f"empty {', '.join(leeg)}")
        for veld, toegestaan in (("bron", BRONNEN), ("openbaarmaking", OPENBAARMAKING), ("richting", RICHTINGEN)):
            if r[veld] not in toegestaan:
                raise _fout(rij, key, f"{veld} {r[veld]!r} is not one of {', '.join(toegestaan)}")
        eigen = tuple(t for t in (r.get("themas") or "").split("|") if t)
        if set(eigen) - themas:
            raise _fout(rij, key, f"unknown theme(s) {', '.join(sorted(set(eigen) - themas))} (see themas.yaml)")
        factor = (r.get("factor") or "").strip()
        uit.append(
            Indicator(
                indicator=key,
                label=r["label"],
                eenheid=r["eenheid"],
                bron=r["bron"],
                openbaarmaking=r["openbaarmaking"],
                teller=r.get("teller") or None,
                noemer=r.get("noemer") or None,
                factor=float(factor) if factor else None,
                richting=r["richting"],
                themas=eigen,
                definitie=r["definitie"],
                bron_tabellen=tuple(t for t in (r.get("bron_tabellen") or "").split("|") if t),
                teller_omschrijving=r.get("teller_omschrijving") or None,
                noemer_omschrijving=r.get("noemer_omschrijving") or None,
            )
        )
    _controleer(uit, cbs)
    return tuple(uit)


def _per_thema(rijen: list[dict[str, str]], themas: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """(csv line, row) pairs with each family row replaced by one row per theme, in theme-key order."""
    uit = []
    for rij, r in enumerate(rijen, start=2):
        if FAMILIE not in (r.get("indicator") or ""):
            uit.append((rij, r))
            continue
        for key in sorted(themas):
            label = themas[key][:1].lower() + themas[key][1:]
            uit.append((rij, {k: (v or "").replace(FAMILIE, key).replace("{label}", label) for k, v in r.items()}))
    return uit


def _controleer(uit: list[Indicator], cbs: list[dict[str, str]]) -> None:
    sleutels = [i.indicator for i in uit]
    dubbel = sorted({k for k in sleutels if sleutels.count(k) > 1})
    if dubbel:
        raise WijkprofielError(f"indicatoren.csv: indicator key(s) listed twice: {', '.join(dubbel)}")
    for rij, i in enumerate(uit, start=2):
        onderdelen = ([i.teller] if i.teller else []) + noemer_delen(i.noemer)
        onbekend = [d for d in onderdelen if d not in sleutels]
        if onbekend:
            raise _fout(rij, i.indicator, f"teller/noemer names unknown indicator(s) {', '.join(onbekend)}")
        if bool(i.teller) != bool(i.noemer) or (i.teller and i.factor is None):
            raise _fout(rij, i.indicator, "a computed ratio needs teller, noemer and factor together")
        if i.is_verhouding and not (i.noemer or i.noemer_omschrijving):
            raise _fout(rij, i.indicator, f"a ratio ({i.eenheid}) needs a noemer or noemer_omschrijving")
        if i.bron == "cbs" and not i.bron_tabellen:
            raise _fout(rij, i.indicator, "a CBS figure needs its CBS table ids in bron_tabellen")
    per_sleutel = {i.indicator: i for i in uit}
    for r in cbs:
        i = per_sleutel.get(r["indicator"])
        if i is None or i.bron != "cbs" or i.teller:
            raise WijkprofielError(
                f"indicatoren.csv: CBS variable {r['indicator']} needs a row with bron cbs and no teller (CBS publishes it)"
            )


def indicator(key: str) -> Indicator | None:
    return next((i for i in indicatoren() if i.indicator == key), None)


def tabel_ids(i: Indicator) -> tuple[str, ...]:
    """The CBS table ids of an indicator, with the token KWB expanded to every known KWB table."""
    uit: list[str] = []
    for t in i.bron_tabellen:
        uit += [kwb_tabellen()[j] for j in sorted(kwb_tabellen())] if t == KWB else [t]
    return tuple(dict.fromkeys(uit))


def teller_tekst(i: Indicator) -> str | None:
    """What the figure counts: teller_omschrijving, else the label of its teller indicator."""
    if i.teller_omschrijving:
        return i.teller_omschrijving
    teller = indicator(i.teller) if i.teller else None
    return teller.label if teller else None


def noemer_delen(noemer: str | None) -> list[str]:
    """The indicator keys of a noemer, which may be a sum (`inwoners_0_14+inwoners_15_24`)."""
    return [d.strip() for d in (noemer or "").split("+") if d.strip()]


def noemer_tekst(i: Indicator) -> str | None:
    """What it is divided by: noemer_omschrijving, else the labels of its noemer indicators joined by ' + '."""
    if i.noemer_omschrijving or not i.noemer:
        return i.noemer_omschrijving
    return " + ".join((indicator(d) or i).label for d in noemer_delen(i.noemer))


@cache
def cbs_variabelen() -> tuple[CbsVariabele, ...]:
    labels = {i.indicator: i for i in indicatoren()}
    return tuple(
        CbsVariabele(
            indicator=r["indicator"],
            label=labels[r["indicator"]].label,
            eenheid=labels[r["indicator"]].eenheid,
            kwb_kort=r["kwb_kort"],
            odata_sleutels=tuple(s for s in r["odata_sleutel"].split("|") if s),
            statline_titel=r["statline_titel"],
            verplicht=r["verplicht"] == "ja",
        )
        for r in _rows("cbs_variabelen.csv")
    )


@cache
def kwb_tabellen() -> dict[int, str]:
    """Year → CBS table id of Kerncijfers wijken en buurten."""
    return {int(r["jaar"]): r["tabel_id"] for r in _rows("cbs_tabellen.csv")}


def kwb_tabel_id(jaar: int) -> str:
    try:
        return kwb_tabellen()[jaar]
    except KeyError:
        known = ", ".join(str(j) for j in sorted(kwb_tabellen()))
        raise WijkprofielError(
            f"no Kerncijfers wijken en buurten table known for {jaar} (known: {known}); "
            "add it to data/cbs_tabellen.csv"
        ) from None


def odata_basis(key: str) -> str:
    """AantalInwoners_5 → AantalInwoners: drop CBS's yearly position suffix."""
    return re.sub(r"_\d+$", "", key)


def vergelijkbare_titel(title: str) -> str:
    """A StatLine column title without unit, accents, case or extra spaces, for matching."""
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title.strip())
    title = zonder_accenten(title)
    return re.sub(r"\s+", " ", title).strip().lower()


def variabele_voor_kort(name: str) -> CbsVariabele | None:
    name = name.strip().lower()
    return next((v for v in cbs_variabelen() if v.kwb_kort == name), None)


def variabele_voor_odata(key: str) -> CbsVariabele | None:
    basis = odata_basis(key)
    return next((v for v in cbs_variabelen() if basis in v.odata_sleutels), None)


def variabele_voor_statline(title: str) -> CbsVariabele | None:
    """Match on the end of the title path, so 'Bevolking/Aantal inwoners (aantal)' finds inwoners."""
    wanted = vergelijkbare_titel(title)
    for v in cbs_variabelen():
        target = vergelijkbare_titel(v.statline_titel)
        if wanted == target or wanted.endswith("/" + target):
            return v
    return None


def verplichte_indicatoren() -> list[str]:
    return [v.indicator for v in cbs_variabelen() if v.verplicht]


def catalogus_markdown() -> str:
    """The catalogue as a Markdown table for docs/indicatoren.md (between its 'catalogus' markers)."""
    regels = [
        "| indicator | label | eenheid | bron | openbaarmaking | richting | thema's | teller / noemer | definitie |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i in indicatoren():
        bron = i.bron + (f" ({', '.join(i.bron_tabellen)})" if i.bron_tabellen else "")
        breuk = (teller_tekst(i) or "") + (f" / {noemer_tekst(i)}" if noemer_tekst(i) else "")
        velden = [f"`{i.indicator}`", i.label, i.eenheid, bron, i.openbaarmaking, i.richting, ", ".join(i.themas),
                  breuk, i.definitie]  # fmt: skip
        regels.append("| " + " | ".join(v.replace("|", "\\|") for v in velden) + " |")
    return "\n".join(regels) + "\n"


_BEGIN, _EIND = "<!-- catalogus: generated from indicatoren.csv by catalogus_markdown() -->\n", "<!-- /catalogus -->\n"


def catalogus_in_doc(tekst: str) -> str:
    """The text of docs/indicatoren.md with its catalogue table replaced by the current one."""
    if _BEGIN not in tekst or _EIND not in tekst:
        raise WijkprofielError("docs/indicatoren.md has no catalogue markers")
    voor, rest = tekst.split(_BEGIN, 1)
    return voor + _BEGIN + catalogus_markdown() + _EIND + rest.split(_EIND, 1)[1]


if __name__ == "__main__":  # python -m wijkprofiel.catalogus docs/indicatoren.md
    import sys
    from pathlib import Path

    doc = Path(sys.argv[1])
    doc.write_text(catalogus_in_doc(doc.read_text(encoding="utf-8")), encoding="utf-8")

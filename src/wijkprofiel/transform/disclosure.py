"""Disclosure control: the CBS small-number rule for every figure computed from the gemeente's own data.

Figures CBS has already published pass through unchanged (CBS applied its own rules; '.' stays hidden).
For figures with bron = 'gemeente' (DESIGN §8):

- a person count of 0–7 is hidden; any other count is rounded to the nearest 5;
- a rate is computed from its rounded numerator and hidden with it; when its denominator is (partly) a
  gemeente count, from the published (rounded) denominator too, and hidden with it, so that rate and
  numerator do not give back the unrounded or hidden denominator;
- an area with fewer than 50 inhabitants (or an unknown number) shows no person-based figure;
- secondary suppression: where a parent's figure is published and exactly one of its children is hidden,
  the next-smallest published child is hidden too, repeated until stable, so that subtracting published
  figures from the total recovers nothing. Children are a wijk's buurten and a gemeente's wijken; a child
  with no figure at all (a true 0) is shown as '.' too and counts as hidden.

This module is the only place these rules live.
"""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb
import pandas as pd

from wijkprofiel.db import create_sql_functions
from wijkprofiel.reference.catalogue import noemer_delen

ONDERGRENS = 8          # true counts below this are hidden
AFRONDING = 5           # published counts are multiples of this
MIN_INWONERS = 50       # smaller areas show no person-based figures
PERSOONSGEBONDEN = ("aantal_personen", "verhouding")


def afgerond_aantal(aantal: float | None) -> float | None:
    """The primary rule: 0–7 is hidden (None); anything else goes to the nearest multiple of 5."""
    if aantal is None or (isinstance(aantal, float) and math.isnan(aantal)) or aantal < ONDERGRENS:
        return None
    return float(AFRONDING * math.floor(aantal / AFRONDING + 0.5))


def openbaar_maken(waarden: pd.DataFrame, gebieden: pd.DataFrame, catalogus: pd.DataFrame) -> pd.DataFrame:
    """Decide, for every row of marts.indicator_waarden, the published value and whether it is hidden.

    waarden: gebied_code, gebied_niveau, ouder_code, jaar, indicator, waarde, bron, openbaarmaking, noemer and
    optionally noemer_jaar (the year of the noemer when not jaar).
    gebieden: gebied_code, gebied_niveau, ouder_code, jaar, inwoners (the areas that exist, with CBS inwoners).
    catalogus: indicator, teller, factor and optionally noemer (raw.indicator_catalogus).
    Returns gebied_code, jaar, indicator, waarde (published), onderdrukt, reden.
    """
    uit: dict[tuple, tuple[float | None, str | None]] = {}
    teller_van = {r.indicator: r.teller for r in catalogus.itertuples() if isinstance(r.teller, str) and r.teller}
    noemer_van = {
        r.indicator: noemer_delen(r.noemer) for r in catalogus.itertuples() if isinstance(getattr(r, "noemer", None), str)
    }
    factor_van = {r.indicator: r.factor for r in catalogus.itertuples()}
    inwoners = _inwoners_per_jaar(gebieden)

    gemeente = waarden[waarden.bron == "gemeente"]
    gemeente_aantallen = set(gemeente.loc[gemeente.openbaarmaking == "aantal_personen", "indicator"])
    for r in waarden[waarden.bron != "gemeente"].itertuples(index=False):
        uit[(r.gebied_code, r.jaar, r.indicator)] = (None, "onbekend of geheim (CBS)") if _leeg(r.waarde) else (r.waarde, None)

    # 1. Person counts: small-area rule, then the primary rule.
    aantallen = gemeente[gemeente.openbaarmaking == "aantal_personen"]
    waar: dict[tuple, float] = {}
    for r in aantallen.itertuples(index=False):
        key = (r.gebied_code, r.jaar, r.indicator)
        waar[key] = r.waarde
        if (inwoners.get((r.gebied_code, r.jaar)) or 0) < MIN_INWONERS:
            uit[key] = (None, f"gebied met minder dan {MIN_INWONERS} inwoners")
        elif afgerond_aantal(r.waarde) is None:
            uit[key] = (None, f"minder dan {ONDERGRENS}")
        else:
            uit[key] = (afgerond_aantal(r.waarde), None)

    # 2. Secondary suppression over each parent's children, until nothing changes.
    _secundair(uit, waar, aantallen, gebieden)

    # 3. Rates follow their (rounded, possibly hidden) numerator.
    te_berekenen: list[tuple[tuple, float, float, float]] = []
    for r in gemeente[gemeente.openbaarmaking != "aantal_personen"].itertuples(index=False):
        key = (r.gebied_code, r.jaar, r.indicator)
        teller = teller_van.get(r.indicator)
        if r.openbaarmaking == "verhouding" and teller:
            teller_uit = uit.get((r.gebied_code, r.jaar, teller), (None, f"minder dan {ONDERGRENS}"))
            if teller_uit[0] is None:
                uit[key] = (None, teller_uit[1])
            elif _leeg(r.noemer) or not r.noemer:
                uit[key] = (None, "noemer onbekend")
            else:
                noemer, reden = _gepubliceerde_noemer(r, noemer_van.get(r.indicator, []), gemeente_aantallen, uit, waar)
                if noemer is None or not noemer:
                    uit[key] = (None, reden or "noemer onbekend")
                else:
                    te_berekenen.append((key, teller_uit[0], noemer, factor_van[r.indicator]))
        elif r.openbaarmaking == "niet_persoonsgebonden":
            uit[key] = (r.waarde, None) if not _leeg(r.waarde) else (None, "onbekend")
        else:  # an average or an unknown class of a person-based figure: not published until it has a rule
            uit[key] = (None, "geen openbaarmakingsregel")
    for (key, *_), waarde in zip(te_berekenen, verhoudingen([rij[1:] for rij in te_berekenen])):
        uit[key] = (waarde, None)

    return pd.DataFrame(
        [(c, j, i, w, w is None, reden) for (c, j, i), (w, reden) in uit.items()],
        columns=["gebied_code", "jaar", "indicator", "waarde", "onderdrukt", "reden"],
    )


def verhoudingen(rijen: list[tuple[float, float, float]]) -> list[float | None]:
    """Rates from (teller, noemer, factor) by the one formula every rate uses: the SQL macro wp_verhouding
    (sql/macros/verhouding.sql), so a published rate is rounded exactly as the true one in the marts."""
    if not rijen:
        return []
    con = duckdb.connect()
    try:
        create_sql_functions(con)
        con.register("_rijen", pd.DataFrame(rijen, columns=["teller", "noemer", "factor"], dtype="float64"))
        return [w for (w,) in con.execute("select wp_verhouding(teller, noemer, factor) from _rijen").fetchall()]
    finally:
        con.close()


def _gepubliceerde_noemer(r, delen: list[str], gemeente_aantallen: set[str], uit: dict, waar: dict):
    """The denominator a reader may see: the true one with every gemeente count in it replaced by its published
    (rounded) value; None with the part's reason when such a part is hidden (or has no row: a true 0). The parts are
    those of the noemer's own year (noemer_jaar), which intermediate.verhoudingen may have taken from a nearby year."""
    noemer = r.noemer
    jaar = getattr(r, "noemer_jaar", None)
    jaar = r.jaar if _leeg(jaar) else int(jaar)
    for deel in delen:
        if deel not in gemeente_aantallen:
            continue  # a CBS figure: public as it is
        sleutel = (r.gebied_code, jaar, deel)
        gepubliceerd, reden = uit.get(sleutel, (None, f"minder dan {ONDERGRENS}"))
        if gepubliceerd is None:
            return None, f"noemer verborgen ({reden})"
        noemer = noemer - (waar.get(sleutel) or 0) + gepubliceerd
    return noemer, None


def _secundair(uit: dict, waar: dict, aantallen: pd.DataFrame, gebieden: pd.DataFrame) -> None:
    """Hide more children until no hidden figure can be recovered by subtraction.

    - A published parent with exactly one hidden child: hide its smallest published child too.
    - A hidden parent whose children are all published: its value would be their sum, so hide the
      smallest child too.
    - A parent with a single child has that child's value: when either is hidden, both are.
    Parents are visited in a fixed order (wijken before gemeenten, then by code) so the result does not
    depend on row order.
    """
    kinderen: dict[tuple, set[str]] = defaultdict(set)  # (ouder_code, jaar) → child codes
    for g in gebieden.itertuples(index=False):
        if isinstance(g.ouder_code, str) and g.ouder_code:
            kinderen[(g.ouder_code, g.jaar)].add(g.gebied_code)
    # An area with a gemeente figure is a child even when CBS's list for that year lacks it.
    for r in aantallen.itertuples(index=False):
        if isinstance(r.ouder_code, str) and r.ouder_code:
            kinderen[(r.ouder_code, r.jaar)].add(r.gebied_code)
    ouders = sorted(kinderen, key=lambda k: (0 if k[0].startswith("WK") else 1, k[0], k[1]))
    sleutels = sorted({(r.indicator, r.jaar) for r in aantallen.itertuples(index=False)})
    reden = "secundair onderdrukt (anders terug te rekenen)"
    changed = True
    while changed:
        changed = False
        for indicator, jaar in sleutels:
            for ouder, k_jaar in ouders:
                codes = sorted(kinderen[(ouder, k_jaar)])
                if k_jaar != jaar or not codes:
                    continue
                ouder_verborgen = uit.get((ouder, jaar, indicator), (None,))[0] is None
                if len(codes) == 1:
                    # A parent with one child has the child's value: hide both when either is hidden.
                    if (ouder, jaar, indicator) not in uit:
                        continue  # no figure for the parent at all: nothing to reveal or to be revealed by
                    kind = codes[0]
                    kind_verborgen = uit.get((kind, jaar, indicator), (None,))[0] is None
                    if ouder_verborgen != kind_verborgen:
                        verborgen_code = ouder if not ouder_verborgen else kind
                        uit[(verborgen_code, jaar, indicator)] = (None, reden)
                        changed = True
                    continue
                verborgen = [c for c in codes if uit.get((c, jaar, indicator), (None,))[0] is None]
                zichtbaar = [c for c in codes if c not in verborgen]
                if not zichtbaar:
                    continue
                if (not ouder_verborgen and len(verborgen) == 1) or (ouder_verborgen and not verborgen):
                    kleinste = min(zichtbaar, key=lambda c: (waar.get((c, jaar, indicator), 0), c))
                    uit[(kleinste, jaar, indicator)] = (None, reden)
                    changed = True


def _inwoners_per_jaar(gebieden: pd.DataFrame) -> dict[tuple, float]:
    """CBS inwoners per area and year; a year without a CBS figure uses the latest earlier one."""
    out: dict[tuple, float] = {}
    for code, rows in gebieden.sort_values("jaar").groupby("gebied_code"):
        laatste = None
        for r in rows.itertuples(index=False):
            if not _leeg(r.inwoners):
                laatste = r.inwoners
            out[(code, r.jaar)] = laatste
    return out


def _leeg(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def schrijf_openbaarmaking(con) -> None:
    """Compute pub.openbaarmaking from marts.indicator_waarden (called by the build, inside its transaction)."""
    waarden = con.execute(
        """select gebied_code, gebied_niveau, ouder_code, jaar, indicator, waarde, bron, openbaarmaking, noemer,
                  noemer_jaar
           from marts.indicator_waarden"""
    ).df()
    gebieden = con.execute(
        """with jaren as (select distinct jaar from marts.indicator_waarden),
                cbs_gebieden as (select * from intermediate.cbs_gebieden),
                laatste as (select max(jaar) as jaar from cbs_gebieden)
           -- areas per year: CBS's own list of that year, or for later years the latest CBS list
           select g.gebied_code, g.gebied_niveau, g.ouder_code, j.jaar, i.waarde as inwoners
           from jaren j
           join cbs_gebieden g on g.jaar = coalesce((select max(jaar) from cbs_gebieden where jaar <= j.jaar),
                                                    (select min(jaar) from cbs_gebieden))
           left join intermediate.cbs_waarden i
             on i.gebied_code = g.gebied_code and i.indicator = 'inwoners' and i.jaar = g.jaar
           order by j.jaar, g.gebied_code"""
    ).df()
    catalogus = con.execute("select indicator, teller, noemer, factor from raw.indicator_catalogus").df()
    besluit = openbaar_maken(waarden, gebieden, catalogus)
    con.register("_openbaarmaking", besluit)
    con.execute("create or replace table pub.openbaarmaking as select * from _openbaarmaking")
    con.unregister("_openbaarmaking")
    con.execute(
        "comment on table pub.openbaarmaking is 'Per indicator value: the published value after disclosure control "
        "(CBS small-number rule for gemeente figures), whether it is hidden and why.'"
    )
    for kolom, tekst in {
        "gebied_code": "CBS area code as text.",
        "jaar": "Year of the figure.",
        "indicator": "Indicator key (see marts.indicator_waarden).",
        "waarde": "The value that may be published: CBS figures unchanged; gemeente counts rounded to 5, rates from rounded counts; NULL when hidden.",
        "onderdrukt": "True when the value is hidden.",
        "reden": "Why the value is hidden (minder dan 8, gebied met minder dan 50 inwoners, secundair onderdrukt, onbekend of geheim (CBS)).",
    }.items():
        con.execute(f"comment on column pub.openbaarmaking.{kolom} is '{tekst}'")

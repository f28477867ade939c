"""A SYNTHETIC whole country in CBS's own file layouts, for tests and benchmarks: NO real area, NO real figure.

The bundled real CBS data covers one gemeente (Utrecht). To run every gemeente of the country without CBS's real
national files, `synth_landelijk` writes a made-up country of ~342 gemeenten, ~3,300 wijken and ~14,500 buurten:

- `SYNTHETIC-kwb-<jaar>.xlsx`: a *Kerncijfers wijken en buurten* release in CBS's layout, copied from the bundled
  real release (data/cbs/kwb-2023-utrecht.xlsx): sheet `kwb-<jaar>`, the same 121 short-named columns in the same
  order (gwb_code_10, gwb_code_8, regio, gm_naam, recs, gwb_code, ind_wbi, a_inw, ...), numbers as numbers, '.' for
  unknown or secret; one row for Nederland (NL00), then each gemeente followed by each of its wijken, each wijk
  followed by its buurten. It is filled like a final release: the care and income columns CBS filled in later
  (a_wmo_t, a_jz_tn, p_hh_li, ...) have values too.
- `SYNTHETIC-kwb-<jaar>-43cols.xlsx`: the same areas and values in the layout of the later release the project
  bundles (data/cbs/kwb-2023-utrecht-later-release-43cols.xlsx): its 43 columns, so no regio, recs or age columns,
  every cell text, and a decimal comma in the columns where that file has one.
- `SYNTHETIC-wijkenbuurten-<jaar>.gpkg`: boundaries as in CBS's *wijk- en buurtkaart*: layers `buurten`, `wijken`
  and `gemeenten` with CBS's column names (buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam,
  water, aantal_inwoners), MultiPolygons in EPSG:28992 inside the Netherlands' bounding box.
- `SYNTHETIC-pc6hnr-<jaar>-gwb.csv`: a thinned table in the layout of CBS's "Buurt, wijk en gemeente <jaar> voor
  postcode huisnummer" (`PC6;Huisnummer;Buurt<jaar>;Wijk<jaar>;Gemeente<jaar>`, codes as bare numbers).
- `SYNTHETIC-manifest.json`: what was made, from which seed, and that it is synthetic.

Codes follow CBS's formats: GM + 4 digits, WK + 6 and BU + 8 characters; gemeente 0363 is always in the country and,
as Amsterdam's real codes, has alphanumeric wijk and buurt codes (WK0363AA, BU0363AA01). Names are invented.

Figures come from the REAL buurten of Utrecht (KWB 2023, early release with the later one's care and income
values; CC-BY 4.0, "Bron: CBS"), per column group: every synthetic buurt takes, for each group of related columns
(age, herkomst, households, housing, income with benefits and care, ...), the figures of one real Utrecht buurt
drawn at random, counts scaled to its own number of inhabitants. Within a group the figures stay consistent
(the age bands add up to the inhabitants); across groups they are independent. Wijk and gemeente figures are built
from their buurten (counts summed, averages and percentages weighted by inhabitants), so the buurten add up to their
wijk and gemeente up to CBS's rounding of counts to 5. Areas come from the generated boundaries. Columns that
neither bundled release fills in (energy, education, ...) stay '.' everywhere: there is nothing real to sample.

Boundaries are Voronoi cells, nested by construction: random points in the box give the gemeenten, random points
inside each gemeente its wijken (cells clipped to the gemeente), and likewise the buurten inside each wijk. Every
cell is convex, so every polygon is valid and the buurten of a wijk tile it exactly.

Output is deterministic: one numpy Generator seeded with `seed`, no clock, fixed zip timestamps in the xlsx files
and a fixed GeoPackage timestamp.
"""

from __future__ import annotations

import io
import json
import string
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import shapely
from shapely.geometry import Polygon, box

from wijkprofiel.demo.synth import _getal
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.paths import demo_data_dir

# ---------------------------------------------------------------------------------------------------------------
# Constants that shape the country. Each says why it has its value; change them here, nowhere else.
# ---------------------------------------------------------------------------------------------------------------

BRON_VROEG = "cbs/kwb-2023-utrecht.xlsx"  # the 121-column layout, and most figures
BRON_LATER = "cbs/kwb-2023-utrecht-later-release-43cols.xlsx"  # the 43-column layout, care and income figures

JAAR = 2023  # the year of the bundled layouts
GEMEENTEN = 342  # the Netherlands in 2023
MAX_GEMEENTEN = 400  # the invented names run out above this (and no country has more)

#: Amsterdam's code. Its real wijk codes are letters (WK0363AA) since 2022, the format a numeric-only reader breaks on.
ALFANUMERIEKE_GEMEENTE = 363

# Wijken per gemeente and buurten per wijk: 1 + a negative binomial (mean, dispersion). The means give the real
# totals of 2023 (342 gemeenten, ~3,300 wijken, ~14,500 buurten: 9.65 wijken per gemeente, 4.4 buurten per
# wijk); the low dispersion gives the real long tail (many gemeenten of a few wijken, a few of 50 to 100).
WIJKEN_PER_GEMEENTE = (8.65, 1.5)
BUURTEN_PER_WIJK = (3.4, 2.0)
MAX_PER_NIVEAU = 99  # two code characters per level: wijken 00-99 (or AA-ZZ), buurten 00-99 per wijk

# Inhabitants per buurt: a real Utrecht buurt's a_inw times a lognormal factor. Utrecht's buurten are city buurten
# (3,315 inhabitants on average); the country's are smaller (17.8 million over ~14,500 buurten: ~1,230). The factor's
# mean brings the one to the other, its spread gives villages and rural buurten of a few dozen people.
INWONERS_PER_BUURT = 1230
INWONERS_SPREIDING = 0.8
#: Share of buurten without inhabitants (bedrijventerreinen, water, polders): about 4% of real buurten.
AANDEEL_ZONDER_INWONERS = 0.04
#: Averages and percentages of an area with fewer inhabitants are secret ('.'): CBS publishes most of them only
#: from a minimum size (Toelichting KWB 2024, e.g. income figures from 100 inhabitants).
MIN_INWONERS_VOOR_GEMIDDELDEN = 100

#: A buurt's figures come from real buurten of at least this size: scaled per inhabitant, the counts of a small one
#: blow up (Utrecht's bedrijventerrein De Wetering has 275 registered cars per inhabitant).
MIN_INWONERS_DONOR = 500

#: The Netherlands' bounding box in RD New (EPSG:28992), metres. A smaller country gets a box of the same shape
#: around the same centre, its area in proportion to its gemeenten, so that densities stay plausible.
NEDERLAND = (13_000.0, 306_000.0, 278_000.0, 620_000.0)

# Column groups: each starts at the column named here (in CBS's column order) and runs to the next start. A buurt
# draws one real donor buurt per key; groups with the same key share it, so benefits (AOW) and care (Wmo) follow
# the same buurt's age and income.
GROEP_START = {
    "a_man": "mensen",  # gender, age, burgerlijke staat
    "a_nl_all": "herkomst",
    "a_geb": "geboorte",
    "a_hh": "huishoudens",
    "a_woning": "wonen",
    "g_ele": "energie",
    "a_opl_lg": "arbeid",
    "a_inkont": "mensen",  # income, benefits, jeugdzorg and Wmo: with the age of the same donor
    "a_bedv": "bedrijven",
    "a_pau": "voertuigen",
    "g_afs_hp": "voorzieningen",
    "a_opp_ha": "oppervlakte",
    "pst_mvp": "postcode",
    "ste_mvs": "stedelijkheid",
}
ID_KOLOMMEN = ("gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi")
OPPERVLAKTE = ("a_opp_ha", "a_lan_ha", "a_wat_ha")
#: Published only for buurten (as in the real release: a wijk has no single most common postcode).
ALLEEN_BUURT = ("pst_mvp", "pst_dekp")
#: Figures per 1,000 inhabitants, recomputed from their count so that they agree with it at every level.
PER_DUIZEND = {"p_geb": "a_geb", "p_ste": "a_ste", "p_wmo_t": "a_wmo_t"}

# Thinned postcode table: one PC6 per ~100 dwellings (the real table has one per ~18 addresses, 9 million rows),
# each with a few house numbers: enough to place addresses in every buurt, small enough to write in a second.
WONINGEN_PER_PC6 = 100
HUISNUMMERS_PER_PC6 = 3
#: PC6 letter pairs; PostNL does not use SA, SD and SS.
LETTERPAREN = tuple(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase if a + b not in ("SA", "SD", "SS"))

# Invented names: stem + ending (any likeness to a real place name is chance).
STAMMEN = (
    "Molen", "Kerk", "Linden", "Eiken", "Beuken", "Vogel", "Bloem", "Dijk", "Haven", "Polder", "Veld", "Akker",
    "Brink", "Weide", "Hof", "Berg", "Bosch", "Meer", "Zand", "Klei", "Heide", "Wilgen", "Essen", "Vlas", "Rogge",
)  # fmt: skip
GEMEENTE_EINDEN = (
    "dam", "wijk", "veen", "horst", "hoven", "dorp", "recht", "zijl", "wolde", "broek", "loo", "mond", "huizen",
    "drecht", "um", "ingen",
)  # fmt: skip
GEMEENTE_VOORVOEGSELS = ("", "", "", "", "Oud-", "Nieuw-", "Groot-", "Sint-")
WIJK_EINDEN = ("kwartier", "wijk", "park", "veld", "hoek", "zoom", "stad", "oord")
BUURT_EINDEN = ("buurt", "hof", "laan", "plein", "akker", "kamp", "erf", "straat e.o.", "singel", "hoven")

BESTAND_KWB = "SYNTHETIC-kwb-{jaar}.xlsx"
BESTAND_KWB_43 = "SYNTHETIC-kwb-{jaar}-43cols.xlsx"
BESTAND_GRENZEN = "SYNTHETIC-wijkenbuurten-{jaar}.gpkg"
BESTAND_POSTCODES = "SYNTHETIC-pc6hnr-{jaar}-gwb.csv"
BESTAND_MANIFEST = "SYNTHETIC-manifest.json"


@dataclass
class LandelijkResultaat:
    kwb: Path
    kwb_43: Path
    grenzen: Path
    postcodes: Path
    manifest: Path
    aantallen: dict[str, int] = field(default_factory=dict)

    @property
    def bestanden(self) -> list[Path]:
        return [self.kwb, self.kwb_43, self.grenzen, self.postcodes, self.manifest]


def synth_landelijk(out_dir: Path, *, seed: int = 2026, gemeenten: int = GEMEENTEN, jaar: int = JAAR) -> LandelijkResultaat:
    """Write a SYNTHETIC country of `gemeenten` gemeenten (see the module docstring) into `out_dir`."""
    if isinstance(gemeenten, bool) or not isinstance(gemeenten, (int, np.integer)) or not 1 <= gemeenten <= MAX_GEMEENTEN:
        raise WijkprofielError(f"gemeenten must be a whole number from 1 to {MAX_GEMEENTEN}, not {gemeenten!r}")
    if isinstance(jaar, bool) or not isinstance(jaar, int) or not 1900 <= jaar <= 2999:
        raise WijkprofielError(f"jaar must be a year such as {JAAR}, not {jaar!r}")
    bron = _lees_bron(demo_data_dir())
    rng = np.random.default_rng(seed)
    land = _maak_indeling(rng, int(gemeenten))
    _maak_grenzen(rng, land)
    waarden = _maak_waarden(rng, land, bron)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = LandelijkResultaat(
        kwb=out_dir / BESTAND_KWB.format(jaar=jaar),
        kwb_43=out_dir / BESTAND_KWB_43.format(jaar=jaar),
        grenzen=out_dir / BESTAND_GRENZEN.format(jaar=jaar),
        postcodes=out_dir / BESTAND_POSTCODES.format(jaar=jaar),
        manifest=out_dir / BESTAND_MANIFEST,
        aantallen={"gemeenten": land.n_gemeenten, "wijken": land.n_wijken, "buurten": land.n_buurten},
    )
    volgorde = _rijvolgorde(land)
    for pad, blad, kolommen, alles_tekst in (
        (result.kwb, f"kwb-{jaar}", bron.kolommen, False),
        (result.kwb_43, "Sheet1", bron.later_kolommen, True),  # the later release's sheet name and all-text cells
    ):
        teksten: dict[str, int] = {}
        rijen = _rijen_xml(land, waarden, bron, kolommen, volgorde, teksten, alles_tekst=alles_tekst)
        _schrijf_xlsx(pad, blad, kolommen, rijen, teksten)
    _schrijf_grenzen(result.grenzen, land, waarden, jaar)
    result.aantallen["postcoderijen"] = _schrijf_postcodes(result.postcodes, land, waarden, jaar)
    _schrijf_manifest(result, seed=seed, jaar=jaar)
    return result


# ---------------------------------------------------------------------------------------------------------------
# The real Utrecht figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Bron:
    kolommen: list[str]  # the early release's 121 columns, in CBS's order
    later_kolommen: list[str]  # the later release's 43
    buurten: dict[str, np.ndarray]  # per value column, the real buurten's figures (NaN = '.')
    decimalen: dict[str, int]  # decimals CBS publishes per column
    per_5: set[str]  # count columns CBS rounds to 5 for wijken and buurten
    komma: set[str]  # columns the later release writes with a decimal comma
    groep: dict[str, str]  # value column -> donor key

    @property
    def waarde_kolommen(self) -> list[str]:
        return [k for k in self.kolommen if k not in ID_KOLOMMEN]


def _lees_rijen(path: Path) -> tuple[list[str], list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rijen = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    return [str(k) for k in rijen[0]], rijen[1:]


def _decimalen(value: object) -> int:
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", ".")
    return len(text.split(".", 1)[1]) if "." in text[1:] else 0


def _lees_bron(data: Path) -> _Bron:
    paden = [data / BRON_VROEG, data / BRON_LATER]
    missing = [str(p) for p in paden if not p.is_file()]
    if missing:
        raise WijkprofielError(f"bundled CBS data not found: {', '.join(missing)}")
    kolommen, vroeg = _lees_rijen(paden[0])
    later_kolommen, later = _lees_rijen(paden[1])
    later_per_code = {r[0]: dict(zip(later_kolommen, r)) for r in later}
    waarde_kolommen = [k for k in kolommen if k not in ID_KOLOMMEN]
    per_kolom: dict[str, list[float]] = {k: [] for k in waarde_kolommen}
    decimalen = dict.fromkeys(waarde_kolommen, 0)
    niet_per_5: set[str] = set()
    for rij in vroeg:
        cellen = dict(zip(kolommen, rij))
        code = str(cellen["gwb_code_10"]).strip()
        uit_later = later_per_code.get(code, {})
        for k in waarde_kolommen:
            # The early release where it has a figure, else the later one (which filled in care and income).
            ruw = cellen[k] if _getal(cellen[k]) is not None else uit_later.get(k, cellen[k])
            getal = _getal(ruw)
            if getal is None:
                if code.startswith("BU"):
                    per_kolom[k].append(np.nan)
                continue
            decimalen[k] = max(decimalen[k], _decimalen(ruw))
            if not code.startswith("GM") and getal % 5:
                niet_per_5.add(k)
            if code.startswith("BU"):
                per_kolom[k].append(getal)
    komma = {k for rij in later for k, v in zip(later_kolommen, rij) if isinstance(v, str) and "," in v}
    groep, huidig = {}, "mensen"
    for k in waarde_kolommen:
        huidig = GROEP_START.get(k, huidig)
        groep[k] = huidig
    return _Bron(
        kolommen=kolommen,
        later_kolommen=later_kolommen,
        buurten={k: np.array(v, dtype=float) for k, v in per_kolom.items()},
        decimalen=decimalen,
        per_5={k for k in waarde_kolommen if k.startswith("a_") and k not in niet_per_5 and k not in OPPERVLAKTE},
        komma=komma,
        groep=groep,
    )


# ---------------------------------------------------------------------------------------------------------------
# Gemeenten, wijken and buurten: codes, names, boundaries
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Land:
    gm_code: list[str]  # 'GM0363'
    gm_naam: list[str]
    wk_code: list[str]
    wk_naam: list[str]
    wk_gemeente: np.ndarray  # per wijk, index of its gemeente
    bu_code: list[str]
    bu_naam: list[str]
    bu_wijk: np.ndarray  # per buurt, index of its wijk
    gm_vlak: list[Polygon] = field(default_factory=list)
    wk_vlak: list[Polygon] = field(default_factory=list)
    bu_vlak: list[Polygon] = field(default_factory=list)

    @property
    def n_gemeenten(self) -> int:
        return len(self.gm_code)

    @property
    def n_wijken(self) -> int:
        return len(self.wk_code)

    @property
    def n_buurten(self) -> int:
        return len(self.bu_code)

    @property
    def bu_gemeente(self) -> np.ndarray:
        return self.wk_gemeente[self.bu_wijk]


def _aantallen(rng: np.random.Generator, n: int, gemiddeld_dispersie: tuple[float, float]) -> np.ndarray:
    """`n` counts of 1 + a negative binomial with the given mean and dispersion, at most MAX_PER_NIVEAU, whose
    total is exactly n x (1 + mean): a negative binomial is a Poisson with gamma-distributed means, and a
    multinomial over gamma weights is that Poisson mix conditioned on its total."""
    gemiddeld, dispersie = gemiddeld_dispersie
    gewichten = rng.gamma(dispersie, size=n)
    extra = rng.multinomial(round(n * gemiddeld), gewichten / gewichten.sum())
    return np.minimum(1 + extra, MAX_PER_NIVEAU)


def _namen(rng: np.random.Generator, n: int, einden: tuple[str, ...]) -> list[str]:
    return [STAMMEN[s] + einden[e] for s, e in zip(rng.integers(0, len(STAMMEN), n), rng.integers(0, len(einden), n))]


def _maak_indeling(rng: np.random.Generator, n_gemeenten: int) -> _Land:
    andere = np.setdiff1d(np.arange(1, 2000), [ALFANUMERIEKE_GEMEENTE])
    nummers = np.sort(np.append(rng.choice(andere, n_gemeenten - 1, replace=False), ALFANUMERIEKE_GEMEENTE))
    combinaties = rng.choice(len(STAMMEN) * len(GEMEENTE_EINDEN), n_gemeenten, replace=False)
    voorvoegsels = rng.integers(0, len(GEMEENTE_VOORVOEGSELS), n_gemeenten)
    gm_naam = [
        GEMEENTE_VOORVOEGSELS[v] + STAMMEN[c // len(GEMEENTE_EINDEN)] + GEMEENTE_EINDEN[c % len(GEMEENTE_EINDEN)]
        for c, v in zip(combinaties, voorvoegsels)
    ]
    wijken = _aantallen(rng, n_gemeenten, WIJKEN_PER_GEMEENTE)
    wk_code, wk_gemeente = [], []
    for g, (nummer, n) in enumerate(zip(nummers, wijken)):
        if nummer == ALFANUMERIEKE_GEMEENTE:
            delen = [string.ascii_uppercase[j // 26] + string.ascii_uppercase[j % 26] for j in range(n)]
        else:
            begin = int(rng.integers(0, 2)) if n < MAX_PER_NIVEAU else 0  # CBS numbers wijken from 00 or from 01
            delen = [f"{begin + j:02d}" for j in range(n)]
        wk_code += [f"WK{nummer:04d}{deel}" for deel in delen]
        wk_gemeente += [g] * n
    buurten = _aantallen(rng, len(wk_code), BUURTEN_PER_WIJK)
    begin = np.where(buurten < MAX_PER_NIVEAU, rng.integers(0, 2, len(wk_code)), 0)
    bu_code = [f"BU{wk[2:]}{b + j:02d}" for wk, n, b in zip(wk_code, buurten, begin) for j in range(n)]
    wk_naam = [f"Wijk {code[6:]} {naam}" for code, naam in zip(wk_code, _namen(rng, len(wk_code), WIJK_EINDEN))]
    return _Land(
        gm_code=[f"GM{n:04d}" for n in nummers],
        gm_naam=gm_naam,
        wk_code=wk_code,
        wk_naam=wk_naam,
        wk_gemeente=np.array(wk_gemeente, dtype=np.int64),
        bu_code=bu_code,
        bu_naam=_namen(rng, len(bu_code), BUURT_EINDEN),
        bu_wijk=np.repeat(np.arange(len(wk_code)), buurten),
    )


def _verdeel_vlak(rng: np.random.Generator, vlak: Polygon, n: int) -> list[Polygon]:
    """`n` cells tiling the convex `vlak`: the Voronoi cells of `n` random points inside it, clipped to it."""
    if n == 1:
        return [vlak]
    minx, miny, maxx, maxy = vlak.bounds
    punten = np.empty((0, 2))
    while len(punten) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(2 * n + 8, 2))
        punten = np.vstack([punten, xy[shapely.contains_xy(vlak, xy[:, 0], xy[:, 1])]])
    cellen = shapely.voronoi_polygons(shapely.multipoints(punten[:n]), extend_to=vlak, ordered=True)
    # A Voronoi cell and a convex area meet in one convex polygon holding the cell's point: never empty or split.
    return list(shapely.intersection(shapely.get_parts(cellen), vlak))


def _maak_grenzen(rng: np.random.Generator, land: _Land) -> None:
    minx, miny, maxx, maxy = NEDERLAND
    half = np.sqrt(min(1.0, land.n_gemeenten / GEMEENTEN)) / 2
    cx, cy, bx, by = (minx + maxx) / 2, (miny + maxy) / 2, maxx - minx, maxy - miny
    land.gm_vlak = _verdeel_vlak(rng, box(cx - half * bx, cy - half * by, cx + half * bx, cy + half * by), land.n_gemeenten)
    per_gemeente = np.bincount(land.wk_gemeente, minlength=land.n_gemeenten)
    land.wk_vlak = [c for g, n in enumerate(per_gemeente) for c in _verdeel_vlak(rng, land.gm_vlak[g], int(n))]
    per_wijk = np.bincount(land.bu_wijk, minlength=land.n_wijken)
    land.bu_vlak = [c for w, n in enumerate(per_wijk) for c in _verdeel_vlak(rng, land.wk_vlak[w], int(n))]


# ---------------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Waarden:
    """Per level (gemeente, wijk, buurt, land), per value column: the published figure (NaN = '.')."""

    per_niveau: dict[str, dict[str, np.ndarray]]
    pc4_wijk: np.ndarray  # the PC4 of each wijk (its buurten's most common postcode)


def _som(index: np.ndarray, n: int, waarden: np.ndarray) -> np.ndarray:
    """Sum per group of the known values; NaN for a group with none known."""
    bekend = ~np.isnan(waarden)
    som = np.bincount(index[bekend], weights=waarden[bekend], minlength=n).astype(float)
    som[np.bincount(index[bekend], minlength=n) == 0] = np.nan
    return som


def _gewogen(index: np.ndarray, n: int, waarden: np.ndarray, gewicht: np.ndarray) -> np.ndarray:
    """Mean per group of the known values weighted by `gewicht` (inhabitants); NaN for a group with none."""
    bekend = ~np.isnan(waarden) & (gewicht > 0)
    teller = np.bincount(index[bekend], weights=waarden[bekend] * gewicht[bekend], minlength=n)
    noemer = np.bincount(index[bekend], weights=gewicht[bekend], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(noemer > 0, teller / noemer, np.nan)


def _deel(teller: np.ndarray, noemer: np.ndarray, schaal: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(noemer > 0, teller / noemer * schaal, np.nan)


def _maak_waarden(rng: np.random.Generator, land: _Land, bron: _Bron) -> _Waarden:
    n = land.n_buurten
    echt_inw = bron.buurten["a_inw"]
    kandidaten = np.flatnonzero(echt_inw >= MIN_INWONERS_DONOR)
    donors = {key: rng.choice(kandidaten, n) for key in sorted(set(bron.groep.values()))}
    inw_donor = rng.integers(0, len(echt_inw), n)
    sigma = INWONERS_SPREIDING
    factor = rng.lognormal(np.log(INWONERS_PER_BUURT / np.nanmean(echt_inw)) - sigma**2 / 2, sigma, n)
    inw = np.rint(echt_inw[inw_donor] * factor)
    inw[rng.random(n) < AANDEEL_ZONDER_INWONERS] = 0

    opp = np.floor(shapely.area(np.array(land.bu_vlak)) / 10_000)  # m² → ha
    buurt: dict[str, np.ndarray] = {"a_inw": inw}
    for k in bron.waarde_kolommen:
        if k == "a_inw":
            continue
        d = donors[bron.groep[k]]
        echt = bron.buurten[k][d]
        if k == "a_opp_ha":
            buurt[k] = opp
        elif k in OPPERVLAKTE:
            buurt[k] = np.rint(opp * _deel(echt, bron.buurten["a_opp_ha"][d], 1.0))
        elif k.startswith("a_"):  # a count: the donor's count per inhabitant times ours
            buurt[k] = np.rint(_deel(echt, echt_inw[d], 1.0) * inw)
        else:
            buurt[k] = echt  # fancy indexing made it a copy
    if "a_lan_ha" in buurt and "a_wat_ha" in buurt:
        buurt["a_lan_ha"] = np.where(np.isnan(buurt["a_wat_ha"]), buurt["a_lan_ha"], opp - buurt["a_wat_ha"])

    pc4_wijk = 1000 + np.arange(land.n_wijken) * max(1, 8999 // max(land.n_wijken, 1))
    if "pst_mvp" in buurt:
        buurt["pst_mvp"] = pc4_wijk[land.bu_wijk].astype(float)

    niveaus = {"buurt": buurt}
    for naam, index, grootte in (
        ("wijk", land.bu_wijk, land.n_wijken),
        ("gemeente", land.bu_gemeente, land.n_gemeenten),
        ("land", np.zeros(n, dtype=np.int64), 1),
    ):
        niveau = {}
        for k, v in buurt.items():
            if k in ALLEEN_BUURT:
                niveau[k] = np.full(grootte, np.nan)
            elif k.startswith("a_"):
                niveau[k] = _som(index, grootte, v)
            else:
                niveau[k] = _gewogen(index, grootte, v, inw)
        niveaus[naam] = niveau

    for naam, niveau in niveaus.items():
        inwoners = niveau["a_inw"]
        for k, telling in PER_DUIZEND.items():
            if k in niveau and telling in niveau:
                niveau[k] = _deel(niveau[telling], inwoners, 1000.0)
        if "g_hhgro" in niveau and "a_hh" in niveau:
            niveau["g_hhgro"] = _deel(inwoners, niveau["a_hh"], 1.0)
        if "bev_dich" in niveau and "a_lan_ha" in niveau:
            niveau["bev_dich"] = _deel(inwoners, niveau["a_lan_ha"], 100.0)  # per km² of land
        klein = inwoners < MIN_INWONERS_VOOR_GEMIDDELDEN
        for k, v in niveau.items():
            if not k.startswith("a_") and k not in ALLEEN_BUURT:
                v[klein] = np.nan
            if k.startswith("a_") and k in bron.per_5 and naam in ("wijk", "buurt"):
                niveau[k] = np.rint(v / 5) * 5  # CBS rounds the counts of wijken and buurten to 5
    return _Waarden(per_niveau=niveaus, pc4_wijk=pc4_wijk)


# ---------------------------------------------------------------------------------------------------------------
# Rows in CBS's order, and their cells
# ---------------------------------------------------------------------------------------------------------------


def _rijvolgorde(land: _Land) -> list[tuple[str, int]]:
    """(level, index) per output row: Nederland, then each gemeente, each of its wijken with its buurten."""
    eerste_buurt = np.searchsorted(land.bu_wijk, np.arange(land.n_wijken + 1))
    wijken_per_gemeente: list[list[int]] = [[] for _ in range(land.n_gemeenten)]
    for w, g in enumerate(land.wk_gemeente):
        wijken_per_gemeente[g].append(w)
    rijen = [("land", 0)]
    for g, wijken in enumerate(wijken_per_gemeente):
        rijen.append(("gemeente", g))
        for w in wijken:
            rijen.append(("wijk", w))
            rijen += [("buurt", b) for b in range(eerste_buurt[w], eerste_buurt[w + 1])]
    return rijen


def _gebieden(land: _Land, niveau: str) -> dict[str, list[str]]:
    """The identifying cells of every area of one level, as CBS writes them ('.' = unknown)."""
    if niveau == "land":
        return {"gwb_code_10": ["NL00"], "gwb_code_8": ["0"], "regio": ["Nederland"], "gm_naam": ["Nederland"],
                "recs": ["Land"], "gwb_code": ["NL00"], "ind_wbi": ["."]}  # fmt: skip
    codes, namen, gemeente, recs = {
        "gemeente": (land.gm_code, land.gm_naam, range(land.n_gemeenten), "Gemeente"),
        "wijk": (land.wk_code, land.wk_naam, land.wk_gemeente, "Wijk"),
        "buurt": (land.bu_code, land.bu_naam, land.bu_gemeente, "Buurt"),
    }[niveau]
    n = len(codes)
    return {"gwb_code_10": codes, "gwb_code_8": [c[2:] for c in codes], "regio": namen,
            "gm_naam": [land.gm_naam[g] for g in gemeente], "recs": [recs] * n, "gwb_code": codes,
            "ind_wbi": ["1"] * n}  # fmt: skip


def _getalteksten(waarden: np.ndarray, decimalen: int, komma: bool) -> list[str | None]:
    """A column of figures as CBS writes them: `decimalen` decimals, None where unknown."""
    if decimalen == 0:
        teksten = [str(x) for x in np.rint(np.nan_to_num(waarden)).astype(np.int64).tolist()]
    else:
        teksten = [f"{x:.{decimalen}f}" for x in waarden.tolist()]
        if komma:
            teksten = [t.replace(".", ",") for t in teksten]
    return [None if onbekend else t for t, onbekend in zip(teksten, np.isnan(waarden).tolist())]


def _tekstcel(tekst: str, teksten: dict[str, int]) -> str:
    """A text cell pointing into the shared strings, as Excel (and CBS's files) store text."""
    return f'<c t="s"><v>{teksten.setdefault(tekst, len(teksten))}</v></c>'


def _rijen_xml(
    land: _Land, waarden: _Waarden, bron: _Bron, kolommen: list[str], volgorde: list[tuple[str, int]],
    teksten: dict[str, int], *, alles_tekst: bool,
) -> list[str]:
    """Every output row's cells as sheet XML, in `volgorde`. Built a column at a time per level (the ~2 million
    cells of a country one by one take ten times as long). '.' is always a text cell; codes and names are text;
    figures are numbers, or text (with the later release's decimal commas) when `alles_tekst`."""
    punt = _tekstcel(".", teksten)
    per_niveau = {}
    for niveau, figuren in waarden.per_niveau.items():
        gebied = _gebieden(land, niveau)
        kolomcellen = []
        for k in kolommen:
            if k in gebied:
                inhoud = [None if t == "." else t for t in gebied[k]]
                als_tekst = alles_tekst or k != "ind_wbi"
            else:
                inhoud = _getalteksten(figuren[k], bron.decimalen[k], komma=alles_tekst and k in bron.komma)
                als_tekst = alles_tekst
            kolomcellen.append(
                [punt if t is None else _tekstcel(t, teksten) if als_tekst else f"<c><v>{t}</v></c>" for t in inhoud]
            )
        per_niveau[niveau] = ["".join(cellen) for cellen in zip(*kolomcellen)]
    return [per_niveau[niveau][i] for niveau, i in volgorde]


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


_XLSX_VAST = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        '<Relationship Id="rId3" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
_XLSX_MOMENT = (2024, 1, 1, 0, 0, 0)


def _schrijf_xlsx(pad: Path, blad: str, kop: list[str], rijen_xml: list[str], teksten: dict[str, int]) -> None:
    """A one-sheet xlsx written directly as XML: several times faster than openpyxl for the ~2 million cells of a
    country, byte-identical for the same rows (fixed zip timestamps, no document properties), with its text in
    shared strings as in CBS's (Excel-written) files."""
    begin = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    delen = [begin]
    for r, cellen in enumerate(["".join(_tekstcel(k, teksten) for k in kop), *rijen_xml], start=1):
        delen.append(f'<row r="{r}">{cellen}</row>')
    delen.append("</sheetData></worksheet>")
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(blad)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    gedeeld = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{len(teksten)}">'
        + "".join(f"<si><t>{escape(t)}</t></si>" for t in teksten)
        + "</sst>"
    )
    inhoud = {
        **_XLSX_VAST, "xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": "".join(delen),
        "xl/sharedStrings.xml": gedeeld,
    }  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for naam, tekst in inhoud.items():
            info = zipfile.ZipInfo(naam, date_time=_XLSX_MOMENT)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, tekst.encode("utf-8"), compresslevel=6)
    pad.write_bytes(buf.getvalue())


def _schrijf_grenzen(pad: Path, land: _Land, waarden: _Waarden, jaar: int) -> None:
    """Three layers as in CBS's wijk- en buurtkaart, each with its own code and those of the enclosing areas."""
    inwoners = {n: waarden.per_niveau[n]["a_inw"] for n in ("gemeente", "wijk", "buurt")}

    def aantal(niveau: str) -> list[int]:
        return [int(v) if not np.isnan(v) else -99997 for v in inwoners[niveau]]  # CBS's code for "secret"

    wk_gm = land.wk_gemeente
    bu_wk, bu_gm = land.bu_wijk, land.bu_gemeente
    lagen = {
        "buurten": ({
            "buurtcode": land.bu_code, "buurtnaam": land.bu_naam,
            "wijkcode": [land.wk_code[w] for w in bu_wk], "gemeentecode": [land.gm_code[g] for g in bu_gm],
            "gemeentenaam": [land.gm_naam[g] for g in bu_gm], "water": ["NEE"] * land.n_buurten,
            "aantal_inwoners": aantal("buurt"),
        }, land.bu_vlak),
        "wijken": ({
            "wijkcode": land.wk_code, "wijknaam": land.wk_naam, "gemeentecode": [land.gm_code[g] for g in wk_gm],
            "gemeentenaam": [land.gm_naam[g] for g in wk_gm], "water": ["NEE"] * land.n_wijken,
            "aantal_inwoners": aantal("wijk"),
        }, land.wk_vlak),
        "gemeenten": ({
            "gemeentecode": land.gm_code, "gemeentenaam": land.gm_naam, "water": ["NEE"] * land.n_gemeenten,
            "aantal_inwoners": aantal("gemeente"),
        }, land.gm_vlak),
    }  # fmt: skip
    pad.unlink(missing_ok=True)
    # GDAL stamps each layer with the clock unless told the time: a fixed one keeps the file byte-identical.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{jaar}-01-01T00:00:00Z"})
    try:
        for laag, (kolommen, vlakken) in lagen.items():
            frame = gpd.GeoDataFrame(kolommen, geometry=shapely.multipolygons(np.asarray(vlakken, dtype=object).reshape(-1, 1)), crs=28992)
            frame.to_file(pad, layer=laag, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _kaal(code: str) -> str:
    """A code as CBS's postcode table writes it: without prefix, and as a bare number when it is one (3440111)."""
    deel = code[2:]
    return (deel.lstrip("0") or "0") if deel.isdigit() else deel


def _schrijf_postcodes(pad: Path, land: _Land, waarden: _Waarden, jaar: int) -> int:
    """Every buurt gets PC6 codes in its wijk's PC4, ~1 per WONINGEN_PER_PC6 dwellings, each with a few numbers."""
    buurt = waarden.per_niveau["buurt"]
    woningen = buurt.get("a_woning", np.full(land.n_buurten, np.nan))
    woningen = np.where(np.isnan(woningen), buurt["a_inw"] / 2.2, woningen)  # 2.2: persons per dwelling, roughly
    per_buurt = np.maximum(1, np.rint(woningen / WONINGEN_PER_PC6)).astype(np.int64)
    buurten_per_wijk = np.bincount(land.bu_wijk, minlength=land.n_wijken)
    per_buurt = np.minimum(per_buurt, len(LETTERPAREN) // buurten_per_wijk[land.bu_wijk])  # letter pairs per PC4
    regels = [f"PC6;Huisnummer;Buurt{jaar};Wijk{jaar};Gemeente{jaar}\n"]
    volgnummer = np.zeros(land.n_wijken, dtype=np.int64)
    for b, n in enumerate(per_buurt):
        w = land.bu_wijk[b]
        codes = f";{_kaal(land.bu_code[b])};{_kaal(land.wk_code[w])};{_kaal(land.gm_code[land.wk_gemeente[w]])}\n"
        for letters in LETTERPAREN[volgnummer[w] : volgnummer[w] + n]:
            pc6 = f"{waarden.pc4_wijk[w]}{letters}"
            regels += [f"{pc6};{2 * h + 1}{codes}" for h in range(HUISNUMMERS_PER_PC6)]
        volgnummer[w] += n
    pad.write_text("".join(regels), encoding="utf-8", newline="\n")
    return len(regels) - 1


def _schrijf_manifest(result: LandelijkResultaat, *, seed: int, jaar: int) -> None:
    manifest = {
        "synthetisch": True,
        "let_op": "SYNTHETISCHE TESTDATA: verzonnen gemeenten, wijken en buurten met verzonnen namen en grenzen; "
        "de cijfers zijn per kolomgroep getrokken uit echte buurten van Utrecht (Kerncijfers wijken en buurten "
        "2023, Bron: CBS) en zeggen niets over een echt gebied.",
        "generator": "wijkprofiel.demo.synth_landelijk.synth_landelijk",
        "seed": seed,
        "jaar": jaar,
        "aantallen": result.aantallen,
        "alfanumerieke_gemeente": f"GM{ALFANUMERIEKE_GEMEENTE:04d}",
        "bestanden": {
            result.kwb.name: "KWB release in CBS's layout (121 columns, sheet kwb-<jaar>)",
            result.kwb_43.name: "the same figures in the later release's layout (43 columns, all text)",
            result.grenzen.name: "GeoPackage, layers buurten, wijken, gemeenten, EPSG:28992",
            result.postcodes.name: f"thinned postcode-huisnummer table (1 PC6 per ~{WONINGEN_PER_PC6} dwellings)",
        },
    }
    result.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")

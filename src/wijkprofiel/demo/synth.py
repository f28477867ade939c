"""SYNTHETIC beschikking exports for the demo and the tests: NO real people, NO real decisions.

Real beschikking exports (Wmo, Jeugdwet, Participatiewet, schuldhulp, Wlz) hold personal data and never leave the
gemeente. To show and test the beschikking pipeline without them, `synth_beschikkingen` writes made-up exports that
*look* like real ones (three export shapes with their quirks and a few broken rows) and whose volumes per buurt
follow REAL public CBS figures (Kerncijfers wijken en buurten 2023, CC-BY 4.0, "Bron: CBS"):

- Wmo clients per buurt in proportion to `a_wmo_t`, jeugdhulp clients to `a_jz_tn`, Participatiewet clients to
  `a_soz_wb` (bijstand), schuldhulp clients to households x `p_hh_li` (% low income) and Wlz clients to `a_65_oo`.
  Where CBS publishes '.' (unknown, e.g. suppressed for privacy), the buurt gets its population share of the
  gemeente's rate.
- Everything else is invented: the BSNs are random 9-digit numbers that pass the elfproef (they are not derived from
  anyone, but as any such number may belong to a real person they must never be used outside tests), birth dates,
  house numbers, dates and products are drawn from simple distributions, postcodes from the buurt's real PC6 list.

Every file name starts with `synthetisch-`, the CSV and Excel title lines say SYNTHETISCHE TESTDATA, and the
manifest (`synthetisch-manifest.json`) says `"synthetisch": true`, so nobody mistakes them for real data.

Output is deterministic: the same arguments give byte-identical files (one numpy Generator seeded with `seed`, no
clock, fixed xlsx metadata and zip timestamps).

The three shapes (one client's beschikkingen always stay in one file):

1. `synthetisch-suite4-beschikkingen.csv` (Suite4SociaalDomein-like): ';', UTF-8 with BOM, CRLF, two title lines
   above the header, dates dd-mm-jjjj, wet 'Wmo 2015'/'Jeugdwet', a `Reden wijziging` column (iWmo/iJw
   LDT_RedenWijziging; '13' = verwijderd, rows the loader must drop).
2. `synthetisch-idos-beschikkingen.csv` (iDOS/Civision-like): ',', cp1252, LF, header on line 1, fields with commas
   quoted, ISO dates, wet 'Wmo'/'Participatiewet'/'Schuldhulpverlening'/'Wlz'.
3. `synthetisch-zorgned-beschikkingen.xlsx` (Zorgned-like): sheet 'Beschikkingen', title in A1, header on row 3,
   Excel dates (a few as raw serial numbers), category codes and BSNs as numbers (leading zeros lost, as Excel does).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.cell import WriteOnlyCell

from wijkprofiel.errors import SourceError, WijkprofielError
from wijkprofiel.paths import demo_data_dir
from wijkprofiel.reference import areas as codes

# ---------------------------------------------------------------------------------------------------------------
# Constants that shape the data. Each says why it has its value; change them here, nowhere else.
# ---------------------------------------------------------------------------------------------------------------

# Only Utrecht's CBS files and PC6 table are bundled (data/cbs/); another gemeente needs its own files.
GEMEENTE_MET_DATA = "GM0344"
KWB_BESTAND = "cbs/kwb-2023-utrecht.xlsx"  # a_inw and the age bands (a_65_oo) per buurt
KWB_LATER_BESTAND = "cbs/kwb-2023-utrecht-later-release-43cols.xlsx"  # the care and income columns
PC6_BESTAND = "cbs/pc6-buurt-2023-utrecht-approx.csv"  # postcode -> buurt 2023, same vintage as the KWB

BESTAND_SUITE4 = "synthetisch-suite4-beschikkingen.csv"
BESTAND_IDOS = "synthetisch-idos-beschikkingen.csv"
BESTAND_ZORGNED = "synthetisch-zorgned-beschikkingen.xlsx"
BESTAND_MANIFEST = "synthetisch-manifest.json"
BESTANDEN = (BESTAND_SUITE4, BESTAND_IDOS, BESTAND_ZORGNED)

# Canonical wet values, as in profielen/auto.yaml (`waarden.wet`).
WETTEN = ("wmo", "jeugdwet", "participatiewet", "schuldhulp", "wlz")
WMO, JEUGD, PW, SHV, WLZ = range(5)

# Share of CLIENTS per wet. Roughly the Dutch picture: CBS counts about twice as many Wmo clients as young people
# in jeugdhulp (Utrecht 2023: a_wmo_t 19,810 vs a_jz_tn 11,755), bijstand households are a smaller group and
# gemeente schuldhulp and Wlz escalations in these exports are rarer still.
WET_AANDEEL = {WMO: 0.55, JEUGD: 0.30, PW: 0.08, SHV: 0.05, WLZ: 0.02}

# Beschikkingen per client (1, 2 or 3). A Wmo client often has hulp bij het huishouden AND begeleiding or a
# hulpmiddel; jeugdhulp is mostly one trajectory; bijstand often comes with bijzondere bijstand; Wlz is one
# indicatie. Mean rows per client ~1.4, so `rows` beschikkingen need ~rows/1.4 clients.
RIJEN_PER_CLIENT = {
    WMO: (0.55, 0.32, 0.13),
    JEUGD: (0.72, 0.23, 0.05),
    PW: (0.70, 0.25, 0.05),
    SHV: (0.80, 0.20, 0.00),
    WLZ: (1.00, 0.00, 0.00),
}

# Which export a client's beschikkingen end up in. Gemeenten often run Wmo and jeugd in one system (Suite4 here),
# income and schuldhulp in another (iDOS), and part of the Wmo (e.g. hulpmiddelen, a former regio) in Zorgned; the
# spread makes every wet appear in more than one shape so a loader cannot rely on one spelling.
BESTAND_KANS = {
    WMO: (0.50, 0.20, 0.30),
    JEUGD: (0.75, 0.00, 0.25),
    PW: (0.00, 1.00, 0.00),
    SHV: (0.00, 1.00, 0.00),
    WLZ: (0.00, 0.50, 0.50),
}

# Wet spellings per export (all are spellings profielen/auto.yaml knows).
WET_SPELLING = {
    BESTAND_SUITE4: {WMO: "Wmo 2015", JEUGD: "Jeugdwet"},
    BESTAND_IDOS: {WMO: "Wmo", PW: "Participatiewet", SHV: "Schuldhulpverlening", WLZ: "Wlz"},
    BESTAND_ZORGNED: {WMO: "WMO", JEUGD: "Jeugd", WLZ: "Wet langdurige zorg"},
}

# Dates: beschikkingen from 2021 on (the period reports look at); 40% have ended by the export date, as a typical
# toewijzing runs one to two years.
INGANG_VANAF = date(2021, 1, 1)
AANDEEL_MET_EINDDATUM = 0.40

# Wmo use is age-driven: per head, people of 65+ receive Wmo support roughly twelve times as often as people under
# 65 (CBS Monitor Sociaal Domein). With Utrecht's 10.7% 65+ that gives ~59% of Wmo clients aged 65+, more in
# greyer buurten.
WMO_65PLUS_RELATIEF = 12.0

# Ages (at the start of the first beschikking) as triangular (low, mode, high) distributions, in years.
LEEFTIJD = {
    "wmo_65plus": (65, 81, 100),  # most home care goes to people in their late seventies and eighties
    "wmo_onder65": (18, 50, 65),  # begeleiding, beschermd wonen: adults, more often middle-aged
    PW: (18, 38, 67),  # bijstand: 18 up to the AOW age (~67)
    SHV: (18, 40, 71),  # schuldhulp: working-age adults, some pensioners
    WLZ: (75, 87, 101),  # Wlz escalations in these exports: the very old (verpleeghuiszorg)
}
# Jeugdhulp: 0-17, more often school-age and teenagers; 5% are 18-22 (verlengde jeugdhulp up to 23).
JEUGD_LEEFTIJD_GEWICHT = np.array([2, 2, 3, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 7, 6] + [0] * 5, dtype=float)
JEUGD_LEEFTIJD_GEWICHT = 0.95 * JEUGD_LEEFTIJD_GEWICHT / JEUGD_LEEFTIJD_GEWICHT.sum()
JEUGD_LEEFTIJD_GEWICHT[18:] = 0.05 * np.array([5, 4, 3, 2, 1]) / 15

# Wmo productcategorie weights (iWmo LDT_ProductCategorie): 01 Hulp bij het huishouden and 02 Begeleiding are the
# bulk of Wmo maatwerk; hulpmiddelen and vervoer are mostly for older clients, beschermd wonen and opvang for
# younger adults.
WMO_CATEGORIE_65PLUS = {
    "01": 40, "02": 14, "03": 4, "04": 1, "05": 0.5, "06": 2, "07": 7, "08": 10, "09": 1, "10": 0.5,
    "11": 5, "12": 6, "13": 6, "14": 3, "15": 0.2, "16": 0.1, "17": 0.1, "18": 0.1,
}  # fmt: skip
WMO_CATEGORIE_ONDER65 = {
    "01": 18, "02": 38, "03": 3, "04": 1, "05": 2, "06": 5, "07": 8, "08": 4, "09": 2, "10": 1,
    "11": 2, "12": 2, "13": 2, "14": 1, "15": 6, "16": 3, "17": 1, "18": 1,
}  # fmt: skip
# Jeugd (iJw LDT_ProductCategorie 40-55): 45 Jeugdhulp ambulant dominates, then jeugd-ggz. The (2015) categories
# 31-38 are left out: they are the transition-era codes that current exports no longer use.
JEUGD_CATEGORIE = {
    "45": 45, "54": 12, "41": 5, "43": 3, "44": 2, "46": 2, "47": 3, "48": 6, "49": 0.5, "50": 4,
    "51": 4, "52": 4, "40": 2, "42": 4, "53": 0.5, "55": 1,
}  # fmt: skip
# Local codes (mirror `lokale_codes` in profielen/auto.yaml; a test keeps them in sync). Weights: bijstand
# levensonderhoud is the bulk, bijzondere bijstand common; schuldhulp is mostly the traject itself; Wlz mostly V&V.
PW_CATEGORIE = {"BL": 60, "BB": 25, "IT": 8, "RI": 6, "BW": 1}
SHV_CATEGORIE = {"SV": 50, "BB": 25, "BW": 20, "SR": 5}
WLZ_CATEGORIE = {"VV": 70, "GGZ": 10, "GZ": 20}
LOKALE_LABELS = {
    PW: {"BL": "Bijstand levensonderhoud", "BB": "Bijzondere bijstand", "IT": "Individuele inkomenstoeslag",
         "RI": "Re-integratietraject", "BW": "Beschut werk"},
    SHV: {"SV": "Schuldhulpverlening (traject)", "BB": "Budgetbeheer", "BW": "Beschermingsbewind",
          "SR": "Schuldregeling (Wsnp-voorportaal)"},
    WLZ: {"VV": "Wlz verpleging en verzorging", "GGZ": "Wlz ggz (wonen)", "GZ": "Wlz gehandicaptenzorg"},
}  # fmt: skip

# Product descriptions besides the code list's label: real exports name the local product, with commas (iDOS must
# quote them), en dashes and accents (all in cp1252, which the iDOS shape uses).
PRODUCT_VARIANTEN = {
    "01": ["Hulp bij het huishouden – basis", "Hulp bij het huishouden, plus"],
    "02": ["Begeleiding, individueel", "Begeleiding, individueel – dagbesteding", "Begeleiding groep"],
    "04": ["Kortdurend verblijf – logeeropvang"],
    "06": ["Cliëntondersteuning"],
    "07": ["Dagbesteding ouderen – dagactiviteiten"],
    "08": ["Vervoer – regiotaxi (Wmo-pas)"],
    "11": ["Rolstoel – handbewogen", "Rolstoel – elektrisch"],
    "12": ["Scootmobiel", "Aangepaste fiets, driewieler"],
    "13": ["Woonvoorziening – traplift", "Woningaanpassing: douche/toilet"],
    "15": ["Beschermd wonen – intramuraal"],
    "16": ["Maatschappelijke opvang – nachtopvang"],
    "45": ["Jeugdhulp ambulant – gezinsbehandeling", "Jeugdhulp ambulant, individueel"],
    "48": ["Jeugdbescherming – ondertoezichtstelling"],
    "54": ["Jeugd-ggz – diagnostiek en behandeling"],
    "BB": ["Bijzondere bijstand – eenmalige uitkering"],
}

# PGB share per wet: a minority of Wmo/jeugd/Wlz care is bought with a persoonsgebonden budget; income and
# schuldhulp have no leveringsvorm (left empty).
PGB_KANS = {WMO: 0.07, JEUGD: 0.10, PW: None, SHV: None, WLZ: 0.12}
LEVERINGSVORM_SPELLING = {
    BESTAND_SUITE4: ("ZIN", "PGB"),
    BESTAND_IDOS: ("ZIN", "PGB"),
    BESTAND_ZORGNED: ("Zorg in natura", "Persoonsgebonden budget"),
}

# 1% of clients live at a postcode the PC6 table does not know (moved in recently, typo that still looks valid):
# they must end up unplaced on ingest. Drawn from 9000-9999 (Friesland/Groningen), never in Utrecht's table.
AANDEEL_ONBEKENDE_POSTCODE = 0.01
# How clerks typed the postcode: mostly '1234AB', sometimes with a space and/or in lowercase.
POSTCODE_SCHRIJFWIJZE = (("{c}{l}", 0.90), ("{c} {l}", 0.05), ("{c} {ll}", 0.03), ("{c}{ll}", 0.02))
# Letter pairs PostNL never issues (SA, SD, SS), so the unknown postcodes still look valid.
POSTCODE_VERBODEN_LETTERS = {"SA", "SD", "SS"}
# House numbers: most addresses have low numbers, flats go up to ~200.
HUISNUMMER_GEMIDDELD, HUISNUMMER_MAX = 30, 200

# 2% of BSNs start with 0 (older numbers do), so the Zorgned shape, which stores the BSN as a number, writes them
# with 8 digits, as Excel does.
AANDEEL_BSN_VOORLOOPNUL = 0.02

# Suite4 `Reden wijziging` (iWmo/iJw LDT_RedenWijziging): 0.5% of its rows are '13' Verwijderd (withdrawn, valid
# rows the loader must drop, not faults); 4% carry an ordinary change reason the loader keeps.
AANDEEL_VERWIJDERD = 0.005
REDEN_VERWIJDERD = "13"
AANDEEL_ANDERE_REDEN = 0.04
ANDERE_REDENEN = ("03", "04", "05", "08")  # contractwijziging, verlenging, verkorting, wijziging leveringsvorm

# Injected faults, cycled so each kind occurs about equally often. One fault per row.
FOUTSOORTEN = (
    "bsn_elfproef",  # one digit changed: the elfproef fails
    "bsn_leeg",  # BSN missing
    "datum_onmogelijk",  # 31 February in the ingangsdatum column
    "einde_voor_begin",  # einddatum before ingangsdatum
    "wet_onbekend",  # the wet that the Jeugdwet replaced in 2015, not a current regeling
    "categorie_onbekend",  # '99' is in no code list
    "postcode_misvormd",  # '12345' or '1234A'
)
WET_ONBEKEND = "Wet op de jeugdzorg"
CATEGORIE_ONBEKEND = "99"

# Zorgned: 3% of the date cells hold the raw Excel serial number instead of a date (a column once formatted as
# General), so a loader must convert numbers like 45292 (= 2024-01-01).
AANDEEL_SERIEDATUM = 0.03
EXCEL_EPOCH = date(1899, 12, 30).toordinal()

KOPPEN = {
    BESTAND_SUITE4: ["BSN", "Wet", "Productcategorie", "Product", "Ingangsdatum", "Einddatum", "Postcode",
                     "Huisnummer", "Geboortedatum", "Leveringsvorm", "Beschikkingnummer", "Reden wijziging"],
    BESTAND_IDOS: ["Burgerservicenummer", "Regeling", "Categorie", "Omschrijving", "Startdatum", "Einddatum",
                   "Postcode", "Huisnr", "Geboortedatum", "Leveringsvorm", "Toewijzingnummer"],
    BESTAND_ZORGNED: ["BSN", "Wet", "Categorie", "Omschrijving", "Begindatum", "Einddatum", "Postcode", "Huisnr",
                      "Geboortedatum", "Leveringsvorm", "Beschikkingsnummer"],
}  # fmt: skip
# Column positions shared by the three shapes (same order of the first 11 columns).
K_BSN, K_WET, K_CAT, K_PROD, K_BEGIN, K_EIND, K_PC, K_HNR, K_GEB, K_LV, K_NR, K_REDEN = range(12)
FOUT_KOLOM = {
    "bsn_elfproef": K_BSN, "bsn_leeg": K_BSN, "datum_onmogelijk": K_BEGIN, "einde_voor_begin": K_EIND,
    "wet_onbekend": K_WET, "categorie_onbekend": K_CAT, "postcode_misvormd": K_PC,
}  # fmt: skip

ZORGNED_SHEET = "Beschikkingen"
ZORGNED_KOPRIJ = 3  # title in A1, empty row 2, header on row 3


@dataclass(frozen=True)
class SynthResult:
    bestanden: list[Path]
    manifest: Path
    rijen_per_bestand: dict[str, int]


# ---------------------------------------------------------------------------------------------------------------
# Public helpers
# ---------------------------------------------------------------------------------------------------------------


def elfproef(bsn: object) -> bool:
    """True for a BSN that passes the elfproef. An 8-digit number is read with its lost leading zero (Excel)."""
    text = str(bsn).strip() if bsn is not None else ""
    if not text.isdigit() or len(text) not in (8, 9) or int(text) == 0:
        return False
    d = [int(c) for c in text.zfill(9)]
    return (sum(d[i] * (9 - i) for i in range(8)) - d[8]) % 11 == 0


def synth_beschikkingen(
    gemeente: str,
    rows: int,
    out_dir: Path,
    *,
    seed: int = 2026,
    fout_aandeel: float = 0.02,
    exportdatum: date = date(2024, 12, 31),
) -> SynthResult:
    """Write three SYNTHETIC beschikking exports (~`rows` rows in all) and a manifest into `out_dir`."""
    gemeente = codes.gemeentecode(gemeente)
    if gemeente != GEMEENTE_MET_DATA:
        raise WijkprofielError(
            f"synthetic beschikkingen for {gemeente} need that gemeente's CBS files (Kerncijfers wijken en buurten "
            f"incl. the later release with a_wmo_t/a_jz_tn, and a PC6-buurt table); only {GEMEENTE_MET_DATA} "
            "(Utrecht) is bundled"
        )
    if not isinstance(rows, (int, np.integer)) or isinstance(rows, bool) or rows < 1:
        raise WijkprofielError(f"rows must be a positive whole number, not {rows!r}")
    if not 0 <= fout_aandeel <= 0.5:
        raise WijkprofielError(f"fout_aandeel must be between 0 and 0.5, not {fout_aandeel!r}")
    if isinstance(exportdatum, datetime) or not isinstance(exportdatum, date):
        raise WijkprofielError(f"exportdatum must be a date, not {exportdatum!r}")
    if exportdatum <= INGANG_VANAF:
        raise WijkprofielError(f"exportdatum must be after {INGANG_VANAF.isoformat()}, not {exportdatum.isoformat()}")

    rng = np.random.default_rng(seed)
    gebied = _lees_gebied(demo_data_dir(), gemeente)
    clients = _maak_clienten(rng, gebied, int(rows), exportdatum)
    rijen = _maak_rijen(rng, clients, exportdatum)
    bestanden = _verdeel_over_bestanden(rng, clients, rijen)
    fouten = _kies_fouten(rng, rijen, bestanden, fout_aandeel)
    gerenderd = _render(rng, clients, rijen, bestanden, fouten, exportdatum)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paden = [out_dir / naam for naam in BESTANDEN]
    _schrijf_suite4(paden[0], gerenderd[BESTAND_SUITE4], exportdatum)
    _schrijf_idos(paden[1], gerenderd[BESTAND_IDOS])
    _schrijf_zorgned(paden[2], gerenderd[BESTAND_ZORGNED], exportdatum)

    rijen_per_bestand = {naam: len(gerenderd[naam]) for naam in BESTANDEN}
    manifest = out_dir / BESTAND_MANIFEST
    _schrijf_manifest(
        manifest, gemeente=gemeente, seed=seed, rows=int(rows), fout_aandeel=fout_aandeel, exportdatum=exportdatum,
        gebied=gebied, clients=clients, bestanden=bestanden, fouten=fouten, rijen_per_bestand=rijen_per_bestand,
    )  # fmt: skip
    return SynthResult(bestanden=paden, manifest=manifest, rijen_per_bestand=rijen_per_bestand)


# ---------------------------------------------------------------------------------------------------------------
# Real CBS figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Gebied:
    buurten: list[str]  # BU codes, file order
    gewicht: dict[int, np.ndarray]  # wet -> expected clients per buurt (any scale)
    aandeel_65: np.ndarray  # share 65+ per buurt
    postcodes: np.ndarray  # PC6 strings grouped by buurt
    pc_begin: np.ndarray  # per buurt: first index into postcodes
    pc_aantal: np.ndarray  # per buurt: number of postcodes
    zonder_postcodes: list[str]


def _getal(value: object) -> float | None:
    """A CBS cell as a number: '.' and empty are unknown, decimal commas are allowed."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text in ("", ".", "-"):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _lees_xlsx(path: Path, kolommen: list[str]) -> dict[str, dict[str, float | None]]:
    if not path.is_file():
        raise SourceError(f"{path}: bundled CBS file is missing (needed for synthetic beschikkingen)")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        kop = [str(c).strip() if c is not None else "" for c in next(it)]
        ontbreekt = [k for k in ["gwb_code_10", *kolommen] if k not in kop]
        if ontbreekt:
            raise SourceError(f"{path.name}: columns {', '.join(ontbreekt)} are missing")
        pos = {k: kop.index(k) for k in ["gwb_code_10", *kolommen]}
        uit = {}
        for rij in it:
            code = rij[pos["gwb_code_10"]]
            if code is None:
                continue
            uit[str(code).strip()] = {k: _getal(rij[pos[k]]) for k in kolommen}
        return uit
    finally:
        wb.close()


def _lees_gebied(data: Path, gemeente: str) -> _Gebied:
    kwb = _lees_xlsx(data / KWB_BESTAND, ["a_inw", "a_65_oo"])
    later = _lees_xlsx(data / KWB_LATER_BESTAND, ["a_inw", "a_wmo_t", "a_jz_tn", "a_soz_wb", "p_hh_li", "a_hh"])
    if gemeente not in kwb or gemeente not in later:
        raise SourceError(f"{KWB_BESTAND}: no row for {gemeente}")
    buurten = [c for c in kwb if c.startswith("BU") and codes.hoort_bij_gemeente(c, gemeente)]

    def inw(c: str) -> float:
        return kwb[c]["a_inw"] if kwb[c]["a_inw"] is not None else (later.get(c, {}).get("a_inw") or 0.0)

    def laag_inkomen(rij: dict) -> float | None:
        if rij.get("a_hh") is None or rij.get("p_hh_li") is None:
            return None
        return rij["a_hh"] * rij["p_hh_li"] / 100

    gm_inw = inw(gemeente)
    bron = {  # wet -> (value per area, gemeente value)
        WMO: (lambda c: later.get(c, {}).get("a_wmo_t")),
        JEUGD: (lambda c: later.get(c, {}).get("a_jz_tn")),
        PW: (lambda c: later.get(c, {}).get("a_soz_wb")),
        SHV: (lambda c: laag_inkomen(later.get(c, {}))),
        WLZ: (lambda c: kwb.get(c, {}).get("a_65_oo")),
    }
    gewicht = {}
    for wet, waarde in bron.items():
        gm = waarde(gemeente)
        if gm is None:
            raise SourceError(f"CBS gives no gemeente total for {WETTEN[wet]} in {gemeente}")
        tarief = gm / gm_inw  # the gemeente rate per inhabitant, for buurten CBS leaves unknown
        gewicht[wet] = np.array(
            [max(waarde(c), 0.0) if waarde(c) is not None else inw(c) * tarief for c in buurten], dtype=float
        )
    gm_65 = kwb[gemeente]["a_65_oo"] / gm_inw
    aandeel_65 = np.array(
        [kwb[c]["a_65_oo"] / inw(c) if kwb[c]["a_65_oo"] is not None and inw(c) > 0 else gm_65 for c in buurten]
    )

    pc_pad = data / PC6_BESTAND
    if not pc_pad.is_file():
        raise SourceError(f"{pc_pad}: bundled PC6-buurt table is missing (needed for synthetic beschikkingen)")
    per_buurt: dict[str, list[str]] = {c: [] for c in buurten}
    with pc_pad.open(encoding="utf-8-sig", newline="") as f:
        for rij in csv.DictReader(f, delimiter=";"):
            code = "BU" + rij["Buurt2023"].strip().zfill(8)
            pc = rij["PC6"].strip().upper().replace(" ", "")
            if code in per_buurt and re.fullmatch(r"\d{4}[A-Z]{2}", pc):
                per_buurt[code].append(pc)
    lijsten = [sorted(set(per_buurt[c])) for c in buurten]
    aantal = np.array([len(x) for x in lijsten])
    zonder = [c for c, n in zip(buurten, aantal) if n == 0]
    for wet in gewicht:  # nobody can be placed in a buurt without postcodes
        gewicht[wet][aantal == 0] = 0.0
    begin = np.concatenate([[0], np.cumsum(aantal)[:-1]])
    postcodes = np.array([pc for x in lijsten for pc in x], dtype=object)
    return _Gebied(buurten, gewicht, aandeel_65, postcodes, begin, aantal, zonder)


# ---------------------------------------------------------------------------------------------------------------
# Clients and beschikkingen
# ---------------------------------------------------------------------------------------------------------------


def _verdeel(totaal: int, gewichten: np.ndarray) -> np.ndarray:
    """Split `totaal` into whole numbers proportional to `gewichten` (largest remainder; ties by position)."""
    w = np.asarray(gewichten, dtype=float)
    if totaal <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = totaal * w / w.sum()
    basis = np.floor(exact).astype(np.int64)
    rest = totaal - int(basis.sum())
    if rest > 0:
        volgorde = np.lexsort((np.arange(len(w)), -(exact - basis)))
        basis[volgorde[:rest]] += 1
    return basis


@dataclass
class _Clienten:
    wet: np.ndarray
    buurt: np.ndarray
    n_rijen: np.ndarray
    start: np.ndarray  # ordinal of the first ingangsdatum
    geboren: np.ndarray  # ordinal
    postcode: np.ndarray  # canonical '1234AB'
    in_tabel: np.ndarray  # bool: postcode is in the PC6 table
    huisnummer: np.ndarray
    bestand: np.ndarray  # index into BESTANDEN
    bsn: np.ndarray  # 9-character strings


def _maak_clienten(rng: np.random.Generator, gebied: _Gebied, rows: int, exportdatum: date) -> _Clienten:
    gemiddeld = sum(WET_AANDEEL[w] * float(np.dot(RIJEN_PER_CLIENT[w], (1, 2, 3))) for w in WET_AANDEEL)
    per_wet = _verdeel(max(1, round(rows / gemiddeld)), np.array([WET_AANDEEL[w] for w in range(5)]))
    wet_l, buurt_l = [], []
    for w in range(5):
        per_buurt = _verdeel(int(per_wet[w]), gebied.gewicht[w])
        wet_l.append(np.full(int(per_buurt.sum()), w))
        buurt_l.append(np.repeat(np.arange(len(gebied.buurten)), per_buurt))
    wet = np.concatenate(wet_l).astype(np.int64)
    buurt = np.concatenate(buurt_l).astype(np.int64)
    n = len(wet)

    n_rijen = np.ones(n, dtype=np.int64)
    for w in range(5):
        sel = wet == w
        n_rijen[sel] = rng.choice(3, size=int(sel.sum()), p=RIJEN_PER_CLIENT[w]) + 1

    eerste, laatste = INGANG_VANAF.toordinal(), exportdatum.toordinal()
    start = rng.integers(eerste, laatste + 1, size=n)

    leeftijd = np.zeros(n)
    sel = wet == WMO
    r = WMO_65PLUS_RELATIEF * gebied.aandeel_65[buurt[sel]]
    oud = rng.random(int(sel.sum())) < r / (r + 1 - gebied.aandeel_65[buurt[sel]])
    jong_l = rng.triangular(*LEEFTIJD["wmo_onder65"], size=int(sel.sum()))
    oud_l = rng.triangular(*LEEFTIJD["wmo_65plus"], size=int(sel.sum()))
    leeftijd[sel] = np.where(oud, oud_l, jong_l)
    sel = wet == JEUGD
    leeftijd[sel] = rng.choice(len(JEUGD_LEEFTIJD_GEWICHT), size=int(sel.sum()), p=JEUGD_LEEFTIJD_GEWICHT)
    for w in (PW, SHV, WLZ):
        sel = wet == w
        leeftijd[sel] = rng.triangular(*LEEFTIJD[w], size=int(sel.sum()))
    jaren = np.floor(leeftijd).astype(np.int64)
    geboren = start - np.round(jaren * 365.2425).astype(np.int64) - rng.integers(0, 365, size=n)

    in_tabel = rng.random(n) >= AANDEEL_ONBEKENDE_POSTCODE
    keuze = gebied.pc_begin[buurt] + np.floor(rng.random(n) * gebied.pc_aantal[buurt]).astype(np.int64)
    postcode = np.empty(n, dtype=object)
    postcode[in_tabel] = gebied.postcodes[keuze[in_tabel]]
    postcode[~in_tabel] = _onbekende_postcodes(rng, int((~in_tabel).sum()), set(gebied.postcodes))

    huisnummer = np.minimum(1 + np.floor(rng.exponential(HUISNUMMER_GEMIDDELD, size=n)), HUISNUMMER_MAX)
    huisnummer = huisnummer.astype(np.int64)

    bestand = np.zeros(n, dtype=np.int64)
    for w in range(5):
        sel = wet == w
        bestand[sel] = rng.choice(3, size=int(sel.sum()), p=BESTAND_KANS[w])

    bsn = _maak_bsns(rng, n)
    return _Clienten(wet, buurt, n_rijen, start, geboren, postcode, in_tabel, huisnummer, bestand, bsn)


def _onbekende_postcodes(rng: np.random.Generator, n: int, bekend: set[str]) -> np.ndarray:
    letters = "ABCDEFGHJKLMNPRSTVWXZ"  # the letters PostNL uses
    uit = []
    while len(uit) < n:
        cijfers = rng.integers(9000, 10000)
        paar = letters[rng.integers(len(letters))] + letters[rng.integers(len(letters))]
        pc = f"{cijfers}{paar}"
        if paar not in POSTCODE_VERBODEN_LETTERS and pc not in bekend:
            uit.append(pc)
    return np.array(uit, dtype=object)


def _maak_bsns(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct 9-digit strings passing the elfproef; ~2% start with 0 (first digit otherwise 1-9)."""
    gewicht = np.array([9, 8, 7, 6, 5, 4, 3, 2])
    gekozen: list[np.ndarray] = []
    gezien: set[int] = set()
    nodig = n
    while nodig > 0:
        m = int(nodig * 1.2) + 16
        nul = rng.random(m) < AANDEEL_BSN_VOORLOOPNUL
        kort = rng.integers(1_000_000, 10_000_000, size=m)  # 8-digit prefix '0dddddddd' -> leading zero
        prefix = np.where(nul, kort, rng.integers(10_000_000, 100_000_000, size=m))
        cijfers = (prefix[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (cijfers @ gewicht) % 11
        geldig = check < 10
        waarden = prefix[geldig] * 10 + check[geldig]
        nieuw = []
        for v in waarden.tolist():
            if v not in gezien:
                gezien.add(v)
                nieuw.append(v)
                if len(nieuw) == nodig:
                    break
        gekozen.append(np.array(nieuw, dtype=np.int64))
        nodig -= len(nieuw)
    return np.array([f"{v:09d}" for v in np.concatenate(gekozen).tolist()], dtype=object)


@dataclass
class _Rijen:
    client: np.ndarray
    volgnr: np.ndarray  # 0, 1, 2 within the client
    code: np.ndarray  # str
    product: np.ndarray  # str
    ingang: np.ndarray  # ordinal
    einde: np.ndarray  # ordinal, 0 = ongoing
    pgb: np.ndarray  # -1 none, 0 ZIN, 1 PGB


def _trek_categorieen(rng: np.random.Generator, gewichten: dict[str, float], n: int) -> list[np.ndarray]:
    """For `n` clients 3 distinct categories each, weighted, without replacement (Gumbel top-k): 3 columns."""
    lijst = list(gewichten)
    log_w = np.log(np.array([gewichten[c] for c in lijst], dtype=float))
    sleutels = log_w[None, :] + rng.gumbel(size=(n, len(lijst)))
    volgorde = np.argsort(-sleutels, axis=1, kind="stable")
    return [np.array(lijst, dtype=object)[volgorde[:, j]] for j in range(3)]


def _maak_rijen(rng: np.random.Generator, cl: _Clienten, exportdatum: date) -> _Rijen:
    n = len(cl.wet)
    gekozen = np.empty((n, 3), dtype=object)
    groepen = {
        "wmo_oud": (cl.wet == WMO) & (cl.start - cl.geboren >= 65 * 365.2425), "wmo_jong": None,
        JEUGD: cl.wet == JEUGD, PW: cl.wet == PW, SHV: cl.wet == SHV, WLZ: cl.wet == WLZ,
    }  # fmt: skip
    groepen["wmo_jong"] = (cl.wet == WMO) & ~groepen["wmo_oud"]
    tabellen = {
        "wmo_oud": WMO_CATEGORIE_65PLUS, "wmo_jong": WMO_CATEGORIE_ONDER65, JEUGD: JEUGD_CATEGORIE,
        PW: PW_CATEGORIE, SHV: SHV_CATEGORIE, WLZ: WLZ_CATEGORIE,
    }  # fmt: skip
    for naam, sel in groepen.items():
        kolommen = _trek_categorieen(rng, tabellen[naam], int(sel.sum()))
        for j in range(3):
            gekozen[sel, j] = kolommen[j]

    client = np.repeat(np.arange(n), cl.n_rijen)
    eerste_rij = np.concatenate([[0], np.cumsum(cl.n_rijen)[:-1]])
    volgnr = np.arange(len(client)) - eerste_rij[client]
    code = gekozen[client, volgnr]

    labels = _codelijst_labels()
    product = np.empty(len(client), dtype=object)
    keuze = rng.random(len(client))
    wet_r = cl.wet[client]
    for i in range(len(client)):
        c = code[i]
        w = wet_r[i]
        basis = LOKALE_LABELS[w][c] if w in LOKALE_LABELS else labels[("iJw3.2" if w == JEUGD else "iWmo3.2", c)]
        varianten = [basis, *PRODUCT_VARIANTEN.get(c, [])] if w not in (SHV, WLZ) else [basis]
        product[i] = varianten[int(keuze[i] * len(varianten))]

    laatste = exportdatum.toordinal()
    start = cl.start[client]
    later = start + np.floor(rng.random(len(client)) * (laatste - start + 1)).astype(np.int64)
    ingang = np.where(volgnr == 0, start, later)
    met_einde = (rng.random(len(client)) < AANDEEL_MET_EINDDATUM) & (ingang < laatste)
    einde_kandidaat = ingang + 1 + np.floor(rng.random(len(client)) * (laatste - ingang)).astype(np.int64)
    einde = np.where(met_einde, einde_kandidaat, 0)

    pgb = np.full(len(client), -1, dtype=np.int64)
    u = rng.random(len(client))
    for w, kans in PGB_KANS.items():
        if kans is not None:
            sel = wet_r == w
            pgb[sel] = (u[sel] < kans).astype(np.int64)
    return _Rijen(client, volgnr, code, product, ingang, einde, pgb)


_LABELS: dict[tuple[str, str], str] | None = None


def _codelijst_labels() -> dict[tuple[str, str], str]:
    """(standard, code) -> label of LDT_ProductCategorie from the bundled iWmo/iJw 3.2 code lists."""
    global _LABELS
    if _LABELS is None:
        pad = Path(__file__).resolve().parents[1] / "reference" / "data" / "istandaarden" / "codelists_iwmo_ijw_3_2.csv"
        with pad.open(encoding="utf-8", newline="") as f:
            _LABELS = {
                (r["standard"], r["code"]): r["label"]
                for r in csv.DictReader(f)
                if r["type"] == "LDT_ProductCategorie"
            }
    return _LABELS


# ---------------------------------------------------------------------------------------------------------------
# Files, removed rows and faults
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Bestanden:
    volgorde: list[np.ndarray]  # per file: row indices in file order
    bestand_van_rij: np.ndarray
    rijnr: np.ndarray  # 1-based data row number in its file
    reden: np.ndarray  # suite4 reden wijziging per row ('' elsewhere)


def _verdeel_over_bestanden(rng: np.random.Generator, cl: _Clienten, rj: _Rijen) -> _Bestanden:
    bestand_van_rij = cl.bestand[rj.client]
    tiebreak = rng.random(len(rj.client))
    volgorde = []
    rijnr = np.zeros(len(rj.client), dtype=np.int64)
    for b in range(3):
        idx = np.flatnonzero(bestand_van_rij == b)
        idx = idx[np.lexsort((tiebreak[idx], rj.ingang[idx]))]  # exports list by ingangsdatum
        volgorde.append(idx)
        rijnr[idx] = np.arange(1, len(idx) + 1)

    reden = np.full(len(rj.client), "", dtype=object)
    suite4 = volgorde[0]
    # Verwijderd: only for clients with another beschikking in the file, so removing the row keeps the client.
    meer = np.flatnonzero((cl.bestand == 0) & (cl.n_rijen >= 2))
    n13 = min(len(meer), round(AANDEEL_VERWIJDERD * len(suite4)))
    if n13:
        wie = np.sort(rng.choice(meer, size=n13, replace=False))
        eerste_rij = np.concatenate([[0], np.cumsum(cl.n_rijen)[:-1]])
        welke = eerste_rij[wie] + np.floor(rng.random(n13) * cl.n_rijen[wie]).astype(np.int64)
        reden[welke] = REDEN_VERWIJDERD
    andere = suite4[(rng.random(len(suite4)) < AANDEEL_ANDERE_REDEN)]
    andere = andere[reden[andere] == ""]
    reden[andere] = np.array(ANDERE_REDENEN, dtype=object)[rng.integers(0, len(ANDERE_REDENEN), size=len(andere))]
    return _Bestanden(volgorde, bestand_van_rij, rijnr, reden)


def _kies_fouten(rng: np.random.Generator, rj: _Rijen, bs: _Bestanden, fout_aandeel: float) -> dict[int, str]:
    """Row index -> fault kind; never on a 'verwijderd' row (those must be dropped, not reported)."""
    kandidaten = np.flatnonzero(bs.reden != REDEN_VERWIJDERD)
    n = min(len(kandidaten), round(fout_aandeel * len(rj.client)))
    if n == 0:
        return {}
    gekozen = rng.choice(kandidaten, size=n, replace=False)
    return {int(r): FOUTSOORTEN[i % len(FOUTSOORTEN)] for i, r in enumerate(gekozen.tolist())}


def _datumteksten(ordinals: np.ndarray, fmt: str) -> np.ndarray:
    uniek, inv = np.unique(ordinals, return_inverse=True)
    tekst = np.array([date.fromordinal(int(o)).strftime(fmt) if o > 0 else "" for o in uniek], dtype=object)
    return tekst[inv]


def _postcode_schrijfwijze(rng: np.random.Generator, pcs: np.ndarray) -> np.ndarray:
    kans = np.array([p for _, p in POSTCODE_SCHRIJFWIJZE])
    keuze = rng.choice(len(kans), size=len(pcs), p=kans / kans.sum())
    uit = np.empty(len(pcs), dtype=object)
    for i, (pc, k) in enumerate(zip(pcs.tolist(), keuze.tolist())):
        sjabloon = POSTCODE_SCHRIJFWIJZE[k][0]
        uit[i] = sjabloon.format(c=pc[:4], l=pc[4:], ll=pc[4:].lower())
    return uit


def _render(
    rng: np.random.Generator, cl: _Clienten, rj: _Rijen, bs: _Bestanden, fouten: dict[int, str], exportdatum: date
) -> dict[str, list[list]]:
    """Per file the data rows as written: strings for the CSVs, typed cells for the xlsx. Faults are applied here."""
    c = rj.client
    bsn = cl.bsn[c]
    wet = cl.wet[c]
    postcode = _postcode_schrijfwijze(rng, cl.postcode[c])
    huisnr = cl.huisnummer[c]
    geboren = cl.geboren[c]
    serie_kans = rng.random((len(c), 3))  # zorgned: which date cells are raw serial numbers
    fout_variant = rng.integers(0, 10**6, size=len(c))  # per-row choices inside a fault kind
    uit: dict[str, list[list]] = {}

    # CSV shapes: all text.
    for b, naam, fmt in ((0, BESTAND_SUITE4, "%d-%m-%Y"), (1, BESTAND_IDOS, "%Y-%m-%d")):
        idx = bs.volgorde[b]
        begin = _datumteksten(rj.ingang[idx], fmt)
        einde = _datumteksten(rj.einde[idx], fmt)
        geb = _datumteksten(geboren[idx], fmt)
        spelling = WET_SPELLING[naam]
        lv = LEVERINGSVORM_SPELLING[naam]
        rijen = []
        for j, r in enumerate(idx.tolist()):
            nr = f"{date.fromordinal(int(rj.ingang[r])).year}-{j + 1:06d}" if b == 0 else f"{7_000_000 + j + 1}"
            rij = [
                bsn[r], spelling[wet[r]], rj.code[r], rj.product[r], begin[j], einde[j], postcode[r], str(huisnr[r]),
                geb[j], lv[rj.pgb[r]] if rj.pgb[r] >= 0 else "", nr,
            ]  # fmt: skip
            if b == 0:
                rij.append(bs.reden[r])
            if r in fouten:
                onmogelijk = "2023-02-31" if b == 1 else "31-02-2023"

                def tekst(o: int, f: str = fmt) -> str:
                    return date.fromordinal(o).strftime(f)

                _pas_fout_toe(rij, fouten[r], r, rj, int(fout_variant[r]), tekst, onmogelijk)
            rijen.append(rij)
        uit[naam] = rijen

    # Zorgned xlsx: typed cells.
    naam = BESTAND_ZORGNED
    idx = bs.volgorde[2]
    spelling = WET_SPELLING[naam]
    lv = LEVERINGSVORM_SPELLING[naam]

    def excel_datum(o: int, serie: bool) -> object:
        if o <= 0:
            return None
        return int(o - EXCEL_EPOCH) if serie else datetime.fromordinal(int(o))

    rijen = []
    for j, r in enumerate(idx.tolist()):
        code = rj.code[r]
        rij = [
            int(bsn[r]), spelling[wet[r]], int(code) if code.isdigit() else code, rj.product[r],
            excel_datum(rj.ingang[r], serie_kans[r, 0] < AANDEEL_SERIEDATUM),
            excel_datum(rj.einde[r], serie_kans[r, 1] < AANDEEL_SERIEDATUM),
            postcode[r], int(huisnr[r]), excel_datum(geboren[r], serie_kans[r, 2] < AANDEEL_SERIEDATUM),
            lv[rj.pgb[r]] if rj.pgb[r] >= 0 else None, f"ZN{j + 1:07d}",
        ]  # fmt: skip
        if r in fouten:
            _pas_fout_toe(rij, fouten[r], r, rj, int(fout_variant[r]), datetime.fromordinal, "31-02-2023", xlsx=True)
        rijen.append(rij)
    uit[naam] = rijen
    return uit


def _pas_fout_toe(
    rij: list, soort: str, r: int, rj: _Rijen, variant: int, datum, datum_onmogelijk: str, *, xlsx: bool = False
) -> None:
    if soort == "bsn_elfproef":
        tekst = str(rij[K_BSN]).zfill(9)
        pos = 1 + variant % 8  # never the first digit, so the length stays as it was
        nieuw = (int(tekst[pos]) + 1 + (variant // 8) % 9) % 10
        tekst = tekst[:pos] + str(nieuw) + tekst[pos + 1 :]
        rij[K_BSN] = int(tekst) if xlsx else tekst
    elif soort == "bsn_leeg":
        rij[K_BSN] = None if xlsx else ""
    elif soort == "datum_onmogelijk":
        rij[K_BEGIN] = datum_onmogelijk  # in the file's own date format; Excel can only hold it as text
    elif soort == "einde_voor_begin":
        rij[K_EIND] = datum(int(rj.ingang[r]) - 1 - variant % 365)
    elif soort == "wet_onbekend":
        rij[K_WET] = WET_ONBEKEND
    elif soort == "categorie_onbekend":
        rij[K_CAT] = int(CATEGORIE_ONBEKEND) if xlsx else CATEGORIE_ONBEKEND
    elif soort == "postcode_misvormd":
        cijfers = re.sub(r"\D", "", str(rij[K_PC]))[:4]
        rij[K_PC] = cijfers + str(variant % 10) if variant % 2 == 0 else cijfers + str(rij[K_PC])[-2].upper()
    else:  # pragma: no cover - FOUTSOORTEN and this function change together
        raise ValueError(soort)


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def _schrijf_suite4(pad: Path, rijen: list[list], exportdatum: date) -> None:
    buf = io.StringIO(newline="")
    buf.write("Export beschikkingen Sociaal Domein — SYNTHETISCHE TESTDATA\r\n")
    buf.write(f"Exportdatum: {exportdatum.strftime('%d-%m-%Y')}\r\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(KOPPEN[BESTAND_SUITE4])
    w.writerows(rijen)
    pad.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def _schrijf_idos(pad: Path, rijen: list[list]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(KOPPEN[BESTAND_IDOS])
    w.writerows(rijen)
    pad.write_bytes(buf.getvalue().encode("cp1252"))


def _werkboek(dag: date, titel: str) -> openpyxl.Workbook:
    """A write-only workbook dated `dag` (not today), so the same seed gives the same bytes."""
    moment = datetime(dag.year, dag.month, dag.day)
    wb = openpyxl.Workbook(write_only=True)
    wb.properties.created = moment
    wb.properties.modified = moment
    wb.properties.creator = "wijkprofiel synth (SYNTHETISCHE TESTDATA)"
    wb.properties.title = titel
    return wb


def _schrijf_zorgned(pad: Path, rijen: list[list], exportdatum: date) -> None:
    wb = _werkboek(exportdatum, "Synthetische beschikkingen")
    ws = wb.create_sheet(ZORGNED_SHEET)
    ws.append([f"Beschikkingen Zorgned — SYNTHETISCHE TESTDATA — exportdatum {exportdatum.strftime('%d-%m-%Y')}"])
    ws.append([])
    ws.append(KOPPEN[BESTAND_ZORGNED])

    def cel(v: object) -> object:
        if isinstance(v, datetime):
            c = WriteOnlyCell(ws, value=v)
            c.number_format = "DD-MM-YYYY"
            return c
        return v

    for rij in rijen:
        ws.append([cel(v) for v in rij])
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps `modified` with the clock and the zip entries with the time: fix both below
    _zip_vast(buf.getvalue(), pad, datetime(exportdatum.year, exportdatum.month, exportdatum.day))


def _zip_vast(data: bytes, pad: Path, moment: datetime) -> None:
    """Rewrite an xlsx with fixed zip timestamps and core.xml dates, so equal content gives equal bytes."""
    stempel = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    uit = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            inhoud = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                for veld in (b"created", b"modified"):
                    patroon = rb"(<dcterms:" + veld + rb"[^>]*>)[^<]*(</dcterms:" + veld + rb">)"
                    inhoud = re.sub(patroon, rb"\g<1>" + stempel + rb"\2", inhoud)
            zi = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            zout.writestr(zi, inhoud)
    pad.write_bytes(uit.getvalue())


def _schrijf_manifest(
    pad: Path, *, gemeente: str, seed: int, rows: int, fout_aandeel: float, exportdatum: date, gebied: _Gebied,
    clients: _Clienten, bestanden: _Bestanden, fouten: dict[int, str], rijen_per_bestand: dict[str, int],
) -> None:  # fmt: skip
    foutlijst = sorted(
        (
            {
                "bestand": BESTANDEN[bestanden.bestand_van_rij[r]],
                "rij": int(bestanden.rijnr[r]),
                "soort": soort,
                "kolom": KOPPEN[BESTANDEN[bestanden.bestand_van_rij[r]]][FOUT_KOLOM[soort]],
            }
            for r, soort in fouten.items()
        ),
        key=lambda f: (BESTANDEN.index(f["bestand"]), f["rij"]),
    )
    rijnr_13 = bestanden.rijnr[np.flatnonzero(bestanden.reden == REDEN_VERWIJDERD)]
    verwijderd = [{"bestand": BESTAND_SUITE4, "rij": int(n)} for n in sorted(rijnr_13.tolist())]
    per_buurt = {}
    geplaatst = clients.in_tabel
    for i, code in enumerate(gebied.buurten):
        sel = (clients.buurt == i) & geplaatst
        per_buurt[code] = {WETTEN[w]: int(np.count_nonzero(sel & (clients.wet == w))) for w in range(5)}
    manifest = {
        "synthetisch": True,
        "let_op": "SYNTHETISCHE TESTDATA: verzonnen personen en beschikkingen; alleen de volumes per buurt volgen "
        "echte CBS-cijfers (Kerncijfers wijken en buurten 2023, Bron: CBS).",
        "generator": "wijkprofiel.demo.synth.synth_beschikkingen",
        "seed": seed,
        "gemeente": gemeente,
        "exportdatum": exportdatum.isoformat(),
        "rows_gevraagd": rows,
        "fout_aandeel": fout_aandeel,
        "bestanden": [
            {
                "naam": BESTAND_SUITE4, "rijen": rijen_per_bestand[BESTAND_SUITE4], "vorm": "suite4",
                "encoding": "utf-8-sig", "scheidingsteken": ";", "regeleinde": "CRLF", "koprij": 3,
            },
            {
                "naam": BESTAND_IDOS, "rijen": rijen_per_bestand[BESTAND_IDOS], "vorm": "idos",
                "encoding": "cp1252", "scheidingsteken": ",", "regeleinde": "LF", "koprij": 1,
            },
            {
                "naam": BESTAND_ZORGNED, "rijen": rijen_per_bestand[BESTAND_ZORGNED], "vorm": "zorgned",
                "blad": ZORGNED_SHEET, "koprij": ZORGNED_KOPRIJ,
            },
        ],  # fmt: skip
        "rij_telling": "rij = 1-based data row number under the header (title and header lines not counted)",
        "fouten": foutlijst,
        "reden_wijziging_13": verwijderd,
        "clienten_per_wet": {WETTEN[w]: int(np.count_nonzero(clients.wet == w)) for w in range(5)},
        "clienten_buiten_pc6_tabel": {
            WETTEN[w]: int(np.count_nonzero(~geplaatst & (clients.wet == w))) for w in range(5)
        },
        "buurten_zonder_postcodes": gebied.zonder_postcodes,
        "clienten_per_buurt_toelichting": "distinct clients per wet by the buurt of their postcode, clients with a "
        "postcode outside the PC6 table excluded; rows with faults or reden wijziging 13 are not subtracted",
        "clienten_per_buurt": per_buurt,
    }
    pad.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")

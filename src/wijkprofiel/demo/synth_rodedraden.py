"""SYNTHETIC casuïstiek, partner signals, enquête, kansen and a bespreking for the demo and the tests: NO real cases.

Wijkteam casuïstiek, partner signals and bespreektafel notes are private and never leave the gemeente. To show and
test the rode-draden pipeline without them, `synth_rodedraden` writes made-up files that *look* like real ones and
whose theme rates follow REAL public CBS figures per buurt (Kerncijfers wijken en buurten 2023, CC-BY 4.0,
"Bron: CBS"), so that a few rode draden genuinely emerge in the demo and can be traced back to their cause.

THE BUILT-IN CAUSES (constants `OORZAKEN`, `BEHOEFTE` and `BASISKANS` below; change them there, nowhere else):

- Cases per buurt are proportional to inhabitants (`a_inw`) x a need factor (p_hh_li / gemeente value): more cases
  where more households have a low income.
- Per case, every theme occurs independently with a probability per buurt of
      BASISKANS[thema] x product over the theme's kenmerken of (buurt value / gemeente value) ** elasticiteit
  (capped at `MAX_KANS`, times a little noise per buurt x thema), with:
    * geldzorgen         <- % low-income households (`p_hh_li`) and bijstand per 1,000 inhabitants (`a_soz_wb`);
    * eenzaamheid        <- share of one-person households (`a_1p_hh / a_hh`) and share of 65+ (`a_65_oo`);
    * opvoeding          <- share of 0-14 year olds (`a_00_14`);
    * dementie           <- share of 65+ (strongly);
    * zelfstandig_wonen  <- share of 65+;
    * every other theme: a flat base rate with more noise per buurt (no cause).
  A case keeps 1 to 4 themes (none drawn: one is drawn in proportion to the rates; more than four: four are kept).
- Partner signals, the enquête and the kansen follow the same wijk factors: a woningcorporatie reports
  huurachterstand where geldzorgen is built in, huisarts and POH report eenzaamheid where it is, the enquête's
  'Ik heb moeite om rond te komen' is higher there, and so on. The manifest lists, per wijk, the themes the causes
  make over-represented (`ingebouwde_oorzaken`: wijk, thema, oorzaak, cbs_kenmerk, waarde_wijk, waarde_gemeente).
  In Utrecht that is, among others, geldzorgen in Overvecht (WK034403: most bijstand, many low incomes),
  eenzaamheid in Oost and Binnenstad (most one-person households) and opvoeding in Leidsche Rijn and
  Vleuten-De Meern (most children).

Everything else is invented: case ids ('C-2024-000123'), registration dates, house numbers, tag spellings, signal
texts, enquête answers, names of voorzieningen and the bespreking. Postcodes come from the buurt's real PC6 list
and kansen coordinates lie inside the buurt's real (generalised) boundary.

The files (every name starts with `synthetisch-`):

1. Casuïstiek in two shapes, the gemeente's wijken split over two teams (`WIJKTEAM_NOORD`, the rest is zuid):
   a. `synthetisch-casuistiek-wijkteam-noord.csv`: ';', UTF-8 with BOM, CRLF, one row per case, header
      `Casusnummer;Wijkteam;Registratiedatum;Postcode;Huisnummer;Themas`, dates dd-mm-jjjj, the tags in one cell
      separated by '; ' (some rows ', ', ' | ' or ' / ').
   b. `synthetisch-casuistiek-wijkteam-zuid.xlsx`: sheet 'Casussen', header on row 1
      `Casus ID | Team | Datum registratie | Buurtcode | Thema`, ONE ROW PER TAG, Excel dates, buurtcode as
      'BU03440311' or (some cases) as the bare number 3440311.
   Tags are spelled as teams spell them (synonyms, capitals: 'Geldzorgen', 'schulden', 'Financiële problemen',
   'sociaal isolement', 'GGZ', 'burenoverlast', ...); about 3% map to no theme ('fietsdiefstal',
   'parkeeroverlast', the typo 'geldzrgen', ...) so a loader's unmapped-tag handling is exercised.
2. `synthetisch-signalen.csv` (',', UTF-8): bron,periode,wijkcode,buurtcode,thema,aantal,toelichting,publiceerbaar.
   Every toelichting with publiceerbaar 'nee' starts with 'VERTROUWELIJK'.
3. `synthetisch-enquete.csv` (',', UTF-8): wijkcode,vraag,thema,percentage,n.
4. `synthetisch-kansen.csv` (',', UTF-8): naam,soort,themas,adres,postcode,buurtcode,lat,lon,contact; the
   location as WGS84 lat/lon, as a buurtcode or as adres + postcode.
5. `synthetisch-bespreking-<jjjj-mm>.csv` (',', UTF-8): wijkcode,datum,thema,herkend,verklaring,actie,eigenaar,
   wanneer, for 3-4 wijken of an earlier bespreektafel (June of the peildatum's year).
6. `synthetisch-rodedraden-manifest.json`: seed, files and row counts, the built-in causes, the unmapped tags and
   the cases per wijk x thema as a correct loader should find them. No case ids.

Output is deterministic: the same arguments give byte-identical files (one numpy Generator seeded with `seed`, no
clock, fixed xlsx metadata and zip timestamps).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.cell import WriteOnlyCell

from wijkprofiel.demo.synth import (
    GEMEENTE_MET_DATA,
    HUISNUMMER_GEMIDDELD,
    HUISNUMMER_MAX,
    KWB_BESTAND,
    KWB_LATER_BESTAND,
    _lees_gebied,
    _lees_xlsx,
    _postcode_schrijfwijze,
    _verdeel,
    _werkboek,
    _zip_vast,
)
from wijkprofiel.errors import SourceError, WijkprofielError
from wijkprofiel.paths import demo_data_dir
from wijkprofiel.reference import areas as codes

# ---------------------------------------------------------------------------------------------------------------
# Constants that shape the data. Each says why it has its value; change them here, nowhere else.
# ---------------------------------------------------------------------------------------------------------------

GRENZEN_BESTAND = "geo/buurten-2024-utrecht.geojson"  # buurt boundaries (EPSG:28992), for kansen coordinates

BESTAND_NOORD = "synthetisch-casuistiek-wijkteam-noord.csv"
BESTAND_ZUID = "synthetisch-casuistiek-wijkteam-zuid.xlsx"
BESTAND_SIGNALEN = "synthetisch-signalen.csv"
BESTAND_ENQUETE = "synthetisch-enquete.csv"
BESTAND_KANSEN = "synthetisch-kansen.csv"
BESTAND_MANIFEST = "synthetisch-rodedraden-manifest.json"
# The bespreking's file name carries its month: synthetisch-bespreking-2024-06.csv for the default peildatum.

# Theme keys (DESIGN §5). Own constants, so this generator does not depend on the taxonomy file.
THEMAS = (
    "geldzorgen", "werk_en_inkomen", "eenzaamheid", "huisvesting", "relaties_en_scheiding", "opvoeding",
    "huiselijk_geweld", "psychische_problemen", "dementie", "lichamelijke_gezondheid", "verslaving",
    "zelfstandig_wonen", "mantelzorg", "dagbesteding", "meedoen", "justitie", "overlast_en_veiligheid",
    "zorgmijding",
)  # fmt: skip

# Share of wijkteam cases that carry the theme where the buurt's CBS context equals the gemeente's. Money,
# psychological problems and loneliness are the usual top three in wijkteam registrations; justitie, zorgmijding
# and dementie are rarer. Sum ~2.0: a case has about two themes.
BASISKANS = {
    "geldzorgen": 0.28, "werk_en_inkomen": 0.12, "eenzaamheid": 0.15, "huisvesting": 0.13,
    "relaties_en_scheiding": 0.10, "opvoeding": 0.13, "huiselijk_geweld": 0.05, "psychische_problemen": 0.22,
    "dementie": 0.04, "lichamelijke_gezondheid": 0.10, "verslaving": 0.06, "zelfstandig_wonen": 0.08,
    "mantelzorg": 0.06, "dagbesteding": 0.05, "meedoen": 0.06, "justitie": 0.03, "overlast_en_veiligheid": 0.07,
    "zorgmijding": 0.04,
}  # fmt: skip

# THE CAUSES: per theme, the CBS kenmerken that raise its rate and how strongly (elasticities: a buurt with 1.5x
# the gemeente value gets 1.5 ** e times the base rate). Strong on purpose: the demo must show the effect with a
# few thousand cases. Themes not listed have no cause: a flat base rate with noise.
OORZAKEN = {
    # Money worries follow low incomes and, more steeply, bijstand: p_hh_li alone is also high in student areas
    # (Utrecht Science Park), bijstand marks the long-term poverty of e.g. Overvecht and Kanaleneiland.
    "geldzorgen": {"p_hh_li": 1.8, "bijstand_per_1000_inw": 0.5},
    # Loneliness follows living alone, and age.
    "eenzaamheid": {"aandeel_1p_hh": 1.3, "aandeel_65plus": 0.6},
    # Parenting questions follow the number of children.
    "opvoeding": {"aandeel_0_14": 1.2},
    # Dementia rises steeply with age; independent living (ADL, falls, household) with it.
    "dementie": {"aandeel_65plus": 1.5},
    "zelfstandig_wonen": {"aandeel_65plus": 1.0},
}
OORZAAK_TEKST = {
    "geldzorgen": "meer huishoudens met een laag inkomen en meer bijstand",
    "eenzaamheid": "meer eenpersoonshuishoudens en meer 65-plussers",
    "opvoeding": "meer kinderen van 0-14 jaar",
    "dementie": "meer 65-plussers",
    "zelfstandig_wonen": "meer 65-plussers",
}
# Cases per buurt: inhabitants x (p_hh_li / gemeente) ** this: wijkteams see more people where incomes are low.
BEHOEFTE = {"p_hh_li": 1.0}

# The derived CBS kenmerken (all in the unit shown), computed per buurt, wijk and gemeente.
KENMERKEN = {
    "p_hh_li": ("% huishoudens met een laag inkomen", "p_hh_li"),
    "bijstand_per_1000_inw": ("bijstandsuitkeringen per 1.000 inwoners", "a_soz_wb / a_inw * 1000"),
    "aandeel_1p_hh": ("% eenpersoonshuishoudens", "a_1p_hh / a_hh * 100"),
    "aandeel_65plus": ("% inwoners van 65 jaar of ouder", "a_65_oo / a_inw * 100"),
    "aandeel_0_14": ("% inwoners van 0-14 jaar", "a_00_14 / a_inw * 100"),
}
# Below this many inhabitants a buurt's rates are too erratic (CBS rounds counts to 5): use the gemeente value.
MIN_INW_KENMERK = 100

MAX_KANS = 0.85  # no theme is on every case
RUIS_OORZAAK = 0.08  # sd of the log-normal noise per buurt x theme on themes with a cause
RUIS_VLAK = 0.25  # ... and on themes without one: those differ between buurten only by chance
MAX_TAGS = 4

# A wijk is listed in `ingebouwde_oorzaken` when its CBS context gives a theme at least this factor over the
# gemeente (the expected over-representation; what a rode draad should pick up).
OVERVERTEGENWOORDIGD_VANAF = 1.25

# Wijken of wijkteam Noord (the CSV); the others are zuid (the xlsx). Utrecht's north and centre.
WIJKTEAM_NOORD = ("WK034401", "WK034402", "WK034403", "WK034404", "WK034406")

# How each theme is spelled in the tags, with weights. The first spelling is the most common. No commas, '|',
# ' / ' or ';' inside a tag: those separate tags in one cell.
SPELLINGEN = {
    "geldzorgen": {"Geldzorgen": 30, "geldzorgen": 18, "schulden": 15, "Schulden": 8, "Financiële problemen": 10,
                   "financiën": 5, "betalingsachterstand": 5, "armoede": 4},
    "werk_en_inkomen": {"Werk en inkomen": 10, "werk & inkomen": 4, "werkloos": 4, "uitkering": 4,
                        "Re-integratie": 3},
    "eenzaamheid": {"Eenzaamheid": 30, "eenzaamheid": 20, "sociaal isolement": 15, "Sociaal isolement": 8,
                    "weinig netwerk": 6, "EENZAAMHEID": 2},
    "huisvesting": {"Huisvesting": 10, "woonproblemen": 5, "dreigende huisuitzetting": 3, "dakloos": 2},
    "relaties_en_scheiding": {"Relatieproblemen": 6, "relatieproblemen": 4, "Scheiding": 4, "vechtscheiding": 3,
                              "Relaties en scheiding": 3},
    "opvoeding": {"Opvoeding": 12, "opvoedvragen": 10, "Opvoedvragen": 5, "opvoedingsproblemen": 4,
                  "gezinsproblemen": 3},
    "huiselijk_geweld": {"Huiselijk geweld": 8, "huiselijk geweld": 4, "kindermishandeling": 2,
                         "onveilig thuis": 2},
    "psychische_problemen": {"GGZ": 12, "ggz": 8, "Psychische problemen": 10, "psychische klachten": 6,
                             "depressie": 4, "verward gedrag": 2},
    "dementie": {"Dementie": 8, "dementie": 4, "geheugenproblemen": 4, "Geheugenproblemen": 2},
    "lichamelijke_gezondheid": {"Lichamelijke gezondheid": 6, "chronisch ziek": 4, "lichamelijke beperking": 3,
                                "Somatiek": 2},
    "verslaving": {"Verslaving": 8, "verslaving": 4, "middelengebruik": 4, "alcohol": 2, "drugs": 2},
    "zelfstandig_wonen": {"Zelfstandig wonen": 8, "ADL": 4, "huishouden": 3, "valrisico": 2},
    "mantelzorg": {"Mantelzorg": 8, "mantelzorg": 4, "overbelaste mantelzorger": 4},
    "dagbesteding": {"Dagbesteding": 8, "dagbesteding": 4, "zinvolle daginvulling": 2},
    "meedoen": {"Meedoen": 5, "participatie": 4, "taal": 3, "digitale vaardigheden": 2},
    "justitie": {"Justitie": 5, "politiecontact": 3, "detentie": 2},
    "overlast_en_veiligheid": {"burenoverlast": 8, "Burenoverlast": 4, "Overlast": 4, "overlast en veiligheid": 2,
                               "Onveiligheid": 2},
    "zorgmijding": {"Zorgmijding": 5, "zorgmijding": 3, "moeilijk bereikbaar": 2, "zorgmijder": 2},
}  # fmt: skip

# Tags that map to NO theme (~3% of tags): typos of a theme tag (the theme is then lost, as it would be in real
# data) and extra tags about things the wijkteam noted but that are no social-domain theme.
TYPOS = {"geldzorgen": "geldzrgen", "eenzaamheid": "eenzaamhied", "opvoeding": "opvoedng"}
TYPO_KANS = 0.045  # per geldzorgen/eenzaamheid/opvoeding tag
EXTRA_TAGS = ("fietsdiefstal", "parkeeroverlast", "zwerfafval", "overig")
EXTRA_TAG_KANS = 0.035  # per case with room for another tag

# Separators in the noord CSV's Themas cell: mostly '; ', but some clerks typed others.
SCHEIDINGSTEKENS = (("; ", 0.78), (", ", 0.08), (" | ", 0.07), (" / ", 0.07))
# 4% of house numbers carry an addition.
TOEVOEGINGEN = ("A", "B", "-1", "-2", " bis")
AANDEEL_TOEVOEGING = 0.04
# 12% of the zuid cases have their buurtcode as a bare number (3440311), as when the column was typed as number.
AANDEEL_KALE_BUURTCODE = 0.12

KOP_NOORD = ["Casusnummer", "Wijkteam", "Registratiedatum", "Postcode", "Huisnummer", "Themas"]
KOP_ZUID = ["Casus ID", "Team", "Datum registratie", "Buurtcode", "Thema"]
ZUID_SHEET = "Casussen"
KOP_SIGNALEN = ["bron", "periode", "wijkcode", "buurtcode", "thema", "aantal", "toelichting", "publiceerbaar"]
KOP_ENQUETE = ["wijkcode", "vraag", "thema", "percentage", "n"]
KOP_KANSEN = ["naam", "soort", "themas", "adres", "postcode", "buurtcode", "lat", "lon", "contact"]
KOP_BESPREKING = ["wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer"]

# --- Partner signals -------------------------------------------------------------------------------------------
# (bron, thema, basisaantal per kwartaal per 10,000 inhabitants, publishable text, confidential text). A signal
# with a cause is reported in every wijk where the theme's factor is >= SIGNAAL_VANAF; signals without a cause
# turn up at random (SIGNAAL_KANS_VLAK per wijk), as partners notice things everywhere.
VERTROUWELIJK = "VERTROUWELIJK"
SIGNALEN_MET_OORZAAK = (
    ("woningcorporatie", "geldzorgen", 12, "Meer meldingen van huurachterstand sinds de zomer",
     "VERTROUWELIJK: enkele huishoudens met dreigende ontruiming door huurachterstand, bij naam bekend"),
    ("clientenraad", "geldzorgen", 4, "Deelnemers noemen de hoge vaste lasten en de energierekening",
     "VERTROUWELIJK: een deelnemer vertelde over eigen schulden; niet delen buiten de tafel"),
    ("huisarts", "eenzaamheid", 8, "Meer ouderen op het spreekuur met klachten die samenhangen met alleen zijn",
     "VERTROUWELIJK: betreft een aantal bekende alleenstaande patiënten van de praktijk"),
    ("poh", "eenzaamheid", 6, "POH ziet vaker eenzaamheid bij alleenwonenden, ook jongere",
     "VERTROUWELIJK: casusbespreking met namen van patiënten, niet voor de rapportage"),
    ("overig", "opvoeding", 6, "Consultatiebureau en scholen horen meer opvoedvragen van jonge gezinnen",
     "VERTROUWELIJK: zorgen over enkele gezinnen die bij school bekend zijn"),
    ("huisarts", "dementie", 4, "Meer verwijzingen voor geheugenonderzoek",
     "VERTROUWELIJK: enkele alleenwonende patiënten met dementie zonder mantelzorger, bij naam bekend"),
    ("poh", "zelfstandig_wonen", 4, "Vaker valincidenten en problemen met het huishouden bij ouderen",
     "VERTROUWELIJK: betreft een paar patiënten die thuis niet meer redden"),
)  # fmt: skip
SIGNALEN_ZONDER_OORZAAK = (
    ("wijkagent", "overlast_en_veiligheid", 6, "Meldingen van burenoverlast in een paar portiekflats",
     "VERTROUWELIJK: overlast rond één adres, bewoners bekend bij politie"),
    ("meldpunt_zorg_overlast", "psychische_problemen", 4, "Meer meldingen over verward gedrag op straat",
     "VERTROUWELIJK: herhaalde meldingen over dezelfde persoon"),
    ("ggz", "psychische_problemen", 5, "Wachttijden ggz lopen op; wijkteam vangt meer op",
     "VERTROUWELIJK: cliënten op de wachtlijst met verslechterende klachten, namen bekend"),
    ("wijkagent", "huiselijk_geweld", 3, "Enkele meldingen huiselijk geweld doorgezet naar Veilig Thuis",
     "VERTROUWELIJK: betreft lopende zaken bij Veilig Thuis"),
    ("ggz", "verslaving", 3, "Zichtbaar middelengebruik bij jongeren rond het winkelcentrum",
     "VERTROUWELIJK: groep jongeren bij naam bekend bij jongerenwerk"),
    ("woningcorporatie", "huisvesting", 4, "Meer vragen over woningzoeken na scheiding of uitzetting",
     "VERTROUWELIJK: enkele huurders met een ontruimingsvonnis"),
    ("meldpunt_zorg_overlast", "zorgmijding", 3, "Bewoners die hulp afhouden terwijl buren zich zorgen maken",
     "VERTROUWELIJK: zorgmijder op een bekend adres, vervuilde woning"),
)  # fmt: skip
SIGNAAL_VANAF = 1.2
SIGNAAL_TWEE_PERIODEN_VANAF = 1.5  # a strong cause is reported in two quarters
SIGNAAL_KANS_VLAK = 0.3
SIGNAAL_AANDEEL_BUURT = 0.4  # share of signals given for one buurt instead of the whole wijk
SIGNAAL_AANDEEL_ZONDER_AANTAL = 0.15  # partners often report without a count
SIGNAAL_AANDEEL_PUBLICEERBAAR = 0.5

# --- Enquête ---------------------------------------------------------------------------------------------------
# (vraag, thema, % of respondents agreeing at the gemeente's context). Every statement is phrased so that a
# higher percentage is a concern; themes with a cause follow the wijk's factor.
ENQUETE_VRAGEN = (
    ("Ik heb moeite om rond te komen", "geldzorgen", 18.0),
    ("Ik voel me vaak eenzaam", "eenzaamheid", 12.0),
    ("Ik maak me zorgen over de opvoeding van mijn kinderen", "opvoeding", 9.0),
    ("Ik heb moeite met dagelijkse dingen in en om het huis", "zelfstandig_wonen", 7.0),
    ("Ik voel me vaak somber of angstig", "psychische_problemen", 20.0),
    ("Ik voel me onveilig in mijn buurt", "overlast_en_veiligheid", 15.0),
    ("De zorg voor een naaste valt me zwaar", "mantelzorg", 8.0),
)
ENQUETE_RUIS = 0.08  # sd of the log-normal noise per wijk x vraag (besides the sampling noise of n respondents)
ENQUETE_N = (80, 400)

# --- Kansen ----------------------------------------------------------------------------------------------------
# (soort, name prefix, themas). Every wijk has a buurthuis; the other kinds are drawn weighted by how much the
# wijk's context calls for their themes, so kansen partly line up with the causes (and partly leave gaps).
KANS_SOORTEN = (
    ("buurthuis", "Buurthuis", ("eenzaamheid", "meedoen", "dagbesteding")),
    ("inloop", "Geldinloop", ("geldzorgen", "werk_en_inkomen")),
    ("schuldhulpmaatje", "SchuldHulpMaatje", ("geldzorgen",)),
    ("ontmoetingsplek ouderen", "Ontmoetingsplek", ("eenzaamheid", "dementie", "mantelzorg")),
    ("opvoedsteunpunt", "Opvoedsteunpunt", ("opvoeding", "relaties_en_scheiding")),
    ("vrijwilligersinitiatief", "Boodschappenhulp", ("zelfstandig_wonen", "eenzaamheid")),
    ("taalcafé", "Taalcafé", ("meedoen", "werk_en_inkomen")),
    ("mantelzorgsalon", "Mantelzorgsalon", ("mantelzorg", "dementie")),
    ("herstelcafé", "Herstelcafé", ("psychische_problemen", "verslaving", "zorgmijding")),
    ("jongerenwerk", "Jongerenplek", ("opvoeding", "overlast_en_veiligheid")),
)
KANS_NAMEN = (
    "De Zonnewijzer", "De Vlinder", "Het Anker", "De Kastanje", "De Brug", "Het Baken", "De Linde", "De Hoeksteen",
    "Het Klaverblad", "De Wilg", "De Regenboog", "De Boomgaard", "De Vonk", "Het Trefpunt", "De Lindeboom",
    "De Uitkijk", "Het Kompas", "De Waterput", "De Zeef", "De Kei", "Het Venster", "De Sleutel", "De Haven",
    "De Notenboom", "Het Lichtpunt", "De Steiger", "De Molen", "De Paraplu", "Het Erf", "De Dobber",
    "De Kiem", "Het Hofje", "De Lantaarn", "De Klimop", "De Meander", "Het Podium", "De Ankerplaats",
    "De Esdoorn", "De Zwaluw", "Het Stadsplein", "De Vlonder", "De Horizon", "De Fontein", "De Twijg",
    "Het Zonnedak", "De Vijver", "De Kleine Wereld", "De Vuurtoren", "Het Rozenperk", "De Sprong",
)  # fmt: skip
KANSEN_PER_WIJK = (3, 6)
KANS_VORMEN = (("latlon", 0.4), ("buurtcode", 0.3), ("postcode", 0.3))  # how the location is given
KANS_VOORKEUR = 2.0  # kinds are drawn with weight (mean wijk factor of their themes) ** this

# --- Bespreking ------------------------------------------------------------------------------------------------
BESPREKING_MAAND_DAG = (6, 12)  # 12 June of the peildatum's year (or the year before if that is later)
# Per theme: (verklaring, actie, eigenaar) when the table recognised the theme, and when it did not.
BESPREKING_HERKEND = {
    "geldzorgen": ("Veel huishoudens rond het bestaansminimum; vaste lasten stegen sneller dan inkomens",
                   "Vroegsignalering huurachterstand samen met corporatie en wijkteam uitbreiden", "woningcorporatie"),
    "eenzaamheid": ("Veel alleenwonenden, ouderen en jongeren; weinig ontmoetingsplekken in de buurt",
                    "Ontmoetingsochtend in het buurthuis en huisbezoeken bij 75-plussers", "wijkteam"),
    "opvoeding": ("Veel jonge gezinnen zonder netwerk in de buurt; vragen komen laat binnen",
                  "Opvoedspreekuur op de basisscholen", "jongerenwerker"),
    "dementie": ("Vergrijzing in de flats; mantelzorgers raken overbelast",
                 "Casemanager dementie aansluiten bij het wijkteamoverleg", "huisarts"),
    "zelfstandig_wonen": ("Ouderen wonen langer thuis in woningen die daar niet op zijn ingericht",
                          "Valpreventie en huishoudelijke hulp eerder inzetten", "wmo-consulent"),
    "psychische_problemen": ("Wachttijden ggz; het wijkteam vangt meer op",
                             "Ggz-consultatie in het wijkteam een dagdeel per week", "ggz"),
    "werk_en_inkomen": ("Veel mensen in de bijstand met weinig perspectief op werk",
                        "Spreekuur werk en inkomen in het buurthuis", "klantmanager W&I"),
}  # fmt: skip
BESPREKING_NIET_HERKEND = {
    "overlast_en_veiligheid": ("Meldingen betreffen één portiek; geen patroon in de wijk",
                               "Wijkagent volgt het adres; terugkoppeling volgende ronde", "wijkagent"),
    "verslaving": ("Beeld komt van één groep jongeren die inmiddels uit beeld is",
                   "Geen aparte actie; jongerenwerk houdt zicht", "jongerenwerker"),
    "zorgmijding": ("Betreft een paar bekende bewoners, al in zorg",
                    "Bespreken in het overleg zorg en overlast", "meldpunt zorg & overlast"),
}  # fmt: skip
BESPREKING_WIJKEN = 4  # 3-4 wijken: the strongest causes first
BESPREKING_THEMA_VOLGORDE = ("geldzorgen", "eenzaamheid", "opvoeding", "dementie")


@dataclass(frozen=True)
class RodeDradenSynth:
    casuistiek: list[Path]  # [noord CSV (one row per case), zuid xlsx (one row per tag)]
    signalen: Path
    enquete: Path
    kansen: Path
    bespreking: Path
    manifest: Path
    rijen_per_bestand: dict[str, int]

    @property
    def bestanden(self) -> list[Path]:
        return [*self.casuistiek, self.signalen, self.enquete, self.kansen, self.bespreking]


def synth_rodedraden(
    gemeente: str,
    out_dir: Path,
    *,
    seed: int = 2026,
    casussen: int = 4000,
    peildatum: date = date(2024, 12, 31),
) -> RodeDradenSynth:
    """Write SYNTHETIC casuïstiek (two shapes), signals, enquête, kansen, a bespreking and a manifest to `out_dir`.

    Every file name starts with `synthetisch-`; the same arguments give byte-identical files.
    """
    gemeente = codes.gemeentecode(gemeente)
    if gemeente != GEMEENTE_MET_DATA:
        raise WijkprofielError(
            f"synthetic casuïstiek for {gemeente} needs that gemeente's CBS files (Kerncijfers wijken en buurten "
            f"incl. the later release with p_hh_li/a_soz_wb), a PC6-buurt table and buurt boundaries; only "
            f"{GEMEENTE_MET_DATA} (Utrecht) is bundled"
        )
    if not isinstance(casussen, (int, np.integer)) or isinstance(casussen, bool) or casussen < 1:
        raise WijkprofielError(f"casussen must be a positive whole number, not {casussen!r}")
    if isinstance(peildatum, datetime) or not isinstance(peildatum, date):
        raise WijkprofielError(f"peildatum must be a date, not {peildatum!r}")

    rng = np.random.default_rng(seed)
    ctx = _lees_context(demo_data_dir(), gemeente)
    kans = _themakansen(rng, ctx)
    cs = _maak_casussen(rng, ctx, kans, int(casussen), peildatum)
    tags = _maak_tags(rng, cs)
    noord, zuid = _render_casussen(rng, ctx, cs, tags)
    signalen = _maak_signalen(rng, ctx, peildatum)
    enquete = _maak_enquete(rng, ctx)
    kansen = _maak_kansen(rng, ctx)
    bespreking_datum, bespreking = _maak_bespreking(rng, ctx, peildatum)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p_noord, p_zuid = out_dir / BESTAND_NOORD, out_dir / BESTAND_ZUID
    p_sig, p_enq, p_kan = out_dir / BESTAND_SIGNALEN, out_dir / BESTAND_ENQUETE, out_dir / BESTAND_KANSEN
    p_besp = out_dir / f"synthetisch-bespreking-{bespreking_datum.strftime('%Y-%m')}.csv"
    _schrijf_csv(p_noord, KOP_NOORD, noord, delimiter=";", bom=True, crlf=True)
    _schrijf_zuid(p_zuid, zuid, peildatum)
    _schrijf_csv(p_sig, KOP_SIGNALEN, signalen)
    _schrijf_csv(p_enq, KOP_ENQUETE, enquete)
    _schrijf_csv(p_kan, KOP_KANSEN, kansen)
    _schrijf_csv(p_besp, KOP_BESPREKING, bespreking)

    rijen = {
        BESTAND_NOORD: len(noord), BESTAND_ZUID: len(zuid), BESTAND_SIGNALEN: len(signalen),
        BESTAND_ENQUETE: len(enquete), BESTAND_KANSEN: len(kansen), p_besp.name: len(bespreking),
    }  # fmt: skip
    manifest = out_dir / BESTAND_MANIFEST
    _schrijf_manifest(manifest, gemeente, seed, int(casussen), peildatum, ctx, cs, tags, rijen, bespreking_datum)
    return RodeDradenSynth(
        casuistiek=[p_noord, p_zuid], signalen=p_sig, enquete=p_enq, kansen=p_kan, bespreking=p_besp,
        manifest=manifest, rijen_per_bestand=rijen,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Real CBS figures: kenmerken and factors per buurt and wijk
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    gemeente: str
    buurten: list[str]
    buurt_wijk: np.ndarray  # index into wijken
    inw: np.ndarray
    kenmerk: dict[str, np.ndarray]  # per buurt, gemeente value where unknown
    wijken: list[str]
    wijknamen: dict[str, str]
    wijk_inw: np.ndarray
    wijk_kenmerk: dict[str, np.ndarray]
    gm_kenmerk: dict[str, float]
    factor: dict[str, np.ndarray]  # theme with a cause -> factor per buurt (1 = gemeente context)
    wijk_factor: dict[str, np.ndarray]  # theme -> factor per wijk (1.0 for themes without a cause)
    postcodes: np.ndarray
    pc_begin: np.ndarray
    pc_aantal: np.ndarray


def _lees_context(data: Path, gemeente: str) -> _Context:
    kwb = _lees_xlsx(data / KWB_BESTAND, ["a_inw", "a_00_14", "a_65_oo", "a_hh", "a_1p_hh"])
    later = _lees_xlsx(data / KWB_LATER_BESTAND, ["a_inw", "p_hh_li", "a_soz_wb"])
    gebied = _lees_gebied(data, gemeente)  # buurten in file order and their PC6 lists
    namen = _lees_namen(data / KWB_BESTAND)
    wijken = [c for c in kwb if c.startswith("WK") and codes.hoort_bij_gemeente(c, gemeente)]

    def kenmerken(code: str) -> dict[str, float | None]:
        k, lt = kwb.get(code, {}), later.get(code, {})
        inw = k.get("a_inw") if k.get("a_inw") is not None else lt.get("a_inw")
        klein = inw is None or inw < MIN_INW_KENMERK

        def deel(teller: float | None, noemer: float | None, schaal: float) -> float | None:
            if klein or teller is None or not noemer:
                return None
            return teller / noemer * schaal

        return {
            "p_hh_li": None if klein else lt.get("p_hh_li"),
            "bijstand_per_1000_inw": deel(lt.get("a_soz_wb"), inw, 1000),
            "aandeel_1p_hh": deel(k.get("a_1p_hh"), k.get("a_hh"), 100),
            "aandeel_65plus": deel(k.get("a_65_oo"), inw, 100),
            "aandeel_0_14": deel(k.get("a_00_14"), inw, 100),
        }

    gm = kenmerken(gemeente)
    if any(v is None for v in gm.values()):
        raise SourceError(f"CBS gives no gemeente value for {', '.join(k for k, v in gm.items() if v is None)}")

    def matrix(gebieden: list[str]) -> dict[str, np.ndarray]:
        rijen = [kenmerken(c) for c in gebieden]
        return {k: np.array([r[k] if r[k] is not None else gm[k] for r in rijen], dtype=float) for k in KENMERKEN}

    def factoren(km: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
        uit = {}
        for thema in THEMAS:
            f = np.ones(n)
            for kenmerk, e in OORZAKEN.get(thema, {}).items():
                f *= np.maximum(km[kenmerk] / gm[kenmerk], 1e-3) ** e  # a buurt without bijstand is not 0
            uit[thema] = f
        return uit

    buurten = gebied.buurten
    wijk_index = {w: i for i, w in enumerate(wijken)}
    buurt_wijk = np.array([wijk_index[codes.ouder_code(b)] for b in buurten])
    inw = np.array([(kwb[b]["a_inw"] or 0.0) for b in buurten], dtype=float)
    km_b, km_w = matrix(buurten), matrix(wijken)
    return _Context(
        gemeente=gemeente, buurten=buurten, buurt_wijk=buurt_wijk, inw=inw, kenmerk=km_b, wijken=wijken,
        wijknamen={w: re.sub(r"^Wijk \d+\s+", "", namen.get(w, w)) for w in wijken},
        wijk_inw=np.array([kwb[w]["a_inw"] or 0.0 for w in wijken], dtype=float), wijk_kenmerk=km_w,
        gm_kenmerk={k: float(v) for k, v in gm.items()}, factor=factoren(km_b, len(buurten)),
        wijk_factor=factoren(km_w, len(wijken)), postcodes=gebied.postcodes, pc_begin=gebied.pc_begin,
        pc_aantal=gebied.pc_aantal,
    )  # fmt: skip


def _lees_namen(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        kop = [str(c).strip() if c is not None else "" for c in next(it)]
        if "regio" not in kop:
            raise SourceError(f"{path.name}: column regio is missing")
        c, r = kop.index("gwb_code_10"), kop.index("regio")
        return {str(x[c]).strip(): str(x[r]).strip() for x in it if x[c] is not None and x[r] is not None}
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------------------------------
# Cases and their tags
# ---------------------------------------------------------------------------------------------------------------


def _themakansen(rng: np.random.Generator, ctx: _Context) -> np.ndarray:
    """Per buurt x theme the probability that a case carries the theme (the causes, see OORZAKEN)."""
    n = len(ctx.buurten)
    kans = np.empty((n, len(THEMAS)))
    for j, thema in enumerate(THEMAS):
        sigma = RUIS_OORZAAK if thema in OORZAKEN else RUIS_VLAK
        ruis = np.exp(rng.normal(0.0, sigma, size=n))
        kans[:, j] = np.minimum(MAX_KANS, BASISKANS[thema] * ctx.factor[thema] * ruis)
    return kans


@dataclass
class _Casussen:
    buurt: np.ndarray
    datum: np.ndarray  # ordinal
    themas: np.ndarray  # bool (case x theme)
    volgorde: np.ndarray  # case indices in registration order
    nummer: list[str]  # case id per case (index = case)
    noord: np.ndarray  # bool: registered by wijkteam noord


def _maak_casussen(
    rng: np.random.Generator, ctx: _Context, kans: np.ndarray, casussen: int, peildatum: date
) -> _Casussen:
    behoefte = np.ones(len(ctx.buurten))
    for kenmerk, e in BEHOEFTE.items():
        behoefte *= (ctx.kenmerk[kenmerk] / ctx.gm_kenmerk[kenmerk]) ** e
    gewicht = ctx.inw * behoefte
    gewicht[ctx.pc_aantal == 0] = 0.0  # a case needs a postcode (noord) to be placed
    per_buurt = _verdeel(casussen, gewicht)
    buurt = np.repeat(np.arange(len(ctx.buurten)), per_buurt)
    n = len(buurt)

    p = kans[buurt]
    themas = rng.random(p.shape) < p
    sleutel = np.log(p) + rng.gumbel(size=p.shape)  # weighted choice among the drawn themes
    leeg = ~themas.any(axis=1)
    themas[np.flatnonzero(leeg), np.argmax(sleutel[leeg], axis=1)] = True
    te_veel = np.flatnonzero(themas.sum(axis=1) > MAX_TAGS)
    if len(te_veel):
        s = np.where(themas[te_veel], sleutel[te_veel], -np.inf)
        houd = np.argsort(-s, axis=1, kind="stable")[:, :MAX_TAGS]
        themas[te_veel] = False
        themas[te_veel[:, None], houd] = True

    eerste = date(peildatum.year - 1, 1, 1).toordinal()
    datum = rng.integers(eerste, peildatum.toordinal() + 1, size=n)
    volgorde = np.lexsort((rng.random(n), datum))
    nummer = [""] * n
    teller: dict[int, int] = {}
    for i in volgorde.tolist():
        jaar = date.fromordinal(int(datum[i])).year
        teller[jaar] = teller.get(jaar, 0) + 1
        nummer[i] = f"C-{jaar}-{teller[jaar]:06d}"
    noord = np.isin(np.array(ctx.wijken, dtype=object)[ctx.buurt_wijk[buurt]], WIJKTEAM_NOORD)
    return _Casussen(buurt, datum, themas, volgorde, nummer, noord)


@dataclass
class _Tags:
    per_casus: list[list[str]]  # the tags as written, in cell order
    herkend: np.ndarray  # bool (case x theme): the theme is written in a spelling a loader can map
    zonder_thema: dict[str, int]  # unmapped tag -> occurrences


def _maak_tags(rng: np.random.Generator, cs: _Casussen) -> _Tags:
    spelling = {}
    for t in THEMAS:
        w = np.cumsum(np.array(list(SPELLINGEN[t].values()), dtype=float))
        spelling[t] = (list(SPELLINGEN[t]), w / w[-1])
    per_casus: list[list[str]] = []
    herkend = cs.themas.copy()
    zonder: dict[str, int] = {}
    for i in range(len(cs.buurt)):
        idx = np.flatnonzero(cs.themas[i])
        idx = idx[rng.permutation(len(idx))]
        tags = []
        for j in idx.tolist():
            thema = THEMAS[j]
            if thema in TYPOS and rng.random() < TYPO_KANS:
                tag = TYPOS[thema]
                herkend[i, j] = False
                zonder[tag] = zonder.get(tag, 0) + 1
            else:
                namen, cum = spelling[thema]
                tag = namen[min(int(np.searchsorted(cum, rng.random(), side="right")), len(namen) - 1)]
            tags.append(tag)
        if len(tags) < MAX_TAGS and rng.random() < EXTRA_TAG_KANS:
            tag = EXTRA_TAGS[int(rng.integers(len(EXTRA_TAGS)))]
            tags.insert(int(rng.integers(len(tags) + 1)), tag)
            zonder[tag] = zonder.get(tag, 0) + 1
        per_casus.append(tags)
    return _Tags(per_casus, herkend, dict(sorted(zonder.items())))


def _render_casussen(
    rng: np.random.Generator, ctx: _Context, cs: _Casussen, tags: _Tags
) -> tuple[list[list], list[list]]:
    n = len(cs.buurt)
    keuze = ctx.pc_begin[cs.buurt] + np.floor(rng.random(n) * ctx.pc_aantal[cs.buurt]).astype(np.int64)
    postcode = _postcode_schrijfwijze(rng, ctx.postcodes[keuze])
    huisnr = np.minimum(1 + np.floor(rng.exponential(HUISNUMMER_GEMIDDELD, size=n)), HUISNUMMER_MAX).astype(int)
    toevoeging = rng.random(n) < AANDEEL_TOEVOEGING
    welke_toevoeging = rng.integers(len(TOEVOEGINGEN), size=n)
    kans_sep = np.array([p for _, p in SCHEIDINGSTEKENS])
    sep = rng.choice(len(SCHEIDINGSTEKENS), size=n, p=kans_sep / kans_sep.sum())
    kaal = rng.random(n) < AANDEEL_KALE_BUURTCODE

    noord, zuid = [], []
    for i in cs.volgorde.tolist():
        wijk = ctx.wijken[ctx.buurt_wijk[cs.buurt[i]]]
        naam = ctx.wijknamen[wijk]
        dag = date.fromordinal(int(cs.datum[i]))
        if cs.noord[i]:
            nr = f"{huisnr[i]}{TOEVOEGINGEN[welke_toevoeging[i]] if toevoeging[i] else ''}"
            cel = SCHEIDINGSTEKENS[sep[i]][0].join(tags.per_casus[i])
            noord.append([cs.nummer[i], f"Wijkteam {naam}", dag.strftime("%d-%m-%Y"), postcode[i], nr, cel])
        else:
            code = ctx.buurten[cs.buurt[i]]
            buurtcode: object = int(code[2:]) if kaal[i] else code
            moment = datetime(dag.year, dag.month, dag.day)
            for tag in tags.per_casus[i]:
                zuid.append([cs.nummer[i], f"Wijkteam Zuid ({naam})", moment, buurtcode, tag])
    return noord, zuid


# ---------------------------------------------------------------------------------------------------------------
# Signals, enquête, kansen, bespreking
# ---------------------------------------------------------------------------------------------------------------


def _maak_signalen(rng: np.random.Generator, ctx: _Context, peildatum: date) -> list[list]:
    jaar = peildatum.year
    perioden = [f"{jaar}-K{k}" for k in range(1, 5) if date(jaar, 3 * k - 2, 1) <= peildatum] or [str(jaar)]
    rijen = []
    for w, wijk in enumerate(ctx.wijken):
        in_wijk = np.flatnonzero((ctx.buurt_wijk == w) & (ctx.inw >= 500))
        for met_oorzaak, lijst in ((True, SIGNALEN_MET_OORZAAK), (False, SIGNALEN_ZONDER_OORZAAK)):
            for bron, thema, basis, tekst_ja, tekst_nee in lijst:
                factor = float(ctx.wijk_factor[thema][w])
                if met_oorzaak and factor < SIGNAAL_VANAF:
                    continue
                if not met_oorzaak and rng.random() >= SIGNAAL_KANS_VLAK:
                    continue
                if met_oorzaak and factor >= SIGNAAL_TWEE_PERIODEN_VANAF and len(perioden) >= 2:
                    gekozen = sorted(rng.choice(len(perioden), size=2, replace=False).tolist())
                    periodes = [perioden[k] for k in gekozen]
                else:
                    periodes = [perioden[int(rng.integers(len(perioden)))] if rng.random() < 0.7 else str(jaar)]
                for periode in periodes:
                    buurtcode = ""
                    schaal = ctx.wijk_inw[w] / 10_000
                    if len(in_wijk) and rng.random() < SIGNAAL_AANDEEL_BUURT:
                        # the buurt where the cause is strongest (for a theme without cause: any buurt)
                        f_b = ctx.factor[thema][in_wijk] if met_oorzaak else rng.random(len(in_wijk))
                        b = int(in_wijk[int(np.argmax(f_b))])
                        buurtcode = ctx.buurten[b]
                        schaal = ctx.inw[b] / 10_000
                    verwacht = basis * factor * schaal * (4 if periode == str(jaar) else 1)
                    aantal = "" if rng.random() < SIGNAAL_AANDEEL_ZONDER_AANTAL else str(max(1, rng.poisson(verwacht)))
                    ja = rng.random() < SIGNAAL_AANDEEL_PUBLICEERBAAR
                    rijen.append([
                        bron, periode, "" if buurtcode else wijk, buurtcode, thema, aantal,
                        tekst_ja if ja else tekst_nee, "ja" if ja else "nee",
                    ])  # fmt: skip
    # Both kinds must occur (tests and the demo show that 'nee' texts never get out): flip the first row if not.
    if rijen and len({r[7] for r in rijen}) == 1:
        r = rijen[0]
        teksten = {(b, t): (ja, nee) for b, t, _, ja, nee in (*SIGNALEN_MET_OORZAAK, *SIGNALEN_ZONDER_OORZAAK)}
        ja = r[7] == "nee"
        r[6], r[7] = teksten[(r[0], r[4])][0 if ja else 1], "ja" if ja else "nee"
    return rijen


def _maak_enquete(rng: np.random.Generator, ctx: _Context) -> list[list]:
    rijen = []
    for w, wijk in enumerate(ctx.wijken):
        for vraag, thema, basis in ENQUETE_VRAGEN:
            n = int(rng.integers(ENQUETE_N[0], ENQUETE_N[1] + 1))
            p = min(0.95, basis / 100 * float(ctx.wijk_factor[thema][w]) * float(np.exp(rng.normal(0, ENQUETE_RUIS))))
            ja = int(rng.binomial(n, p))
            rijen.append([wijk, vraag, thema, f"{100 * ja / n:.1f}", str(n)])
    return rijen


def _maak_kansen(rng: np.random.Generator, ctx: _Context) -> list[list]:
    from pyproj import Transformer  # only needed here; imported late as they are slow to load
    from shapely.geometry import shape

    grenzen_pad = demo_data_dir() / GRENZEN_BESTAND
    if not grenzen_pad.is_file():
        raise SourceError(f"{grenzen_pad}: bundled buurt boundaries are missing (needed for synthetic kansen)")
    grenzen = json.loads(grenzen_pad.read_text(encoding="utf-8"))
    vorm = {str(f["properties"]["statcode"]).strip(): shape(f["geometry"]) for f in grenzen["features"]}
    plaats = _Plaatser(rng, ctx, vorm, Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True))

    namen = [KANS_NAMEN[i] for i in rng.permutation(len(KANS_NAMEN)).tolist()]
    vormen_kans = np.array([p for _, p in KANS_VORMEN])
    rijen: list[dict] = []
    for w in range(len(ctx.wijken)):
        buurten = np.flatnonzero((ctx.buurt_wijk == w) & (ctx.inw >= MIN_INW_KENMERK) & (ctx.pc_aantal > 0))
        buurten = np.array([b for b in buurten.tolist() if ctx.buurten[b] in vorm], dtype=np.int64)
        if not len(buurten):
            continue
        aantal = int(rng.integers(KANSEN_PER_WIJK[0], KANSEN_PER_WIJK[1] + 1))
        gewicht = np.array(
            [np.mean([ctx.wijk_factor[t][w] for t in themas]) ** KANS_VOORKEUR for _, _, themas in KANS_SOORTEN[1:]]
        )
        overige = rng.choice(len(gewicht), size=min(aantal - 1, len(gewicht)), replace=False, p=gewicht / gewicht.sum())
        for k in [0, *(1 + overige).tolist()]:  # the buurthuis first
            soort, prefix, themas = KANS_SOORTEN[k]
            b = int(buurten[int(rng.choice(len(buurten), p=ctx.inw[buurten] / ctx.inw[buurten].sum()))])
            stam = namen[len(rijen) % len(namen)]
            slug = re.sub(r"[^a-z0-9]+", "-", f"{prefix} {stam}".lower().replace("é", "e")).strip("-")
            welke = KANS_VORMEN[int(rng.choice(len(KANS_VORMEN), p=vormen_kans / vormen_kans.sum()))][0]
            rij = {
                "naam": f"{prefix} {stam} (synthetisch)", "soort": soort, "themas": "|".join(themas),
                "contact": f"info@{slug}.example" if rng.random() < 0.7 else "via het wijkteam",
                "buurt": b, "stam": stam, "vorm": welke,
            }  # fmt: skip
            rij.update(plaats(welke, b, stam))
            rijen.append(rij)
    # All three location forms occur (a loader must handle each): if chance left one out, give it to the last row
    # of a form that occurs more than once.
    for welke, _ in KANS_VORMEN:
        telling = {v: sum(r["vorm"] == v for r in rijen) for v, _ in KANS_VORMEN}
        if telling[welke] == 0:
            r = next((r for r in reversed(rijen) if telling[r["vorm"]] > 1), None)
            if r is not None:
                r.update(plaats(welke, r["buurt"], r["stam"]), vorm=welke)
    return [[r.get(k, "") for k in KOP_KANSEN] for r in rijen]


class _Plaatser:
    """The location of a kans in one of three forms: WGS84 lat/lon inside the buurt, its buurtcode, or a postcode."""

    def __init__(self, rng: np.random.Generator, ctx: _Context, vorm: dict, naar_wgs84) -> None:
        self.rng, self.ctx, self.vorm, self.naar_wgs84 = rng, ctx, vorm, naar_wgs84

    def __call__(self, welke: str, b: int, stam: str) -> dict[str, str]:
        from shapely.geometry import Point

        rng, ctx = self.rng, self.ctx
        uit = {"adres": "", "postcode": "", "buurtcode": "", "lat": "", "lon": ""}
        if welke == "buurtcode":
            uit["buurtcode"] = ctx.buurten[b]
        elif welke == "postcode":
            straat = re.sub(r"^(De|Het) ", "", stam).replace(" ", "")
            uit["adres"] = f"{straat}plein {int(rng.integers(1, 60))}"
            uit["postcode"] = str(ctx.postcodes[ctx.pc_begin[b] + int(rng.integers(ctx.pc_aantal[b]))])
        else:
            # Inside this buurt and no other (the simplified boundaries overlap a little), 10 m from the border so
            # rounding lat/lon to 5 decimals (~1 m) keeps it inside.
            code = ctx.buurten[b]
            geo = self.vorm[code]
            for ander, g in self.vorm.items():
                if ander != code and g.intersects(geo):
                    geo = geo.difference(g)
            kern = geo.buffer(-10)
            geo = geo if kern.is_empty else kern
            x0, y0, x1, y1 = geo.bounds
            for _ in range(1000):
                x, y = round(float(rng.uniform(x0, x1))), round(float(rng.uniform(y0, y1)))
                if geo.contains(Point(x, y)):
                    break
            else:  # pragma: no cover - the generalised buurten are never that thin
                p = geo.representative_point()
                x, y = round(p.x), round(p.y)
            lon, lat = self.naar_wgs84.transform(x, y)
            uit["lat"], uit["lon"] = f"{lat:.5f}", f"{lon:.5f}"
        return uit


def _maak_bespreking(rng: np.random.Generator, ctx: _Context, peildatum: date) -> tuple[date, list[list]]:
    datum = date(peildatum.year, *BESPREKING_MAAND_DAG)
    if datum > peildatum:
        datum = date(peildatum.year - 1, *BESPREKING_MAAND_DAG)
    # The wijken: per theme in BESPREKING_THEMA_VOLGORDE the wijk where its cause is strongest, then the next.
    gekozen: list[int] = []
    for ronde in range(len(ctx.wijken)):
        for thema in BESPREKING_THEMA_VOLGORDE:
            w = int(np.argsort(-ctx.wijk_factor[thema], kind="stable")[ronde])
            if w not in gekozen and len(gekozen) < BESPREKING_WIJKEN:
                gekozen.append(w)
        if len(gekozen) >= BESPREKING_WIJKEN:
            break
    niet_herkend = list(BESPREKING_NIET_HERKEND)
    rijen = []
    for n, w in enumerate(gekozen):
        wijk = ctx.wijken[w]
        themas = sorted(
            (t for t in BESPREKING_HERKEND if t in OORZAKEN and ctx.wijk_factor[t][w] >= OVERVERTEGENWOORDIGD_VANAF),
            key=lambda t: -ctx.wijk_factor[t][w],
        )[:3]
        if not themas:
            themas = ["psychische_problemen"]
        for k, thema in enumerate(themas):
            verklaring, actie, eigenaar = BESPREKING_HERKEND[thema]
            herkend = "ja" if k == 0 else "deels"
            rijen.append([wijk, datum.isoformat(), thema, herkend, verklaring, actie, eigenaar, _wanneer(rng, datum)])
        thema = niet_herkend[n % len(niet_herkend)]
        verklaring, actie, eigenaar = BESPREKING_NIET_HERKEND[thema]
        rijen.append([wijk, datum.isoformat(), thema, "nee", verklaring, actie, eigenaar, _wanneer(rng, datum)])
    rijen.sort(key=lambda r: r[0])  # by wijk; within a wijk the recognised themes first (stable sort)
    return datum, rijen


def _wanneer(rng: np.random.Generator, datum: date) -> str:
    if rng.random() < 0.5:
        return f"Q4 {datum.year}"
    maand = int(rng.integers(9, 13))
    return date(datum.year, maand, 1).isoformat()


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def _schrijf_csv(
    pad: Path, kop: list[str], rijen: list[list], *, delimiter: str = ",", bom: bool = False, crlf: bool = False
) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(kop)
    w.writerows(rijen)
    pad.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))


def _schrijf_zuid(pad: Path, rijen: list[list], peildatum: date) -> None:
    wb = _werkboek(peildatum, "Synthetische casuïstiek wijkteam zuid")
    ws = wb.create_sheet(ZUID_SHEET)
    ws.append(KOP_ZUID)
    for rij in rijen:
        c = WriteOnlyCell(ws, value=rij[2])
        c.number_format = "DD-MM-YYYY"
        ws.append([rij[0], rij[1], c, rij[3], rij[4]])
    info = wb.create_sheet("Toelichting")
    info.append(["SYNTHETISCHE TESTDATA: verzonnen casussen, geen echte personen (wijkprofiel synth_rodedraden)."])
    buf = io.BytesIO()
    wb.save(buf)
    _zip_vast(buf.getvalue(), pad, datetime(peildatum.year, peildatum.month, peildatum.day))


def _schrijf_manifest(
    pad: Path, gemeente: str, seed: int, casussen: int, peildatum: date, ctx: _Context, cs: _Casussen,
    tags: _Tags, rijen: dict[str, int], bespreking_datum: date,
) -> None:  # fmt: skip
    oorzaken = []
    for thema, kenmerken in OORZAKEN.items():
        for w, wijk in enumerate(ctx.wijken):
            factor = float(ctx.wijk_factor[thema][w])
            if factor < OVERVERTEGENWOORDIGD_VANAF:
                continue
            bijdrage = {
                k: e * np.log(ctx.wijk_kenmerk[k][w] / ctx.gm_kenmerk[k]) for k, e in kenmerken.items()
            }  # the kenmerk that contributes most is named as the cause
            hoofd = max(bijdrage, key=lambda k: bijdrage[k])
            oorzaken.append({
                "wijk": wijk, "wijknaam": ctx.wijknamen[wijk], "thema": thema, "oorzaak": OORZAAK_TEKST[thema],
                "cbs_kenmerk": hoofd, "cbs_definitie": KENMERKEN[hoofd][1],
                "waarde_wijk": round(float(ctx.wijk_kenmerk[hoofd][w]), 1),
                "waarde_gemeente": round(ctx.gm_kenmerk[hoofd], 1), "verwachte_factor": round(factor, 2),
                "kenmerken": {
                    k: {"wijk": round(float(ctx.wijk_kenmerk[k][w]), 1), "gemeente": round(ctx.gm_kenmerk[k], 1),
                        "elasticiteit": e}
                    for k, e in kenmerken.items()
                },
            })  # fmt: skip
    oorzaken.sort(key=lambda o: (o["wijk"], -o["verwachte_factor"]))

    wijk_van_casus = ctx.buurt_wijk[cs.buurt]
    per_wijk_thema, per_wijk = {}, {}
    for w, wijk in enumerate(ctx.wijken):
        sel = wijk_van_casus == w
        per_wijk[wijk] = int(sel.sum())
        per_wijk_thema[wijk] = {t: int(tags.herkend[sel, j].sum()) for j, t in enumerate(THEMAS)}
    n_tags = sum(len(t) for t in tags.per_casus)
    n_zonder = sum(tags.zonder_thema.values())
    manifest = {
        "synthetisch": True,
        "let_op": "SYNTHETISCHE TESTDATA: verzonnen casussen, signalen, enquête, voorzieningen en bespreking; alleen "
        "de themakansen per buurt volgen echte CBS-cijfers (Kerncijfers wijken en buurten 2023, Bron: CBS).",
        "generator": "wijkprofiel.demo.synth_rodedraden.synth_rodedraden",
        "seed": seed,
        "gemeente": gemeente,
        "peildatum": peildatum.isoformat(),
        "casussen_gevraagd": casussen,
        "registratieperiode": [date(peildatum.year - 1, 1, 1).isoformat(), peildatum.isoformat()],
        "bestanden": [
            {"naam": BESTAND_NOORD, "rijen": rijen[BESTAND_NOORD], "vorm": "casuistiek, een rij per casus",
             "encoding": "utf-8-sig", "scheidingsteken": ";", "regeleinde": "CRLF", "koprij": 1,
             "tagscheidingstekens": [s for s, _ in SCHEIDINGSTEKENS],
             "wijken": [w for w in ctx.wijken if w in WIJKTEAM_NOORD]},
            {"naam": BESTAND_ZUID, "rijen": rijen[BESTAND_ZUID], "vorm": "casuistiek, een rij per tag",
             "blad": ZUID_SHEET, "koprij": 1, "wijken": [w for w in ctx.wijken if w not in WIJKTEAM_NOORD]},
            {"naam": BESTAND_SIGNALEN, "rijen": rijen[BESTAND_SIGNALEN], "vorm": "signalen", "encoding": "utf-8",
             "scheidingsteken": ",", "vertrouwelijk_kenmerk": VERTROUWELIJK},
            {"naam": BESTAND_ENQUETE, "rijen": rijen[BESTAND_ENQUETE], "vorm": "enquete", "encoding": "utf-8",
             "scheidingsteken": ","},
            {"naam": BESTAND_KANSEN, "rijen": rijen[BESTAND_KANSEN], "vorm": "kansen", "encoding": "utf-8",
             "scheidingsteken": ",", "themas_scheidingsteken": "|"},
            {"naam": f"synthetisch-bespreking-{bespreking_datum.strftime('%Y-%m')}.csv",
             "rijen": rijen[f"synthetisch-bespreking-{bespreking_datum.strftime('%Y-%m')}.csv"], "vorm": "bespreking",
             "encoding": "utf-8", "scheidingsteken": ",", "datum": bespreking_datum.isoformat()},
        ],  # fmt: skip
        "rij_telling": "rij = data rows under the header",
        "ingebouwde_oorzaken_toelichting": "per wijk the themes whose CBS context gives at least "
        f"{OVERVERTEGENWOORDIGD_VANAF}x the gemeente's rate: kans = basiskans x product of (waarde / gemeente) ** "
        "elasticiteit; cbs_kenmerk is the kenmerk that contributes most",
        "ingebouwde_oorzaken": oorzaken,
        "oorzaken": {
            t: {"basiskans": BASISKANS[t], "oorzaak": OORZAAK_TEKST[t], "elasticiteiten": OORZAKEN[t]} for t in OORZAKEN
        },
        "themas_zonder_oorzaak": {t: BASISKANS[t] for t in THEMAS if t not in OORZAKEN},
        "behoefte": {"toelichting": "casussen per buurt = inwoners x product of (waarde / gemeente) ** e", **BEHOEFTE},
        "kenmerken": {k: {"label": label, "definitie": d, "gemeente": round(ctx.gm_kenmerk[k], 2)}
                      for k, (label, d) in KENMERKEN.items()},  # fmt: skip
        "tag_spellingen": {t: list(SPELLINGEN[t]) for t in THEMAS},
        "tags_totaal": n_tags,
        "tags_zonder_thema": tags.zonder_thema,
        "aandeel_tags_zonder_thema": round(n_zonder / n_tags, 4) if n_tags else 0.0,
        "casussen_per_wijk": per_wijk,
        "casussen_per_wijk_thema_toelichting": "cases per wijk that carry the theme in a spelling of tag_spellingen "
        "(what a correct loader finds; a theme written as a typo in tags_zonder_thema is not counted)",
        "casussen_per_wijk_thema": per_wijk_thema,
    }
    pad.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")

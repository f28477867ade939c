"""What the report offers the bespreektafel: the questions of the method, the roles at the table and the outcome
form. The form prints blank for teams that write by hand, and, filled in in a browser, saves a CSV file in
exactly the layout `wijkprofiel ingest besprekingen` reads (the besprekingen profile); the free text reaches the
database only through that ingest, which masks personal data in it."""

from __future__ import annotations

from dataclasses import dataclass

from wijkprofiel.reference.themes import HERKEND

#: Steps 2 and 3 of "zicht op veelvoorkomende problematiek" (DESIGN §1), as the table asks them.
VRAGEN = [
    ("2.1", "Herkennen", "Herkennen we deze cijfers en rode draden in de praktijk? Wat zien we wel, wat niet, en bij wie?"),
    ("2.2", "Verklaren", "Hoe zijn de cijfers te verklaren? Welke ontwikkelingen spelen mee, en wat valt op?"),
    ("3.1", "Acties", "Welke acties volgen uit de analyse? Wie pakt ze op, en wanneer?"),
    ("3.2", "Toekomst", "Wat betekent dit voor de toekomst van de wijk, en voor hoe het sociaal domein werkt?"),
]

#: The roles around the table, each with what they typically bring.
ROLLEN = [
    ("Wijkteam", "de casuïstiek: wat keert steeds terug"),
    ("Huisarts of POH", "wat de praktijk ziet aan klachten en zorgen"),
    ("Wijkagent", "veiligheid, overlast en zorgmeldingen"),
    ("Woningcorporatie", "huurachterstanden, woonproblemen en buren"),
    ("Wmo-consulent", "aanvragen en beschikkingen voor ondersteuning"),
    ("Jongerenwerker", "wat jongeren bezighoudt en waar ze komen"),
    ("GGZ", "psychische problematiek en wachttijden"),
    ("Klantmanager Werk & Inkomen", "bijstand, schulden en werk"),
    ("Meldpunt zorg & overlast", "meldingen over zorgen om bewoners"),
]


@dataclass(frozen=True)
class Veld:
    naam: str          # the column of the saved file, a field of the besprekingen profile
    label: str
    soort: str         # tekst, datum, keuze, rollen (a tick per role, plus anders) or lang (a few lines to write on)
    verplicht: bool
    hint: str = ""
    keuzes: tuple[str, ...] = ()


#: Asked once per meeting; the saved file repeats them on every row.
KOPVELDEN = [
    Veld("wijkcode", "Wijk", "tekst", True, "wijkcode"),
    Veld("datum", "Datum van de bespreking", "datum", True, "dd-mm-jjjj"),
    Veld("aanwezig", "Aan tafel", "rollen", False, "rollen, geen namen", tuple(rol for rol, _ in ROLLEN)),
]
#: Asked per theme: one block per rode draad of the wijk, and blank blocks for other themes.
THEMAVELDEN = [
    Veld("thema", "Thema", "tekst", True, "een rode draad of ander thema"),
    Veld("herkend", "Herkend", "keuze", True, "kruis één antwoord aan", HERKEND),
    Veld("verklaring", "Verklaring", "lang", False, "hoe verklaart de tafel wat ze ziet?"),
    Veld("actie", "Afgesproken actie", "lang", False),
    Veld("eigenaar", "Wie", "tekst", False, "de rol aan tafel die de actie oppakt"),
    Veld("wanneer", "Wanneer", "tekst", False, "uiterlijk"),
]
#: The columns of the saved file, in this order: one row per theme block that was filled in.
KOLOMMEN = ["wijkcode", "datum", "thema", "herkend", "verklaring", "actie", "eigenaar", "wanneer", "aanwezig"]
#: Theme blocks on the printed form at least (rode draden first, then blank ones); more themes: the button on
#: screen adds a block, on paper copy the page.
FORMULIER_BLOKKEN = 3


def themablokken(rode_draden: list[dict]) -> list[dict]:
    """The form's theme blocks: one per rode draad (its theme filled in), then blank ones up to
    FORMULIER_BLOKKEN, and always at least one blank block for a theme the table raises itself."""
    blokken = [{"thema": r["thema"], "label": r["thema_label"]} for r in rode_draden]
    blanco = max(FORMULIER_BLOKKEN - len(blokken), 1)
    return blokken + [{"thema": "", "label": ""} for _ in range(blanco)]


def bestandsnaam(wijkcode: str, datum: str) -> str:
    """The saved file's name (the page's script builds the same; a test holds the two equal). The date is not at
    the end: the ingest labels a file's source by its name minus a trailing date, and with the date inside the
    label is one per wijk and meeting, so a file saved again for the same meeting replaces the earlier one and
    the next meeting's file adds to it."""
    return f"{wijkcode}-{datum}-bespreking.csv"

"""What the report offers the bespreektafel: the questions of the method, the roles at the table and the
printable outcome form, whose fields are the options of `wijkprofiel bespreking add` so paper goes in 1:1."""

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
    naam: str          # the CLI option without '--'
    label: str
    soort: str         # tekst, datum, keuze or lang (a few lines to write on)
    verplicht: bool
    hint: str = ""
    keuzes: tuple[str, ...] = ()

    @property
    def optie(self) -> str:
        return f"--{self.naam}"


#: The outcome form: one block per theme, each field one option of `wijkprofiel bespreking add`.
FORMULIER = [
    Veld("wijk", "Wijk", "tekst", True, "wijkcode"),
    Veld("datum", "Datum van de bespreking", "datum", True, "dd-mm-jjjj"),
    Veld("thema", "Thema", "tekst", True, "bijvoorbeeld een rode draad uit dit rapport"),
    Veld("herkend", "Herkend", "keuze", True, "kruis één antwoord aan", HERKEND),
    Veld("verklaring", "Verklaring", "lang", False, "hoe verklaart de tafel wat ze ziet?"),
    Veld("actie", "Afgesproken actie", "lang", False),
    Veld("eigenaar", "Eigenaar", "tekst", False, "de rol aan tafel die de actie oppakt"),
    Veld("wanneer", "Wanneer", "tekst", False, "uiterlijk"),
]
#: Blocks on the printed form; more themes: copy the page.
FORMULIER_BLOKKEN = 3

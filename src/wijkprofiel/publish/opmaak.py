"""Dutch formatting for reports: 1.234,5 and 12 maart 2025; '.' for a hidden value, as CBS does."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

MAANDEN = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]
VERBORGEN = "."


def decimalen_voor(eenheid: str | None) -> int:
    """Counts get no decimals; shares, averages and distances get one."""
    return 0 if (eenheid or "aantal") in ("aantal", "code") else 1


def getal(value: float | int | None, decimalen: int = 0) -> str:
    """1234.5 → '1.234,5'; None/NaN → '.' (hidden or unknown, never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return VERBORGEN
    text = f"{value:,.{decimalen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def waarde(value: float | None, eenheid: str | None) -> str:
    text = getal(value, decimalen_voor(eenheid))
    if text == VERBORGEN:
        return text
    if eenheid == "%":
        return f"{text}%"
    return text


def onbreekbaar(text: str) -> str:
    """Keep a number such as "per 1 000 inwoners" on one line: a narrow screen must not break "1" from "000"."""
    return re.sub(r"(?<=\d) (?=\d{3}\b)", "\u00a0", text)


def opsomming(woorden: list) -> str:
    """[2022] → '2022'; ['a', 'b', 'c'] → 'a, b en c'."""
    tekst = [str(w) for w in woorden]
    return tekst[0] if len(tekst) == 1 else ", ".join(tekst[:-1]) + " en " + tekst[-1]


def datum(value: date | datetime | None) -> str:
    """date(2025, 3, 12) → '12 maart 2025'."""
    if value is None:
        return "onbekend"
    return f"{value.day} {MAANDEN[value.month - 1]} {value.year}"


def tijdstip(text: str | None) -> str:
    """Free text such as a bespreking's 'wanneer' as given, but an ISO date in it as '1 oktober 2024'."""
    if not text:
        return ""
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", _iso_datum, str(text))


def _iso_datum(m: re.Match) -> str:
    try:
        return datum(date(int(m[1]), int(m[2]), int(m[3])))
    except ValueError:
        return m[0]  # not a real date: leave it as written

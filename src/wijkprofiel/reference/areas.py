"""CBS area codes: always strings, never integers (Amsterdam has WK0363AA).

gemeente GM + 4, wijk WK + 6, buurt BU + 8 characters. CBS pads codes with spaces and the
koppeltabel gives them as bare numbers (3440111); both are normalised here and nowhere else.
"""

from __future__ import annotations

import re

from wijkprofiel.errors import WijkprofielError

NIVEAU_PER_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_LENGTE = {"GM": 4, "WK": 6, "BU": 8}
#: The gemeente's 4 digits, then the wijk's 2 and the buurt's 2 characters: digits, or capitals (WK0363AA).
_CODE = re.compile(r"^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$")
#: Choosing gemeenten by more than their own codes: every gemeente of the release files, of a province
#: (PV20 Groningen .. PV31 Limburg) or of a GGD-region (GG + 4 digits), as in CBS's "Gebieden in Nederland".
ALLE = "alle"
GEMEENTECODE = re.compile(r"^GM[0-9]{4}$")
PROVINCIECODE = re.compile(r"^PV(2[0-9]|3[01])$")
GGD_REGIOCODE = re.compile(r"^GG[0-9]{4}$")


def normalise_code(value: object) -> str | None:
    """Strip CBS's padding and upper-case the code; None for empty cells."""
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def gemeentecode(value: object) -> str:
    """Accept GM0344, 0344, 344 or 'GM0344    ' and return GM0344."""
    text = normalise_code(value)
    if text is None:
        raise WijkprofielError("a gemeentecode is required, e.g. GM0344")
    digits = text[2:] if text.startswith("GM") else text
    if not digits.isdigit() or len(digits) > 4:
        raise WijkprofielError(f"not a gemeentecode: {value!r} (expected e.g. GM0344)")
    return "GM" + digits.zfill(4)


def gemeente_keuze(value: object) -> str:
    """A gemeentecode (GM0344), a province (PV26) or GGD-region code (GG3003), or 'alle' (every gemeente)."""
    text = normalise_code(value)
    if text is not None and text.lower() == ALLE:
        return ALLE
    if text is not None and is_regiocode(text):
        return text
    if text is not None and text[:2] in ("PV", "GG"):
        raise WijkprofielError(f"not a province (PV20..PV31) or GGD-region code (GG + 4 digits): {value!r}")
    return gemeentecode(value)


def is_regiocode(code: str) -> bool:
    """True for a province or GGD-region code: a choice of gemeenten that CBS's Gebieden in Nederland expands."""
    return bool(PROVINCIECODE.match(code) or GGD_REGIOCODE.match(code))


def niveau(code: str) -> str:
    """Area level from the code prefix; releases without a `recs` column rely on this."""
    try:
        return NIVEAU_PER_PREFIX[code[:2]]
    except KeyError:
        raise WijkprofielError(f"not a CBS area code: {code!r}") from None


def wijk_van(code: str) -> str:
    """The wijk a buurt lies in (its code's first 6 characters after the prefix); SQL: wp_wijk_van."""
    return "WK" + code[2:8]


def gemeente_van(code: str) -> str:
    """The gemeente a wijk or buurt lies in (the first 4 characters after the prefix); SQL: wp_gemeente_van."""
    return "GM" + code[2:6]


def ouder_code(code: str) -> str | None:
    """The enclosing area: buurt → wijk → gemeente → None; SQL: wp_ouder_van."""
    prefix = code[:2]
    if prefix == "BU":
        return wijk_van(code)
    if prefix == "WK":
        return gemeente_van(code)
    return None


def hoort_bij_gemeente(code: str | None, gemeente: str) -> bool:
    """True when the area code lies in the gemeente (GM0344 → GM0344, WK0344xx, BU0344xxxx)."""
    if not code or code[:2] not in NIVEAU_PER_PREFIX:
        return False
    return gemeente_van(code) == gemeente_van(gemeente)


def uit_koppeltabel(value: object, soort: str) -> str | None:
    """A bare koppeltabel number (3440111, 34410, 344) as a full code of `soort` (BU, WK or GM)."""
    text = normalise_code(value)
    if text is None:
        return None
    if text.startswith(soort):
        return text
    return soort + text.zfill(_LENGTE[soort])


def is_geldige_code(code: str | None) -> bool:
    return bool(code) and bool(_CODE.match(code))

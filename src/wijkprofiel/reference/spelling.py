"""The one rule for comparing spellings of headers, values, partners and themes.

"Ingangs datum", "INGANGSDATUM" and "ingangs_datum" are the same header; "Ĳsselstein" and "IJsselstein" the same
name. Python (profiles, the theme taxonomy) and SQL (`wp_sleutel`, registered on every connection by
db.create_sql_functions) both call `sleutel`, so the two can never disagree.
"""

from __future__ import annotations

import re
import unicodedata


def zonder_accenten(tekst: str) -> str:
    """Compatibility-decomposed ASCII: Ĳ → IJ, ﬁ → fi, é → e; what has no ASCII form is dropped."""
    return unicodedata.normalize("NFKD", tekst).encode("ascii", "ignore").decode()


def sleutel(tekst: object) -> str:
    """The comparable form of a spelling: no accents (as zonder_accenten), lower case, only letters and digits.
    None and NULL give ''."""
    if tekst is None:
        return ""
    return re.sub(r"[^a-z0-9]+", "", zonder_accenten(str(tekst)).lower())

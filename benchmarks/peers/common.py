"""What both peers share: the job's definition, so that it is stated once.

The job (issue 12): read the export, keep the records whose required fields and dates are valid, replace the BSN
by its HMAC-SHA256 under the key, place each record in a buurt from the CBS postcode table, and count distinct
clients per buurt × wet × year: a client counts in a year when one of their beschikkingen there is running on the
year's last day (or on the export's peildatum, its latest date, in the year that holds it), as wijkprofiel's
intermediate.beschikkingen_per_periode does for gebied_niveau 'buurt', periode_soort 'jaar', voorziening '*'.

Validation as an analyst would write it: a BSN of 9 digits (a dropped leading zero restored) that passes the
elfproef, a known wet, a productcategorie, a real ingangsdatum, an einddatum that is empty or a real date not
before it, a geboortedatum that is empty or a real date not in the future, a postcode that is empty or 1234AB.
(wijkprofiel also checks the productcategorie against the wet's code list; the synthetic export has only valid
codes, so the counts agree.) Records sent in error (reden wijziging 13) do not count.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
from datetime import date

#: The export's columns (benchmarks/genereer_export.py, a suite4 layout).
KOLOMMEN = ["BSN", "Wet", "Productcategorie", "Ingangsdatum", "Einddatum", "Postcode", "Geboortedatum", "Reden wijziging"]
DATUM = "%d-%m-%Y"
#: Spellings of the wetten, as the default profile knows them (lower case).
WETTEN = {
    spelling: wet
    for wet, spellingen in {
        "wmo": ["wmo", "wmo 2015", "wet maatschappelijke ondersteuning", "maatschappelijke ondersteuning"],
        "jeugdwet": ["jeugdwet", "jeugd", "jw", "jeugdhulp", "jeugdzorg"],
        "participatiewet": ["participatiewet", "pw", "wwb", "bijstand", "werk en inkomen"],
        "schuldhulp": ["schuldhulp", "schuldhulpverlening", "wgs", "wet gemeentelijke schuldhulpverlening"],
        "wlz": ["wlz", "wet langdurige zorg", "langdurige zorg"],
    }.items()
    for spelling in spellingen
}
JAREN = 6  # the last six calendar years up to the peildatum
VANDAAG = date.today()


def elfproef(bsn: str) -> bool:
    """Nine digits, not all zero, 9·d1 + 8·d2 + ... + 2·d8 − d9 divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    return (sum((9 - i) * int(c) for i, c in enumerate(bsn[:8])) - int(bsn[8])) % 11 == 0


def hmac_hex(sleutel: bytes, waarde: str) -> str:
    return hmac.new(sleutel, waarde.encode("utf-8"), hashlib.sha256).hexdigest()


def argumenten() -> tuple[str, str, bytes, str]:
    """CSV, postcode table, key and output file from the command line."""
    if len(sys.argv) != 5:
        raise SystemExit(f"usage: {sys.argv[0]} EXPORT.csv KOPPELTABEL.csv KEY OUT.csv")
    csv, koppeltabel, sleutel, uit = sys.argv[1:]
    return csv, koppeltabel, sleutel.encode("utf-8"), uit

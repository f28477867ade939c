"""SYNTHETIC gemeenten for scale tests: copies of Utrecht's real KWB 2024 release under made-up codes.

The bundled CBS data covers gemeente Utrecht (GM0344) only. A copy with the codes 0344 → 99NN and the names
prefixed 'SYNTHETISCH' stands in for other gemeenten; GM99NN is no real gemeentecode, so no copy can be
mistaken for real figures of another gemeente. Together with Utrecht they form one national-style file, of
which each gemeente's load takes only its own rows (as with CBS's real national release).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import KWB_2024

CODE_KOLOMMEN = ("gwb_code_10", "gwb_code_8", "gwb_code")


def synthetische_release(out: Path, nummers: list[str]) -> Path:
    """A KWB 2024 CSV with Utrecht plus a SYNTHETIC copy for each 4-digit number (e.g. '9901')."""
    echt = pd.read_excel(KWB_2024, dtype=str)
    delen = [echt]
    for nummer in nummers:
        kopie = echt.copy()
        for kolom in CODE_KOLOMMEN:
            kopie[kolom] = kopie[kolom].str.replace("0344", nummer, n=1, regex=False)
        kopie["gm_naam"] = f"SYNTHETISCH {nummer}"
        kopie["regio"] = "SYNTHETISCH " + kopie["regio"]
        delen.append(kopie)
    pad = Path(out) / "kwb-2024-synthetisch-landelijk.csv"
    pd.concat(delen).to_csv(pad, index=False, sep=";")
    return pad

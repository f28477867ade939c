"""Fixture generators for "any release, any gemeente" (issue 13, item 1), made from the bundled real CBS data.

- `latere_release`: Utrecht's real KWB 2024 release with columns dropped as CBS's later (and republished)
  releases drop them: no age columns, no `regio`/`recs`, optionally names per level (`gm_naam`, `wk_naam`,
  `bu_naam`) instead of `regio`. The real later KWB 2023 release with 43 columns is bundled as well
  (data/cbs/kwb-2023-utrecht-later-release-43cols.xlsx); this makes the other shapes CBS files come in.
- `alfanumerieke_gemeente`: a small SYNTHETIC gemeente GM9963 with alphanumeric wijk codes as Amsterdam has
  them (WK9963AA, buurt BU9963AA01): a release CSV, buurt boundaries and a PC6 postcode table, all cut from
  Utrecht's real figures, boundaries and postcodes with the codes renamed. GM9963 is no real gemeentecode, so
  no one can take these for figures of a real gemeente.

Bron: CBS (Kerncijfers wijken en buurten 2024), CBS/Kadaster (PDOK) boundaries, CC-BY 4.0; see data/README.md.
The generated files are SYNTHETIC (renamed, cut) copies and carry that word in their names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from conftest import BUURTEN_2024, DATA, KWB_2024

#: The age columns CBS's later 2023 release (as republished) lacks; a_65_oo feeds the default map indicator.
LEEFTIJDSKOLOMMEN = ["a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"]
KOPPELTABEL = DATA / "cbs" / "pc6-buurt-2023-utrecht-approx.csv"

#: Utrecht's first three wijken become the SYNTHETIC gemeente's wijken with alphanumeric codes.
ALFANUMERIEK_GEMEENTE = "GM9963"
ALFANUMERIEKE_WIJKEN = {"WK034401": "WK9963AA", "WK034402": "WK9963AB", "WK034403": "WK9963BC"}


def latere_release(out: Path, *, zonder: list[str] = LEEFTIJDSKOLOMMEN, namen_per_niveau: bool = False) -> Path:
    """Utrecht's KWB 2024 as a release CSV without `zonder`, `regio`, `recs` and the extra code columns.
    With `namen_per_niveau` the area names move to `wk_naam` and `bu_naam` (beside CBS's `gm_naam`)."""
    frame = pd.read_excel(KWB_2024, dtype=str)
    if namen_per_niveau:
        niveau = frame["gwb_code_10"].str[:2]
        frame["wk_naam"] = frame["regio"].where(niveau == "WK")
        frame["bu_naam"] = frame["regio"].where(niveau == "BU")
    frame = frame.drop(columns=list(zonder) + ["regio", "recs", "gwb_code_8", "gwb_code"])
    pad = Path(out) / f"kwb-2024-utrecht-later-release-{len(frame.columns)}cols.csv"
    frame.to_csv(pad, index=False, sep=";")
    return pad


def _alfanumeriek(code: str) -> str | None:
    """Utrecht code → the SYNTHETIC gemeente's code (None for an area outside its three wijken)."""
    if code.startswith("GM"):
        return ALFANUMERIEK_GEMEENTE
    wijk = ALFANUMERIEKE_WIJKEN.get("WK" + code[2:8])
    if wijk is None:
        return None
    return wijk if code.startswith("WK") else "BU" + wijk[2:] + code[8:]


def alfanumerieke_gemeente(out: Path) -> dict[str, Path]:
    """Release CSV (2024), buurt boundaries (GeoJSON) and postcode table of SYNTHETIC GM9963; paths by kind."""
    out = Path(out)
    frame = pd.read_excel(KWB_2024, dtype=str)
    frame["gwb_code_10"] = frame["gwb_code_10"].map(_alfanumeriek)
    frame = frame[frame["gwb_code_10"].notna()].copy()
    frame["gwb_code"] = frame["gwb_code_10"]
    frame["gwb_code_8"] = frame["gwb_code_10"].str[2:]
    frame["gm_naam"] = "SYNTHETISCH Amstelstad"
    frame["regio"] = "SYNTHETISCH " + frame["regio"]
    frame.loc[frame["gwb_code_10"] == ALFANUMERIEK_GEMEENTE, "regio"] = "SYNTHETISCH Amstelstad"
    release = out / "kwb-2024-SYNTHETISCH-alfanumeriek.csv"
    frame.to_csv(release, index=False, sep=";")

    geo = json.loads(BUURTEN_2024.read_text(encoding="utf-8"))
    features = []
    for f in geo["features"]:
        code = _alfanumeriek(f["properties"]["statcode"])
        if code is not None:
            naam = "SYNTHETISCH " + f["properties"]["statnaam"]
            features.append({**f, "id": code, "properties": {"statcode": code, "statnaam": naam}})
    grenzen = out / "buurten-2024-SYNTHETISCH-alfanumeriek.geojson"
    grenzen.write_text(json.dumps({**geo, "name": "SYNTHETISCH", "features": features}), encoding="utf-8")

    pc6 = pd.read_csv(KOPPELTABEL, sep=";", dtype=str)
    # As CBS writes them: bare codes without prefix (Buurt2023 9963AA11, Wijk2023 9963AA, Gemeente2023 9963).
    buurt = pc6["Buurt2023"].map(lambda c: _alfanumeriek("BU" + c.zfill(8)))
    pc6 = pc6.assign(Buurt2023=buurt.str[2:], Wijk2023=buurt.str[2:8], Gemeente2023=ALFANUMERIEK_GEMEENTE[2:])
    koppeltabel = out / "pc6-buurt-2023-SYNTHETISCH-alfanumeriek.csv"
    pc6[buurt.notna()].to_csv(koppeltabel, index=False, sep=";")
    return {"cbs": release, "grenzen": grenzen, "koppeltabel": koppeltabel}

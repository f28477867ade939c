"""The pandas peer: the job of benchmarks/peers/common.py, written as a competent pandas analyst would.

Usage: python benchmarks/peers/pandas_peer.py EXPORT.csv KOPPELTABEL.csv KEY OUT.csv
Writes buurtcode, wet, jaar, clienten to OUT.csv and prints the seconds it took (after imports).
"""

from __future__ import annotations

import time

import pandas as pd
from common import JAREN, KOLOMMEN, VANDAAG, WETTEN, argumenten, elfproef, hmac_hex


def tel(csv: str, koppeltabel: str, sleutel: bytes) -> pd.DataFrame:
    df = pd.read_csv(csv, sep=";", dtype=str, keep_default_na=False, usecols=KOLOMMEN)

    # BSN: cleaned, checked and pseudonymised once per distinct value (clients return).
    bsn = pd.Series(df["BSN"].unique())
    schoon = bsn.str.replace(r"[\s.]", "", regex=True).str.zfill(9)
    geldig = schoon.map(elfproef)
    client = pd.Series([hmac_hex(sleutel, b) if ok else None for b, ok in zip(schoon, geldig)], index=bsn.values)
    df["client"] = df["BSN"].map(client)

    df["wet"] = df["Wet"].str.strip().str.lower().map(WETTEN)
    ingang = pd.to_datetime(df["Ingangsdatum"].str.strip(), format="%d-%m-%Y", errors="coerce")
    eind = pd.to_datetime(df["Einddatum"].str.strip(), format="%d-%m-%Y", errors="coerce")
    geboren = pd.to_datetime(df["Geboortedatum"].str.strip(), format="%d-%m-%Y", errors="coerce")
    postcode = df["Postcode"].str.replace(r"\s", "", regex=True).str.upper()
    postcode_ok = postcode.str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}")
    vandaag = pd.Timestamp(VANDAAG)
    geldig = (
        df["client"].notna()
        & df["wet"].notna()
        & (df["Productcategorie"].str.strip() != "")
        & ingang.notna()
        & ((df["Einddatum"].str.strip() == "") | (eind.notna() & (eind >= ingang)))
        & ((df["Geboortedatum"].str.strip() == "") | (geboren.notna() & (geboren <= vandaag)))
        & ((postcode == "") | postcode_ok)
    )
    df = df.assign(ingang=ingang, eind=eind, postcode=postcode)[geldig & (df["Reden wijziging"].str.strip().str.zfill(2) != "13")]

    kt = pd.read_csv(koppeltabel, sep=";", dtype=str)
    buurt = pd.Series(("BU" + kt["Buurt2023"].str.strip().str.zfill(8)).values, index=kt["PC6"].str.replace(" ", "").str.upper())
    df["buurtcode"] = df["postcode"].map(buurt)

    # the export's latest date: no einddatum lies before its ingangsdatum here
    peildatum = min(max(df["ingang"].max(), df["eind"].max()), vandaag)
    df = df[(df["ingang"] <= peildatum) & df["buurtcode"].notna()]
    delen = []
    for jaar in range(peildatum.year - JAREN + 1, peildatum.year + 1):
        einde = min(pd.Timestamp(jaar, 12, 31), peildatum)
        lopend = df[(df["ingang"] <= einde) & (df["eind"].isna() | (df["eind"] >= einde))]
        delen.append(lopend.groupby(["buurtcode", "wet"])["client"].nunique().rename("clienten").reset_index().assign(jaar=jaar))
    return pd.concat(delen, ignore_index=True)[["buurtcode", "wet", "jaar", "clienten"]]


if __name__ == "__main__":
    csv, koppeltabel, sleutel, uit = argumenten()
    begin = time.perf_counter()
    tellingen = tel(csv, koppeltabel, sleutel)
    tellingen.to_csv(uit, index=False)
    print(f"{time.perf_counter() - begin:.3f}")

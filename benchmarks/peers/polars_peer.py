"""The polars peer: the job of benchmarks/peers/common.py, written as a competent polars analyst would.

Usage: python benchmarks/peers/polars_peer.py EXPORT.csv KOPPELTABEL.csv KEY OUT.csv
Writes buurtcode, wet, jaar, clienten to OUT.csv and prints the seconds it took (after imports).
"""

from __future__ import annotations

import time
from datetime import date

import polars as pl
from common import DATUM, JAREN, KOLOMMEN, VANDAAG, WETTEN, argumenten, elfproef, hmac_hex


def tel(csv: str, koppeltabel: str, sleutel: bytes) -> pl.DataFrame:
    ruw = pl.scan_csv(csv, separator=";", infer_schema=False).select(KOLOMMEN).with_columns(pl.all().fill_null(""))

    # BSN: cleaned, checked and pseudonymised once per distinct value (clients return).
    bsns = ruw.select(pl.col("BSN").unique()).collect()["BSN"]
    schoon = bsns.str.replace_all(r"[\s.]", "").str.zfill(9)
    clienten = pl.DataFrame(
        {"BSN": bsns, "client": [hmac_hex(sleutel, b) if elfproef(b) else None for b in schoon]},
        schema={"BSN": pl.String, "client": pl.String},
    )

    kt = pl.read_csv(koppeltabel, separator=";", infer_schema=False).select(
        pl.col("PC6").str.replace_all(" ", "").str.to_uppercase().alias("postcode"),
        ("BU" + pl.col("Buurt2023").str.strip_chars().str.zfill(8)).alias("buurtcode"),
    )
    wetten = pl.DataFrame({"wet_ruw": list(WETTEN), "wet": list(WETTEN.values())})

    def datum(kolom: str) -> pl.Expr:
        return pl.col(kolom).str.strip_chars().str.strptime(pl.Date, DATUM, strict=False)

    postcode = pl.col("Postcode").str.replace_all(r"\s", "").str.to_uppercase()
    df = (
        ruw.join(clienten.lazy(), on="BSN", how="left")
        .with_columns(
            wet_ruw=pl.col("Wet").str.strip_chars().str.to_lowercase(),
            ingang=datum("Ingangsdatum"), eind=datum("Einddatum"), geboren=datum("Geboortedatum"), postcode=postcode,
        )
        .join(wetten.lazy(), on="wet_ruw", how="left")
        .filter(
            pl.col("client").is_not_null()
            & pl.col("wet").is_not_null()
            & (pl.col("Productcategorie").str.strip_chars() != "")
            & pl.col("ingang").is_not_null()
            & ((pl.col("Einddatum").str.strip_chars() == "") | (pl.col("eind").is_not_null() & (pl.col("eind") >= pl.col("ingang"))))
            & ((pl.col("Geboortedatum").str.strip_chars() == "") | (pl.col("geboren").is_not_null() & (pl.col("geboren") <= VANDAAG)))
            & ((pl.col("postcode") == "") | pl.col("postcode").str.contains(r"^[1-9][0-9]{3}[A-Z]{2}$"))
            & (pl.col("Reden wijziging").str.strip_chars().str.zfill(2) != "13")
        )
        .join(kt.lazy(), on="postcode", how="left")
        .select("client", "wet", "buurtcode", "ingang", "eind")
        .collect()
    )

    peildatum = min(df.select(pl.max_horizontal("ingang", pl.coalesce("eind", "ingang")).max()).item(), VANDAAG)
    df = df.filter((pl.col("ingang") <= peildatum) & pl.col("buurtcode").is_not_null())
    delen = []
    for jaar in range(peildatum.year - JAREN + 1, peildatum.year + 1):
        einde = min(date(jaar, 12, 31), peildatum)
        delen.append(
            df.lazy()
            .filter((pl.col("ingang") <= einde) & (pl.col("eind").is_null() | (pl.col("eind") >= einde)))
            .group_by("buurtcode", "wet")
            .agg(pl.col("client").n_unique().alias("clienten"))
            .with_columns(jaar=pl.lit(jaar))
        )
    return pl.concat(pl.collect_all(delen)).select("buurtcode", "wet", "jaar", "clienten")


if __name__ == "__main__":
    csv, koppeltabel, sleutel, uit = argumenten()
    begin = time.perf_counter()
    tellingen = tel(csv, koppeltabel, sleutel)
    tellingen.write_csv(uit)
    print(f"{time.perf_counter() - begin:.3f}")

"""Stage `verzamel` for boundaries: PDOK or a local GeoJSON/GeoPackage into raw.cbs_grenzen (WKB, EPSG:28992)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from wijkprofiel.db import connect, init_database
from wijkprofiel.ingest.loads import (
    LoadResult,
    al_geladen,
    previous_load,
    quarantine,
    register_load,
    sha256_file,
    sha256_text,
)
from wijkprofiel.ingest.readers.public import pdok
from wijkprofiel.reference import areas as codes

log = logging.getLogger(__name__)

BRON = "grenzen"
RD_NEW = 28992
GEEN_VLAK = "no polygon geometry (missing, empty, or only lines or points)"


def ingest_grenzen_file(
    db_path: str | Path, path: str | Path, gemeente: str, jaar: int, niveau: str | None = None
) -> LoadResult:
    gemeente = codes.gemeentecode(gemeente)
    earlier = al_geladen(db_path, BRON, path, gemeente, jaar) if niveau is None else None
    if earlier is not None:  # the same check load_grenzen makes, before the file is read (one layer: its own digest)
        return earlier
    frame = pdok.read_grenzen_file(path, niveau=niveau, gemeente=gemeente)
    digest = sha256_file(path)
    if niveau is not None:
        # One layer of a file is its own load: the next layer of the same file is not "already loaded".
        digest = sha256_text(f"{digest}:{niveau}")
    return load_grenzen(db_path, frame, gemeente, jaar, bestand=str(path), sha256=digest, via="bestand")


def ingest_grenzen_online(
    db_path: str | Path, gemeente: str, jaar: int, *, snapshot_dir: Path, offline: bool = False,
    niveaus: tuple[str, ...] = ("buurt", "wijk"),
) -> list[LoadResult]:
    gemeente = codes.gemeentecode(gemeente)
    results = []
    for niveau in niveaus:
        if offline:
            frame = pdok.read_grenzen_snapshot(jaar, gemeente, niveau, snapshot_dir=snapshot_dir)
            via = "snapshot"
        else:
            frame = pdok.fetch_grenzen_pdok(jaar, gemeente, niveau, snapshot_dir=snapshot_dir)
            via = "online"
        digest = sha256_text(frame.to_json())
        results.append(
            load_grenzen(db_path, frame, gemeente, jaar, bestand=f"PDOK wijkenbuurten {jaar} {niveau}", sha256=digest, via=via)
        )
    return results


def load_grenzen(
    db_path: str | Path, frame: gpd.GeoDataFrame, gemeente: str, jaar: int, *, bestand: str, sha256: str, via: str,
    toelichting: str = "", opgehaald_op: datetime | None = None,
) -> LoadResult:
    frame = frame.to_crs(RD_NEW) if frame.crs is not None and frame.crs.to_epsg() != RD_NEW else frame
    zonder_vlak = frame.geometry.isna()
    te_quarantainen = [
        {"rij": int(rij), "kolom": "geometry", "reden": GEEN_VLAK, "waarde_gemaskeerd": code}
        for rij, code in zip(frame.loc[zonder_vlak, "bron_rij"], frame.loc[zonder_vlak, "gebied_code"])
    ]
    frame = frame[~zonder_vlak]
    rows = pd.DataFrame(
        {
            "jaar": jaar,
            "niveau": frame["niveau"].astype(str),
            "gebied_code": frame["gebied_code"].astype(str),
            "gebied_naam": frame["gebied_naam"],
            "geometrie": frame.geometry.to_wkb(),
        }
    )
    con = connect(db_path)
    try:
        init_database(con)
        earlier = previous_load(con, BRON, sha256, gemeente, jaar)
        if earlier is not None:
            return earlier
        con.execute("begin transaction")
        load_id = register_load(
            con, bron=BRON, bestand=bestand, sha256=sha256, via=via, gemeente=gemeente, jaar=jaar,
            tabel_id="/".join(sorted(set(rows["niveau"]))) or None,
            rows_in=len(rows) + len(te_quarantainen), loaded=len(rows), quarantined=len(te_quarantainen),
            toelichting=toelichting, opgehaald_op=opgehaald_op,
        )
        quarantine(con, load_id, bestand, te_quarantainen)
        rows.insert(0, "load_id", load_id)
        con.register("grenzen_rows", rows)
        con.execute("insert into raw.cbs_grenzen by name select * from grenzen_rows")
        con.unregister("grenzen_rows")
        con.execute("commit")
    finally:
        con.close()
    log.info("%s: %d boundaries of %s %d loaded, %d quarantined", bestand, len(rows), gemeente, jaar, len(te_quarantainen))
    return LoadResult(BRON, bestand, len(rows) + len(te_quarantainen), len(rows), len(te_quarantainen), load_id=load_id)

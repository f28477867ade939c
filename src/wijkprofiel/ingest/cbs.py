"""Stage `verzamel` for CBS: a Kerncijfers release (file, OData feed or snapshot) into raw.cbs_kwb.

Only the requested gemeente's rows are loaded, so one national file serves every gemeente. Loading the same
content twice changes nothing; a later release of the same year adds its values beside the earlier ones and
intermediate.cbs_waarden decides which value counts (a known value beats an unknown one, then the latest).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pandas as pd

from wijkprofiel.db import connect, init_database
from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.loads import (
    LoadResult,
    al_geladen,
    previous_load,
    quarantine,
    register_load,
    sha256_file,
    sha256_text,
)
from wijkprofiel.ingest.readers.public import BRON_RIJ, GEBIED_KOLOMMEN, CbsRelease
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file
from wijkprofiel.reference import areas as codes
from wijkprofiel.reference.catalogue import kwb_tabel_id

log = logging.getLogger(__name__)

BRON = "cbs_kwb"


def ingest_cbs_file(db_path: str | Path, path: str | Path, gemeente: str, jaar: int) -> LoadResult:
    """Load one CBS release file (Excel, release CSV or StatLine CSV) for one gemeente."""
    gemeente = codes.gemeentecode(gemeente)
    earlier = al_geladen(db_path, BRON, path, gemeente, jaar)
    if earlier is not None:  # the same check load_release makes, before the file is parsed
        log.info("%s was already loaded (load %s); nothing to do", Path(path).name, earlier.load_id)
        return earlier
    release = read_cbs_file(path, jaar)
    return load_release(db_path, release, gemeente, sha256=sha256_file(path), via="bestand")


def ingest_cbs_online(
    db_path: str | Path, gemeente: str, jaar: int, *, snapshot_dir: Path, offline: bool = False, base_url: str | None = None
) -> LoadResult:
    """Fetch from the CBS OData feed (or with `offline`, read the latest snapshot) and load it."""
    from wijkprofiel.ingest.readers.public import cbs_odata

    gemeente = codes.gemeentecode(gemeente)
    tabel_id = kwb_tabel_id(jaar)
    kwargs = {"snapshot_dir": snapshot_dir}
    if offline:
        release = cbs_odata.read_kwb_snapshot(tabel_id, gemeente, jaar, **kwargs)
        via = "snapshot"
    else:
        if base_url:
            kwargs["base_url"] = base_url
        release = cbs_odata.fetch_kwb_odata(tabel_id, gemeente, jaar, **kwargs)
        via = "online"
    digest = sha256_text(release.rijen.to_csv(index=False))
    return load_release(db_path, release, gemeente, sha256=digest, via=via)


def load_release(db_path: str | Path, release: CbsRelease, gemeente: str, *, sha256: str, via: str,
                 toelichting: str = "", opgehaald_op: datetime | None = None) -> LoadResult:
    """`toelichting` goes first in meta.loads.toelichting (a stale fallback starts it with 'verouderd:')."""
    rijen = release.rijen
    # A national file serves every gemeente: other gemeenten's rows (and NL00) are not this load's input.
    # Records without any area code cannot belong elsewhere, so they are this load's to quarantine.
    in_gemeente = rijen["gebied_code"].map(lambda c: c is None or codes.hoort_bij_gemeente(c, gemeente))
    rows = rijen[in_gemeente]
    if not rows["gebied_code"].notna().any():
        raise SourceError(f"{Path(release.bron).name}: no areas of {gemeente} in this file")
    geldig = rows["gebied_code"].map(codes.is_geldige_code)
    bad = rows[~geldig]
    good = rows[geldig]

    con = connect(db_path)
    try:
        init_database(con)
        earlier = previous_load(con, BRON, sha256, gemeente, release.jaar)
        if earlier is not None:
            log.info("%s was already loaded (load %s); nothing to do", release.bron, earlier.load_id)
            return earlier
        con.execute("begin transaction")
        load_id = register_load(
            con,
            bron=BRON,
            bestand=release.bron,
            sha256=sha256,
            via=via,
            tabel_id=release.tabel_id,
            gemeente=gemeente,
            jaar=release.jaar,
            opgehaald_op=opgehaald_op or _opgehaald_op(release),
            rows_in=len(rows),
            loaded=len(good),
            quarantined=len(bad),
            toelichting="; ".join(t for t in (toelichting, _toelichting(release)) if t),
        )
        quarantine(
            con,
            load_id,
            release.bron,
            [
                {"rij": int(rij), "kolom": "gebied_code",
                 "reden": "empty area code" if code is None else "not a valid CBS area code (GM + 4, WK + 6 or BU + 8 characters)",
                 "waarde_gemaskeerd": code}
                for rij, code in zip(bad[BRON_RIJ], bad["gebied_code"])
            ],
        )
        long = _long_format(good, release, load_id)
        con.register("cbs_release_long", long)
        con.execute("insert into raw.cbs_kwb by name select * from cbs_release_long")
        con.unregister("cbs_release_long")
        con.execute("commit")
    finally:
        con.close()
    log.info("%s: %d areas of %s loaded, %d quarantined", release.bron, len(good), gemeente, len(bad))
    return LoadResult(BRON, release.bron, len(rows), len(good), len(bad), load_id=load_id)


def _long_format(rows: pd.DataFrame, release: CbsRelease, load_id: int) -> pd.DataFrame:
    long = rows.drop(columns=[BRON_RIJ]).melt(id_vars=GEBIED_KOLOMMEN, var_name="indicator", value_name="waarde")
    long.insert(0, "load_id", load_id)
    long.insert(1, "tabel_id", release.tabel_id)
    long.insert(2, "jaar", release.jaar)
    return long.astype({"waarde": "object", "gebied_naam": "object", "ind_wbi": "object"})


def _opgehaald_op(release: CbsRelease) -> datetime | None:
    return getattr(release, "opgehaald_op", None)


def _toelichting(release: CbsRelease) -> str:
    if not release.ontbrekend:
        return ""
    return "columns not in this release: " + ", ".join(release.ontbrekend)

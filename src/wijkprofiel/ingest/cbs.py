"""Stage `verzamel` for CBS: a Kerncijfers release (file, OData feed or snapshot) into raw.cbs_kwb.

Only the requested gemeente's rows are loaded, so one national file serves every gemeente. A run of several
gemeenten reads such a file once (`splits_cbs_bestand`) into one small part per gemeente, which each gemeente's
load then reads instead of the whole file (`ingest_cbs_file(..., deel=...)`). Loading the same
content twice changes nothing; a later release of the same year adds its values beside the earlier ones and
intermediate.cbs_waarden decides which value counts (a known value beats an unknown one, then the latest).
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from wijkprofiel.db import connect, init_database, sql_tekst
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
from wijkprofiel.ingest.readers.public.cbs_files import read_cbs_file, tabel_id_voor
from wijkprofiel.reference import areas as codes
from wijkprofiel.reference.catalogue import cbs_variabelen, kwb_tabel_id

log = logging.getLogger(__name__)

BRON = "cbs_kwb"


#: The folder of the splits, beside the snapshots: public data, but the run's own scratch space.
DELEN_MAP = "cbs-delen"
#: The manifest of a split, written last: a folder without it is an unfinished split and is not used.
MANIFEST = "release.json"
#: The part holding the records without an area code: every gemeente's load quarantines them, as from the file.
ZONDER_CODE = "_zonder_code"
#: The figures CBS adds to a year's Kerncijfers wijken en buurten only in a later release: income and care. The
#: early release has their columns empty ('.') or lacks them (kwb-2023-utrecht.xlsx has 121 columns with these
#: empty, its later release 43 columns with them filled), so a column count cannot tell the two apart, and CBS's
#: metadata does not either: the table keeps its id and TableInfos says OutputStatus 'Regulier' throughout (only
#: the free text lists "Wijzigingen per <maand>"). Whether any record has a value for one of these decides.
LATERE_RELEASE = ("gemiddeld_inkomen_per_inwoner", "personen_laag_inkomen_pct", "huishoudens_laag_inkomen_pct",
                  "wmo_clienten", "jongeren_jeugdzorg")


def ingest_cbs_file(
    db_path: str | Path, path: str | Path, gemeente: str, jaar: int, deel: str | Path | None = None
) -> LoadResult:
    """Load one CBS release file (Excel, release CSV or StatLine CSV) for one gemeente.

    `deel` is the file's split (`splits_cbs_bestand`): the gemeente's part is read instead of the whole file,
    and meta.loads still names the file and its sha256, so the load is the same as one from the file."""
    gemeente = codes.gemeentecode(gemeente)
    earlier = al_geladen(db_path, BRON, path, gemeente, jaar)
    if earlier is not None:  # the same check load_release makes, before the file (or its part) is read
        log.info("%s was already loaded (load %s); nothing to do", Path(path).name, earlier.load_id)
        return earlier
    if deel is None:
        return load_release(db_path, read_cbs_file(path, jaar), gemeente, sha256=sha256_file(path), via="bestand")
    release, sha256 = lees_deel(deel, path, gemeente)
    return load_release(db_path, release, gemeente, sha256=sha256, via="bestand")


def splits_cbs_bestand(path: str | Path, jaar: int, root: str | Path) -> dict:
    """Read a (national or provincial) release file once and write one part per gemeente under `root`.

    The split's folder is named after the file's sha256, year and table, so a rerun on an unchanged file reuses
    it; a folder is renamed into place only when complete. Returns {"pad", "jaar", "map", "sha256", "gemeenten"}
    (the gemeenten with areas in the file)."""
    path = Path(path)
    sha256 = sha256_file(path)
    root = Path(root)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    doel = root / f"{sha256}-{jaar}-{tabel_id_voor(path, jaar)}"
    if not (doel / MANIFEST).is_file():
        begin = time.perf_counter()
        release = read_cbs_file(path, jaar)
        tijdelijk = Path(tempfile.mkdtemp(prefix=".deel-", dir=root))
        try:
            gemeenten = _schrijf_delen(release, tijdelijk)
            manifest = {"sha256": sha256, "jaar": jaar, "tabel_id": release.tabel_id, "ontbrekend": release.ontbrekend,
                        "kolommen": list(release.rijen.columns), "gemeenten": gemeenten}
            (tijdelijk / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            if not (doel / MANIFEST).is_file():
                shutil.rmtree(doel, ignore_errors=True)  # an unfinished split of an earlier run
            tijdelijk.rename(doel)
            log.info("%s read once for %d gemeenten in %.1f s", path.name, len(gemeenten), time.perf_counter() - begin)
        except OSError:
            if not (doel / MANIFEST).is_file():  # not another run that finished the same split first
                raise
        finally:
            shutil.rmtree(tijdelijk, ignore_errors=True)
    else:
        log.info("%s unchanged since its split; the split is reused", path.name)
    manifest = json.loads((doel / MANIFEST).read_text(encoding="utf-8"))
    return {"pad": str(path), "jaar": jaar, "map": str(doel.resolve()), "sha256": sha256, "gemeenten": manifest["gemeenten"]}


def ruim_delen_op(root: str | Path, houden: list[str]) -> None:
    """Remove the splits under `root` other than `houden` (files no longer configured, or changed since), and
    unfinished ones a killed run left (older than a day: a younger one may be another run's, still being written)."""
    root = Path(root)
    if not root.is_dir():
        return
    houden = {Path(m).resolve() for m in houden}
    for map_ in root.iterdir():
        if not map_.is_dir() or map_.resolve() in houden:
            continue
        if not map_.name.startswith(".deel-") or time.time() - map_.stat().st_mtime > 86400:
            shutil.rmtree(map_, ignore_errors=True)


def _schrijf_delen(release: CbsRelease, doel: Path) -> list[str]:
    """One Parquet part per gemeente (its records, as `load_release` would select them from the file) and one for
    the records without a code; values stay text. Returns the gemeenten."""
    rijen = release.rijen
    deel = rijen["gebied_code"].map(_deel_van)
    # Typed as text up front: DuckDB would guess an object column's type from its first rows, and a column
    # empty there (one filled only for later gemeenten) would lose its values.
    frame = rijen.astype({k: "string" for k in rijen.columns if k != BRON_RIJ}).astype({BRON_RIJ: "int64"})
    con = duckdb.connect()
    try:
        con.register("rijen", frame.assign(deel=deel.astype("string")))
        con.execute(
            f"copy (select * from rijen where deel is not null) to '{sql_tekst(doel / 'delen')}' "
            "(format parquet, partition_by (deel))"
        )
    finally:
        con.close()
    return sorted(g for g in deel.dropna().unique() if g != ZONDER_CODE)


def _deel_van(code: str | None) -> str | None:
    """The part a record goes to: the same selection as load_release's (`hoort_bij_gemeente`) for every gemeente
    a run can name (GM + 4 digits); None for a record no gemeente loads (NL00, a province)."""
    if code is None:
        return ZONDER_CODE
    if code[:2] not in codes.NIVEAU_PER_PREFIX:
        return None
    gemeente = codes.gemeente_van(code)
    return gemeente if codes.GEMEENTECODE.match(gemeente) else None


def lees_deel(deel: str | Path, path: str | Path, gemeente: str) -> tuple[CbsRelease, str]:
    """The gemeente's part of a split as the CbsRelease `read_cbs_file` gives, and the sha256 of the file."""
    deel = Path(deel)
    manifest = json.loads((deel / MANIFEST).read_text(encoding="utf-8"))
    bestanden = [str(f) for n in (gemeente, ZONDER_CODE) for f in sorted((deel / "delen" / f"deel={n}").glob("*.parquet"))]
    if bestanden:
        con = duckdb.connect()
        try:
            rijen = con.execute(
                f'select * exclude (deel) from read_parquet(?, hive_partitioning = true) order by "{BRON_RIJ}"', [bestanden]
            ).df()
        finally:
            con.close()
        # Back to what read_cbs_file gives: object columns with None for empty cells.
        rijen = rijen.astype(object).where(rijen.notna(), None)
    else:
        rijen = pd.DataFrame(columns=manifest["kolommen"], dtype=object)  # no areas of this gemeente: load_release says so
    release = CbsRelease(tabel_id=manifest["tabel_id"], jaar=manifest["jaar"], bron=str(path), rijen=rijen,
                         ontbrekend=manifest["ontbrekend"])
    return release, manifest["sha256"]


def is_vroege_release(release: CbsRelease) -> bool:
    """True when no record of the release has a number for any figure of LATERE_RELEASE (file, OData or snapshot)."""
    for kolom in (k for k in LATERE_RELEASE if k in release.rijen.columns):
        waarden = release.rijen[kolom].dropna().astype(str).str.strip().str.replace(",", ".", regex=False)
        if pd.to_numeric(waarden, errors="coerce").notna().any():
            return False
    return True


def vroege_jaren(bestanden: list[tuple[Path, int]], snapshots: list[tuple[Path, str, int]]) -> dict[int, list[str]]:
    """{year: its sources} for each year whose every readable source is an early release.

    `bestanden` are (release file, year); `snapshots` are (snapshot folder, gemeente, year) of the OData feed, of
    which a year without a snapshot yet is left out (nothing to tell before its first fetch). A file that cannot
    be read is left to the run, which names it."""
    from wijkprofiel.ingest.readers.public import cbs_odata

    per_jaar: dict[int, dict[str, bool]] = {}
    for pad, jaar in bestanden:
        try:
            per_jaar.setdefault(jaar, {})[Path(pad).name] = is_vroege_release(read_cbs_file(pad, jaar))
        except SourceError:
            continue
    for folder, gemeente, jaar in snapshots:
        try:
            release = cbs_odata.read_kwb_snapshot(kwb_tabel_id(jaar), gemeente, jaar, snapshot_dir=Path(folder))
        except (SourceError, FileNotFoundError):
            continue
        per_jaar.setdefault(jaar, {})[f"OData {kwb_tabel_id(jaar)} {gemeente}"] = is_vroege_release(release)
    return {jaar: sorted(bronnen) for jaar, bronnen in sorted(per_jaar.items()) if all(bronnen.values())}


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
    # (As bool: an empty object Series would select columns, not rows.)
    in_gemeente = rijen["gebied_code"].map(lambda c: c is None or codes.hoort_bij_gemeente(c, gemeente)).astype(bool)
    rows = rijen[in_gemeente]
    if not rows["gebied_code"].notna().any():
        raise SourceError(f"{Path(release.bron).name}: no areas of {gemeente} in this file")
    redenen = _quarantaine_redenen(rows)
    goed = pd.Series([reden is None for reden in redenen], index=rows.index, dtype=bool)
    bad = rows[~goed]
    good = rows[goed]

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
                {"rij": int(rij), "kolom": "gebied_code", "reden": reden, "waarde_gemaskeerd": code}
                for rij, code, reden in zip(rows[BRON_RIJ], rows["gebied_code"], redenen) if reden is not None
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


#: Values a CBS figure cannot have, per unit: no count is negative or above the population of the Netherlands.
_MOGELIJK = {"aantal": (0, 20_000_000), "%": (0, 100)}


def _quarantaine_redenen(rows: pd.DataFrame) -> list[str | None]:
    """Per record, why it cannot be loaded (None: it can). A second record of an area would silently replace the
    first in every figure, so the first is loaded and a later one quarantined. A value no figure can have (a
    negative count, a percentage above 100) means the record is corrupt, not one wrong number."""
    grenzen = {v.indicator: _MOGELIJK[v.eenheid] for v in cbs_variabelen() if v.eenheid in _MOGELIJK and v.indicator in rows}
    waarden = {ind: rows[ind].tolist() for ind in grenzen}
    eerste: set[str] = set()
    redenen: list[str | None] = []
    for i, code in enumerate(rows["gebied_code"]):
        onmogelijk = [ind for ind, (laag, hoog) in grenzen.items() if not laag <= _getal(waarden[ind][i], laag) <= hoog]
        if code is None:
            redenen.append("empty area code")
        elif not codes.is_geldige_code(code):
            redenen.append("not a valid CBS area code (GM + 4, WK + 6 or BU + 8 characters)")
        elif code in eerste:
            redenen.append("the area occurs in an earlier row of this file; only the first is loaded")
        elif onmogelijk:
            redenen.append(f"impossible value (a negative count, or above 20 million or 100%) in {', '.join(onmogelijk)}")
        else:
            eerste.add(code)
            redenen.append(None)
    return redenen


def _getal(waarde: str | None, anders: float) -> float:
    """A CBS value as a number; `anders` for an empty, secret ('.', 'x') or otherwise non-numeric value."""
    try:
        getal = float(str(waarde).replace(",", "."))
    except ValueError:
        return anders
    return getal if math.isfinite(getal) else anders


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

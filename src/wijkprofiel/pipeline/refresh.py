"""Scheduled refresh of the public sources (CBS OData, PDOK WFS): a cache with an expiry, and a stale fallback.

Cache: our own snapshot store, not Prefect's task cache. Every online fetch already writes its raw
responses to data/snapshots/<bron>/<tabel × gemeente>/<UTC time>/; a complete snapshot younger than the
configured maximum age is simply read back instead of fetched again. That cache survives a new Prefect
server, a new worker and a wiped result store, is what `--offline` reads, can be opened and checked by a data
team, and is keyed on what matters (table × gemeente × year) rather than on every task argument (a Prefect
cache key would change with the database path and would pickle whole frames into the result store).

Fallback: when a fetch fails (after the HTTP client's own retries with exponential backoff), the newest
complete snapshot is loaded instead, recorded in meta.loads with via = 'snapshot' and a toelichting that
starts with 'verouderd:' and gives the reason, so the report can say that the figures may be out of date.
Without any snapshot the failure stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from wijkprofiel.db import connect
from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.loads import LoadResult, sha256_text
from wijkprofiel.ingest.readers.public import cbs_odata, pdok
from wijkprofiel.ingest.readers.public.http import HttpClient, laatste_snapshot
from wijkprofiel.reference.areas import gemeentecode
from wijkprofiel.reference.catalogue import kwb_tabel_id

log = logging.getLogger(__name__)

VEROUDERD = "verouderd:"


@dataclass
class Opgehaald:
    """What a refresh got: the data, how (online | snapshot), when it was fetched, and why."""

    data: object
    via: str
    opgehaald_op: datetime
    toelichting: str
    snapshot: str


def snapshot_tijd(folder: Path) -> datetime:
    """The UTC fetch time in a snapshot folder's name (see sources.http.Snapshot.start)."""
    return datetime.strptime(folder.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=timezone.utc)


def haal_op(
    *,
    snapshot_dir: Path,
    bron: str,
    sleutel: str,
    max_leeftijd: timedelta,
    ophalen: Callable[[], object],
    teruglezen: Callable[[], object],
    nu: datetime | None = None,
) -> Opgehaald:
    """Fresh snapshot → read back; else fetch; a failed fetch → the newest snapshot, marked stale."""
    nu = nu or datetime.now(timezone.utc)
    try:
        folder = laatste_snapshot(snapshot_dir, bron, sleutel)
    except SourceError:
        folder = None
    if folder is not None and nu - snapshot_tijd(folder) < max_leeftijd:
        log.info("%s %s: snapshot of %s is younger than %s; not fetched again", bron, sleutel, folder.name, max_leeftijd)
        # Fetched online within the expiry, so it counts as an online load (a cache hit is not stale).
        return Opgehaald(teruglezen(), "online", _naief(snapshot_tijd(folder)), f"cache: snapshot {folder.name}", folder.name)
    try:
        data = ophalen()
    except SourceError as exc:
        if folder is None:
            raise SourceError(f"{exc}; no earlier snapshot to fall back on") from exc
        log.warning("%s %s: fetch failed (%s); using the snapshot of %s", bron, sleutel, exc, folder.name)
        opgehaald = snapshot_tijd(folder)
        reden = f"{VEROUDERD} ophalen mislukt ({exc}); snapshot van {opgehaald:%Y-%m-%d %H:%M} UTC gebruikt"
        return Opgehaald(teruglezen(), "snapshot", _naief(opgehaald), reden, folder.name)
    nieuw = laatste_snapshot(snapshot_dir, bron, sleutel)
    return Opgehaald(data, "online", _naief(snapshot_tijd(nieuw)), "", nieuw.name)


def cbs_verversen(
    db_path: str | Path, gemeente: str, jaar: int, *, snapshot_dir: Path, max_leeftijd_dagen: float,
    base_url: str | None = None, client: HttpClient | None = None,
) -> LoadResult:
    """The KWB table of `jaar` for one gemeente, from the cache, the OData feed or (stale) the last snapshot."""
    from wijkprofiel.ingest.cbs import BRON, load_release

    gemeente = gemeentecode(gemeente)
    tabel_id = kwb_tabel_id(jaar)
    extra = {"base_url": base_url} if base_url else {}
    got = haal_op(
        snapshot_dir=Path(snapshot_dir), bron=cbs_odata.BRON, sleutel=f"{tabel_id}-{gemeente}",
        max_leeftijd=timedelta(days=max_leeftijd_dagen),
        ophalen=lambda: cbs_odata.fetch_kwb_odata(tabel_id, gemeente, jaar, snapshot_dir=Path(snapshot_dir), client=client, **extra),
        teruglezen=lambda: cbs_odata.read_kwb_snapshot(tabel_id, gemeente, jaar, snapshot_dir=Path(snapshot_dir)),
    )
    inhoud = got.data.rijen.to_csv(index=False)
    digest = _sleutel_voor_load(db_path, BRON, gemeente, jaar, inhoud, got)
    return load_release(db_path, got.data, gemeente, sha256=digest, via=got.via, toelichting=got.toelichting,
                        opgehaald_op=got.opgehaald_op)


def grenzen_verversen(
    db_path: str | Path, gemeente: str, jaar: int, *, snapshot_dir: Path, max_leeftijd_dagen: float,
    niveaus: tuple[str, ...] = ("buurt", "wijk"), base_url: str | None = None, client: HttpClient | None = None,
) -> list[LoadResult]:
    """Buurt and wijk boundaries of `jaar` for one gemeente, from the cache, PDOK or (stale) the last snapshot."""
    from wijkprofiel.ingest.grenzen import BRON, load_grenzen

    gemeente = gemeentecode(gemeente)
    extra = {"base_url": base_url} if base_url else {}
    results = []
    for niveau in niveaus:
        got = haal_op(
            snapshot_dir=Path(snapshot_dir), bron=pdok.SNAPSHOT_BRON, sleutel=f"{jaar}-{gemeente}-{niveau}",
            max_leeftijd=timedelta(days=max_leeftijd_dagen),
            ophalen=lambda: pdok.fetch_grenzen_pdok(jaar, gemeente, niveau, snapshot_dir=Path(snapshot_dir), client=client, **extra),
            teruglezen=lambda: pdok.read_grenzen_snapshot(jaar, gemeente, niveau, snapshot_dir=Path(snapshot_dir)),
        )
        digest = _sleutel_voor_load(db_path, BRON, gemeente, jaar, got.data.to_json(), got, niveau=niveau)
        results.append(load_grenzen(
            db_path, got.data, gemeente, jaar, bestand=f"PDOK wijkenbuurten {jaar} {niveau}", sha256=digest,
            via=got.via, toelichting=got.toelichting, opgehaald_op=got.opgehaald_op,
        ))
    return results


def _sleutel_voor_load(db_path, bron: str, gemeente: str, jaar: int, inhoud: str, got: Opgehaald, niveau: str = "") -> str:
    """The content hash under which this load is recorded (the same content is normally loaded once).

    A stale fallback is its own event: it is hashed with its snapshot, so it is recorded (once per snapshot)
    even when that content was loaded before, and the report sees that the latest load is stale. A fresh
    load after a stale one is hashed with its fetch time for the same reason: it ends the stale state.
    """
    if got.via == "snapshot":
        return sha256_text(f"{VEROUDERD} {got.snapshot}\n{inhoud}")
    if _laatste_via(db_path, bron, gemeente, jaar, niveau) == "snapshot":
        return sha256_text(f"ververst {got.snapshot}\n{inhoud}")
    return sha256_text(inhoud)


def _laatste_via(db_path, bron: str, gemeente: str, jaar: int, niveau: str) -> str | None:
    if not Path(db_path).is_file():
        return None
    con = connect(db_path)
    try:
        if not con.execute("select 1 from duckdb_tables() where schema_name = 'meta' and table_name = 'loads'").fetchone():
            return None
        row = con.execute(
            """select via from meta.loads where bron = ? and gemeente = ? and jaar = ? and loaded > 0
                 and (? = '' or bestand like '% ' || ?) order by load_id desc limit 1""",
            [bron, gemeente, jaar, niveau, niveau],
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _naief(moment: datetime) -> datetime:
    """meta.loads.opgehaald_op is a TIMESTAMP without zone, in UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)

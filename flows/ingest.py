"""Ingest flows, one per kind of source; each loads into one gemeente's database (tasks get paths, not connections).

The gemeente flow (flows/wijkprofiel.py) calls their functions (`ingest_cbs.fn`): there the tasks run straight in
the gemeente's flow run, because a subflow run per source costs Prefect about a second of bookkeeping (its run, its
states, joining its heartbeat thread), for every gemeente of a national run.

No `from __future__ import annotations` in flows/: Prefect builds its parameter models from the annotations,
and on a Dask worker string annotations cannot be resolved.
"""

from prefect import flow

from wijkprofiel.pipeline import tasks
from wijkprofiel.pipeline.plan import BronBestand


@flow(name="ingest_cbs", flow_run_name="ingest_cbs {gemeente}", log_prints=True)
def ingest_cbs(
    db_path: str,
    gemeente: str,
    jaren: list[int] | None = None,
    cbs_bestanden: list[BronBestand] | None = None,
    grenzen_bestanden: list[BronBestand] | None = None,
    snapshot_dir: str = "data/snapshots",
    offline: bool = False,
    max_leeftijd_dagen: float | None = None,
) -> list[dict]:
    """CBS Kerncijfers and boundaries of one gemeente: local release files, and for `jaren` the CBS OData
    feed and PDOK. With `max_leeftijd_dagen` a younger snapshot is reused and a failed fetch falls back to
    the last snapshot (marked stale); without it `offline` chooses between fetching and the snapshot."""
    loads = [tasks.ingest_cbs_bestand(db_path, b.pad, gemeente, b.jaar, b.deel) for b in cbs_bestanden or []]
    loads += [tasks.ingest_grenzen_bestand(db_path, b.pad, gemeente, b.jaar, b.niveau) for b in grenzen_bestanden or []]
    for jaar in jaren or []:
        if max_leeftijd_dagen is None:
            loads.append(tasks.ingest_cbs_online(db_path, gemeente, jaar, snapshot_dir, offline))
            loads += tasks.ingest_grenzen_online(db_path, gemeente, jaar, snapshot_dir, offline)
        else:
            loads.append(tasks.cbs_verversen(db_path, gemeente, jaar, snapshot_dir, max_leeftijd_dagen))
            loads += tasks.grenzen_verversen(db_path, gemeente, jaar, snapshot_dir, max_leeftijd_dagen)
    return loads

@flow(name="ingest_beschikkingen", flow_run_name="ingest_beschikkingen {gemeente}", log_prints=True)
def ingest_beschikkingen(
    db_path: str,
    gemeente: str,
    bestanden: list[str],
    profiel: str = "auto",
    koppeltabel: str | None = None,
    pseudo_key_block: str | None = None,
) -> list[dict]:
    """The gemeente's beschikking exports, validated, pseudonymised and placed in buurten (koppeltabel first)."""
    loads = [tasks.ingest_koppeltabel(db_path, koppeltabel, gemeente)] if koppeltabel else []
    loads += [tasks.ingest_beschikking_bestand(db_path, pad, profiel, gemeente, pseudo_key_block) for pad in bestanden]
    return loads

@flow(name="ingest_casuistiek", flow_run_name="ingest_casuistiek {gemeente}", log_prints=True)
def ingest_casuistiek(
    db_path: str,
    gemeente: str,
    bestanden: list[str],
    profiel: str | None = None,
    taxonomie: str | None = None,
    pseudo_key_block: str | None = None,
) -> list[dict]:
    """Wijkteam casuïstiek; tags through the theme taxonomy, case ids pseudonymised."""
    return [
        tasks.ingest_rodedraden_bestand(db_path, "casuistiek", pad, taxonomie, profiel, pseudo_key_block) for pad in bestanden
    ]

@flow(name="ingest_signalen", flow_run_name="ingest_signalen {gemeente}", log_prints=True)
def ingest_signalen(
    db_path: str,
    gemeente: str,
    bronnen: dict[str, list[str]],
    taxonomie: str | None = None,
) -> list[dict]:
    """Partner signals and the other rode-draden sources (enquete, kansen, besprekingen): {soort: files}."""
    return [
        tasks.ingest_rodedraden_bestand(db_path, soort, pad, taxonomie)
        for soort, paden in bronnen.items()
        for pad in paden
    ]

"""The `wijkprofiel` flow: verzamel (ingest) → analyseer (build) → publiceer (publish)."""

from __future__ import annotations

from prefect import flow
from pydantic import BaseModel

from wijkprofiel import tasks


class BronBestand(BaseModel):
    """A local source file and the year its figures (or boundaries) belong to."""

    pad: str
    jaar: int


@flow(name="wijkprofiel", log_prints=True)
def wijkprofiel(
    gemeenten: list[str],
    db_path: str,
    out_dir: str,
    cbs_bestanden: list[BronBestand] | None = None,
    grenzen_bestanden: list[BronBestand] | None = None,
    online_jaren: list[int] | None = None,
    snapshot_dir: str = "data/snapshots",
    offline: bool = False,
    koppeltabel: str | None = None,
    beschikking_bestanden: list[str] | None = None,
    profiel: str = "auto",
    rodedraden_bestanden: dict[str, list[str]] | None = None,
    taxonomie: str | None = None,
) -> dict:
    """Ingest CBS figures and boundaries for each gemeente, build the marts, publish the wijk reports.

    `online_jaren` fetches those years from CBS and PDOK (with `offline`, from the latest snapshots);
    `cbs_bestanden`/`grenzen_bestanden` load local release files instead or as well. `beschikking_bestanden`
    are the gemeente's exports (read through `profiel`), placed in buurten with the `koppeltabel`.
    `rodedraden_bestanden` maps a source (casuistiek, signalen, enquete, kansen, besprekingen) to its files,
    whose themes go through the default taxonomy extended by `taxonomie`.
    """
    loads = []
    if koppeltabel:
        loads.append(tasks.ingest_koppeltabel(db_path, koppeltabel))
    for pad in beschikking_bestanden or []:
        loads.append(tasks.ingest_beschikking_bestand(db_path, pad, profiel))
    for soort, paden in (rodedraden_bestanden or {}).items():
        for pad in paden:
            loads.append(tasks.ingest_rodedraden_bestand(db_path, soort, pad, taxonomie))
    for gemeente in gemeenten:
        for bestand in cbs_bestanden or []:
            loads.append(tasks.ingest_cbs_bestand(db_path, bestand.pad, gemeente, bestand.jaar))
        for bestand in grenzen_bestanden or []:
            loads.append(tasks.ingest_grenzen_bestand(db_path, bestand.pad, gemeente, bestand.jaar))
        for jaar in online_jaren or []:
            loads.append(tasks.ingest_cbs_online(db_path, gemeente, jaar, snapshot_dir, offline))
            loads.extend(tasks.ingest_grenzen_online(db_path, gemeente, jaar, snapshot_dir, offline))
    tasks.build_marts(db_path)
    published = tasks.publish_reports(db_path, out_dir)
    tasks.summarise_run(loads, published)
    return published

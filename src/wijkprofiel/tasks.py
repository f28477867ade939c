"""Prefect tasks: thin wrappers that give each stage a name, retries and a place in the UI.

Tasks take and return paths and plain values, never DuckDB connections (DuckDB has one writer per file,
and a connection cannot cross a process or thread boundary safely).
"""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact

from . import build, ingest_beschikkingen, ingest_cbs, ingest_grenzen, ingest_rodedraden, koppeltabel
from . import publish as publish_stage
from .loads import LoadResult


@task(name="verzamel CBS-kerncijfers (bestand)", task_run_name="CBS {jaar} uit {pad}")
def ingest_cbs_bestand(db_path: str, pad: str, gemeente: str, jaar: int) -> dict:
    return ingest_cbs.ingest_cbs_file(db_path, pad, gemeente, jaar).as_dict()


@task(
    name="verzamel CBS-kerncijfers (OData)",
    task_run_name="CBS {jaar} {gemeente} online",
    retries=2,
    retry_delay_seconds=[30, 120],
)
def ingest_cbs_online(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, offline: bool = False) -> dict:
    return ingest_cbs.ingest_cbs_online(db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), offline=offline).as_dict()


@task(name="verzamel grenzen (bestand)", task_run_name="grenzen {jaar} uit {pad}")
def ingest_grenzen_bestand(db_path: str, pad: str, gemeente: str, jaar: int) -> dict:
    return ingest_grenzen.ingest_grenzen_file(db_path, pad, gemeente, jaar).as_dict()


@task(
    name="verzamel grenzen (PDOK)",
    task_run_name="grenzen {jaar} {gemeente} online",
    retries=2,
    retry_delay_seconds=[30, 120],
)
def ingest_grenzen_online(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, offline: bool = False) -> list[dict]:
    results = ingest_grenzen.ingest_grenzen_online(db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), offline=offline)
    return [r.as_dict() for r in results]


@task(name="verzamel postcodetabel", task_run_name="koppeltabel {pad}")
def ingest_koppeltabel(db_path: str, pad: str) -> dict:
    return koppeltabel.ingest_koppeltabel(db_path, pad).as_dict()


@task(name="verzamel beschikkingen", task_run_name="beschikkingen uit {pad}")
def ingest_beschikking_bestand(db_path: str, pad: str, profiel: str = "auto") -> dict:
    """One export file; the pseudonymisation key comes from the environment or a Prefect Secret block."""
    return ingest_beschikkingen.ingest_beschikkingen(db_path, pad, profiel=profiel).as_load()


@task(name="verzamel rode-draden-bron", task_run_name="{soort} uit {pad}")
def ingest_rodedraden_bestand(db_path: str, soort: str, pad: str, taxonomie: str | None = None) -> dict:
    """Casuïstiek, signalen, enquête, kansen or besprekingen; case ids are pseudonymised like BSNs."""
    return ingest_rodedraden.ingest_bron(db_path, soort, pad, taxonomie=taxonomie).as_load()


@task(name="analyseer: bouw marts")
def build_marts(db_path: str) -> list[str]:
    return build.build_marts(db_path)


@task(name="publiceer wijkrapporten")
def publish_reports(db_path: str, out_dir: str, indicator: str = publish_stage.STANDAARD_INDICATOR) -> dict:
    result = publish_stage.publish_reports(db_path, out_dir, indicator=indicator)
    return {
        "index": [str(p) for p in result.index],
        "rapporten": {k: str(v) for k, v in result.rapporten.items()},
        "mislukt": result.mislukt,
    }


@task(name="samenvatting van de run")
def summarise_run(loads: list[dict], published: dict) -> str:
    """A Markdown artifact a data team reads in the Prefect UI: every file's rows, and the reports."""
    lines = ["## Geladen bestanden", "", "| bron | bestand | rows_in | loaded | quarantined | duplicate |", "|---|---|---:|---:|---:|---|"]
    for load in loads:
        r = LoadResult(**load)
        lines.append(f"| {r.bron} | {Path(r.bestand).name} | {r.rows_in} | {r.loaded} | {r.quarantined} | {'ja' if r.duplicate else 'nee'} |")
    lines += ["", "## Rapporten", "", f"- gepubliceerd: {len(published['rapporten'])}"]
    if published["mislukt"]:
        lines.append(f"- mislukt: {len(published['mislukt'])}")
        lines += [f"  - {wijk}: {reden}" for wijk, reden in sorted(published["mislukt"].items())]
    lines += [f"- index: {p}" for p in published["index"]]
    markdown = "\n".join(lines)
    create_markdown_artifact(markdown=markdown, key="wijkprofiel-run", description="Rows in/loaded/quarantined and reports")
    return markdown

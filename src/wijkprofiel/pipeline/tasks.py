"""Prefect tasks: thin wrappers that give each stage a name, retries and a place in the UI.

Tasks take and return paths and plain values, never DuckDB connections (DuckDB has one writer per file,
and a connection cannot cross a process or thread boundary safely).
"""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.tasks import exponential_backoff

from wijkprofiel import publish as publish_stage
from wijkprofiel.ingest import (
    beschikkingen as ingest_beschikkingen,
    cbs as ingest_cbs,
    grenzen as ingest_grenzen,
    koppeltabel,
    rodedraden as ingest_rodedraden,
)
from wijkprofiel.ingest.loads import LoadResult
from wijkprofiel.pipeline import national as landelijk, refresh as verversen
from wijkprofiel.pipeline.keys import KeyFromEnvironment
from wijkprofiel.pipeline.summary import run_samenvatting
from wijkprofiel.publish.landelijk import schrijf_landelijke_index
from wijkprofiel.transform import build, fingerprints

#: Prefect retries of an HTTP task once the client's own backoff (1, 2, 4, 8 s) gave up: 30 s, then 60 s.
HTTP_RETRIES = dict(retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=30), retry_jitter_factor=0.2)


@task(name="lees CBS-bestanden eenmaal", task_run_name="CBS-bestanden eenmaal lezen")
def cbs_bestanden_splitsen(bestanden: list[tuple[str, int]], snapshot_dir: str) -> list[dict]:
    """Each release file ([pad, jaar]) read once and split per gemeente before the gemeenten fan out, in the
    private folder `cbs-delen` beside the snapshots; splits of files no longer configured (or changed) go."""
    root = Path(snapshot_dir) / ingest_cbs.DELEN_MAP
    delen = [ingest_cbs.splits_cbs_bestand(pad, jaar, root) for pad, jaar in bestanden]
    ingest_cbs.ruim_delen_op(root, [d["map"] for d in delen])
    return delen


@task(name="verzamel CBS-kerncijfers (bestand)", task_run_name="CBS {jaar} uit {pad}")
def ingest_cbs_bestand(db_path: str, pad: str, gemeente: str, jaar: int, deel: str | None = None) -> dict:
    """One release file, or with `deel` the gemeente's part of its split (meta.loads names the file all the same)."""
    return ingest_cbs.ingest_cbs_file(db_path, pad, gemeente, jaar, deel).as_dict()


@task(
    name="verzamel CBS-kerncijfers (OData)",
    task_run_name="CBS {jaar} {gemeente} online",
    **HTTP_RETRIES,
)
def ingest_cbs_online(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, offline: bool = False) -> dict:
    return ingest_cbs.ingest_cbs_online(db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), offline=offline).as_dict()


@task(name="verzamel grenzen (bestand)", task_run_name="grenzen {jaar} uit {pad}")
def ingest_grenzen_bestand(db_path: str, pad: str, gemeente: str, jaar: int, niveau: str | None = None) -> dict:
    return ingest_grenzen.ingest_grenzen_file(db_path, pad, gemeente, jaar, niveau).as_dict()


@task(
    name="verzamel grenzen (PDOK)",
    task_run_name="grenzen {jaar} {gemeente} online",
    **HTTP_RETRIES,
)
def ingest_grenzen_online(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, offline: bool = False) -> list[dict]:
    results = ingest_grenzen.ingest_grenzen_online(db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), offline=offline)
    return [r.as_dict() for r in results]


@task(name="ververs CBS-kerncijfers (cache of OData)", task_run_name="CBS {jaar} {gemeente} verversen", **HTTP_RETRIES)
def cbs_verversen(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, max_leeftijd_dagen: float) -> dict:
    """A snapshot younger than the maximum age is reused; a failed fetch falls back to the last one (stale)."""
    return verversen.cbs_verversen(
        db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), max_leeftijd_dagen=max_leeftijd_dagen
    ).as_dict()


@task(name="ververs grenzen (cache of PDOK)", task_run_name="grenzen {jaar} {gemeente} verversen", **HTTP_RETRIES)
def grenzen_verversen(db_path: str, gemeente: str, jaar: int, snapshot_dir: str, max_leeftijd_dagen: float) -> list[dict]:
    results = verversen.grenzen_verversen(
        db_path, gemeente, jaar, snapshot_dir=Path(snapshot_dir), max_leeftijd_dagen=max_leeftijd_dagen
    )
    return [r.as_dict() for r in results]


@task(name="verzamel postcodetabel", task_run_name="koppeltabel {pad}")
def ingest_koppeltabel(db_path: str, pad: str, gemeente: str | None = None) -> dict:
    return koppeltabel.ingest_koppeltabel(db_path, pad, gemeente).as_dict()


@task(name="verzamel beschikkingen", task_run_name="beschikkingen uit {pad}")
def ingest_beschikking_bestand(
    db_path: str, pad: str, profiel: str = "auto", gemeente: str | None = None, pseudo_key_block: str | None = None
) -> dict:
    """One export file; the pseudonymisation key comes from the environment or the named Prefect Secret block."""
    return ingest_beschikkingen.ingest_beschikkingen(
        db_path, pad, profiel=profiel, gemeente=gemeente, sleutel=KeyFromEnvironment(pseudo_key_block)
    ).as_load()


@task(name="verzamel rode-draden-bron", task_run_name="{soort} uit {pad}")
def ingest_rodedraden_bestand(
    db_path: str, soort: str, pad: str, taxonomie: str | None = None, profiel: str | None = None,
    pseudo_key_block: str | None = None,
) -> dict:
    """Casuïstiek, signalen, enquête, kansen or besprekingen; case ids are pseudonymised like BSNs."""
    return ingest_rodedraden.ingest_bron(
        db_path, soort, pad, taxonomie=taxonomie, profiel=profiel, sleutel=KeyFromEnvironment(pseudo_key_block)
    ).as_load()


@task(name="analyseer: bouw marts")
def build_marts(db_path: str, herbouwen: bool = False) -> dict:
    """The models whose inputs changed (all with `herbouwen`): {"gebouwd": [...], "overgeslagen": [...]}."""
    bouw = build.build_marts(db_path, force=herbouwen)
    return {"gebouwd": bouw.gebouwd, "overgeslagen": bouw.overgeslagen}


@task(name="publiceer wijkrapporten")
def publish_reports(
    db_path: str, out_dir: str, indicator: str = publish_stage.STANDAARD_INDICATOR, achtergrond: bool = False,
    hergebruik: bool = False,
) -> dict:
    """With `hergebruik` (right after a build) a set made from the same pub models and options is left in place."""
    result = publish_stage.publish_reports(
        db_path, out_dir, indicator=indicator, achtergrond=achtergrond, herkomst=fingerprints.herkomst(db_path),
        hergebruik=hergebruik,
    )
    return {
        "index": [str(p) for p in result.index],
        "rapporten": {k: str(v) for k, v in result.rapporten.items()},
        "mislukt": result.mislukt,
        "kaart_meldingen": result.kaart_meldingen,
        "ongewijzigd": result.ongewijzigd,
    }


@task(name="samenvatting per gemeente", task_run_name="samenvatting {gemeente}")
def summarise_gemeente(db_path: str, gemeente: str, loads: list[dict], published: dict, bouw: dict | None = None) -> str:
    """The Markdown section of one gemeente: files, unmapped tags, stale sources, models rebuilt, reports."""
    return run_samenvatting(db_path, gemeente, [LoadResult(**load) for load in loads], published, bouw)


@task(name="samenvatting van de run")
def summarise_run(secties: list[str], key: str = "wijkprofiel-run") -> str:
    """One Markdown artifact a data team reads in the Prefect UI, with a section per gemeente."""
    markdown = "\n\n".join(secties)
    create_markdown_artifact(markdown=markdown, key=key, description="Rows in/loaded/quarantined, unmapped tags, stale sources, reports")
    return markdown


@task(name="landelijke database", task_run_name="landelijke database uit {aantal} gemeenten")
def landelijke_database(db_paths: dict[str, str], doel: str, aantal: int = 0) -> str:
    """Every gemeente's marts and pub tables in one read-only file, replaced as a whole."""
    return str(landelijk.bouw_landelijk(db_paths, doel))


@task(name="publiceer landelijke voorpagina")
def publish_landelijk(databases: list[str], rapporten: str, achtergrond: bool = False) -> str:
    """index.html above the gemeenten's report folders (`rapporten` holds {gemeente}), from the national
    database or from each gemeente's own."""
    return str(schrijf_landelijke_index(databases, rapporten, achtergrond=achtergrond))

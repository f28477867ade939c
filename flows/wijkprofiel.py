"""The parent `wijkprofiel` flow: per gemeente verzamel (ingest) → analyseer (build) → publiceer (publish).

Gemeenten fan out through the flow's task runner (threads by default; `--runner dask --address tcp://…`
runs them on a Dask cluster through prefect-dask). Each gemeente has its own database file, so gemeenten
never wait for each other's write lock; inside a gemeente the steps run one after the other (one writer).
Publishing runs only after a successful build: a failed build leaves the previous reports in place.
"""

from prefect import flow, task

from flows.ingest import BronBestand, ingest_beschikkingen, ingest_casuistiek, ingest_cbs, ingest_signalen
from flows.marts import build_marts, publish_reports
from wijkprofiel.config import Export, load_config
from wijkprofiel.pipeline import plan as orkestratie, tasks
from wijkprofiel.publish import STANDAARD_INDICATOR

__all__ = ["BronBestand", "wijkprofiel", "wijkprofiel_gemeente", "wijkprofiel_verversen"]

@flow(name="wijkprofiel_gemeente", flow_run_name="wijkprofiel {gemeente}", log_prints=True)
def wijkprofiel_gemeente(
    gemeente: str,
    db_path: str,
    out_dir: str,
    jaren: list[int] | None = None,
    cbs_bestanden: list[BronBestand] | None = None,
    grenzen_bestanden: list[BronBestand] | None = None,
    snapshot_dir: str = "data/snapshots",
    offline: bool = False,
    max_leeftijd_dagen: float | None = None,
    exports: list[Export] | None = None,
    koppeltabel: str | None = None,
    taxonomie: str | None = None,
    pseudo_key_block: str | None = None,
    indicator: str = STANDAARD_INDICATOR,
    achtergrond: bool = False,
) -> dict:
    """One gemeente's chain; returns {"published": ..., "samenvatting": markdown}. Fails after writing its summary."""
    loads = ingest_cbs(db_path, gemeente, jaren, cbs_bestanden, grenzen_bestanden, snapshot_dir, offline, max_leeftijd_dagen)
    per_soort = orkestratie.bestanden_per_soort(exports or [])
    # The postcode table places beschikkingen and cases; it is loaded (first) only where there are exports.
    if per_soort.get("beschikkingen") or (koppeltabel and per_soort):
        profiel = orkestratie.profiel_van(exports or [], "beschikkingen") or "auto"
        loads += ingest_beschikkingen(db_path, gemeente, per_soort.pop("beschikkingen", []), profiel, koppeltabel, pseudo_key_block)
    if per_soort.get("casuistiek"):
        profiel = orkestratie.profiel_van(exports or [], "casuistiek")
        loads += ingest_casuistiek(db_path, gemeente, per_soort.pop("casuistiek"), profiel, taxonomie, pseudo_key_block)
    if per_soort:
        loads += ingest_signalen(db_path, gemeente, per_soort, taxonomie)
    fout = None
    try:
        build_marts(db_path)
        published = publish_reports(db_path, out_dir, indicator, achtergrond)
    except Exception as exc:  # reported in the summary, then the run fails
        fout = exc
        published = {"rapporten": {}, "mislukt": {"*": f"{type(exc).__name__}: {exc}"}, "index": []}
    samenvatting = tasks.summarise_gemeente(db_path, gemeente, loads, published)
    if fout is not None:
        tasks.summarise_run([samenvatting], key=f"wijkprofiel-{gemeente.lower()}")
        raise fout
    return {"published": published, "samenvatting": samenvatting}

@task(name="gemeente bijwerken", task_run_name="gemeente {gemeente}")
def gemeente_bijwerken(gemeente: str, kwargs: dict) -> dict:
    """A task around the gemeente flow, so the parent's task runner (threads or Dask) fans gemeenten out."""
    return wijkprofiel_gemeente(gemeente=gemeente, **kwargs)

@flow(name="wijkprofiel", flow_run_name="wijkprofiel {gemeenten}", log_prints=True)
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
    exports: list[Export] | None = None,
    max_leeftijd_dagen: float | None = None,
    landelijk_db: str | None = None,
    pseudo_key_block: str | None = None,
    indicator: str = STANDAARD_INDICATOR,
    achtergrond: bool = False,
) -> dict:
    """Ingest, build and publish for each gemeente (and each of `online_jaren` from CBS and PDOK).

    `db_path` and `out_dir` may hold `{gemeente}` (required with several gemeenten: one database each).
    `exports` are the gemeente's export locations (as in wijkprofiel.toml); `beschikking_bestanden` and
    `rodedraden_bestanden` ({soort: files}) are a shorthand for one gemeente. `landelijk_db` also writes a
    national read-only database with every gemeente's marts and pub tables. Returns the reports of all
    gemeenten: {"rapporten": {wijk: path}, "mislukt": {wijk: reason}, "index": [paths]}.
    """
    plan = orkestratie.plan(
        gemeenten, db_path, out_dir, exports=exports, beschikking_bestanden=beschikking_bestanden,
        profiel=profiel, rodedraden_bestanden=rodedraden_bestanden,
    )
    gedeeld = dict(
        jaren=online_jaren, cbs_bestanden=cbs_bestanden, grenzen_bestanden=grenzen_bestanden, snapshot_dir=snapshot_dir,
        offline=offline, max_leeftijd_dagen=max_leeftijd_dagen, koppeltabel=koppeltabel, taxonomie=taxonomie,
        pseudo_key_block=pseudo_key_block, indicator=indicator, achtergrond=achtergrond,
    )
    futures = {
        g.gemeente: gemeente_bijwerken.submit(g.gemeente, {**gedeeld, "db_path": g.db_path, "out_dir": g.out_dir, "exports": g.exports})
        for g in plan
    }
    uitkomsten = {gemeente: orkestratie.uitkomst(future) for gemeente, future in futures.items()}
    gelukt = {gm: u for gm, u in uitkomsten.items() if not isinstance(u, BaseException)}
    if landelijk_db and gelukt:
        tasks.landelijke_database({g.gemeente: g.db_path for g in plan if g.gemeente in gelukt}, landelijk_db, len(gelukt))
    tasks.summarise_run(orkestratie.secties(uitkomsten))
    orkestratie.faal_bij_fouten(uitkomsten)
    return orkestratie.samengevoegd(gelukt)

@flow(name="wijkprofiel_verversen", flow_run_name="wijkprofiel verversen ({bronnen})", log_prints=True)
def wijkprofiel_verversen(
    config: str = "wijkprofiel.toml", bronnen: list[str] | None = None, dask_address: str | None = None
) -> dict:
    """The scheduled refresh from wijkprofiel.toml: `cbs` (CBS and PDOK, cached and with a stale fallback)
    and/or `gemeente` (the export locations; default both), then build and publish every gemeente."""
    cfg = load_config(config)
    parent = orkestratie.met_runner(wijkprofiel, dask_address)
    return parent(**orkestratie.parameters_uit_config(cfg, bronnen))

"""The parent `wijkprofiel` flow: per gemeente verzamel (ingest) → analyseer (build) → publiceer (publish).

Gemeenten fan out through the flow's task runner (threads by default; `--runner dask --address tcp://…`
runs them on a Dask cluster through prefect-dask). Each gemeente has its own database file, so gemeenten
never wait for each other's write lock; inside a gemeente the steps run one after the other (one writer).
Publishing runs only after a successful build: a failed build leaves the previous reports in place.
With several gemeenten, each CBS release file is read once and split per gemeente before they fan out.
"""

from prefect import flow, task

from flows.ingest import ingest_beschikkingen, ingest_casuistiek, ingest_cbs, ingest_signalen
from wijkprofiel.config import Export, load_config
from wijkprofiel.db import stel_geheugenlimiet_in
from wijkprofiel.pipeline import plan, tasks
from wijkprofiel.pipeline.meldingen import een_regel_per_fout
from wijkprofiel.pipeline.plan import BronBestand, GemeenteRun
from wijkprofiel.publish import STANDAARD_INDICATOR

__all__ = ["BronBestand", "GemeenteRun", "wijkprofiel", "wijkprofiel_gemeente", "wijkprofiel_verversen"]

@flow(name="wijkprofiel_gemeente", flow_run_name="wijkprofiel {run.gemeente}", log_prints=True)
def wijkprofiel_gemeente(run: GemeenteRun) -> dict:
    """One gemeente's chain; returns {"published": ..., "samenvatting": markdown}. Fails after writing its summary."""
    stel_geheugenlimiet_in(run.memory_limit)  # here: on Dask this runs in the worker that opens the connections
    loads: list[dict] = []
    fout = bouw = None
    try:
        loads += ingest_cbs.fn(
            run.db_path, run.gemeente, run.online_jaren, run.cbs_bestanden, run.grenzen_bestanden, run.snapshot_dir,
            run.offline, run.max_leeftijd_dagen,
        )
        per_soort = plan.bestanden_per_soort(run.exports)
        # The postcode table places beschikkingen and cases; it is loaded (first) only where there are exports.
        if per_soort.get("beschikkingen") or (run.koppeltabel and per_soort):
            profiel = plan.profiel_van(run.exports, "beschikkingen") or "auto"
            loads += ingest_beschikkingen.fn(
                run.db_path, run.gemeente, per_soort.pop("beschikkingen", []), profiel, run.koppeltabel, run.pseudo_key_block
            )
        if per_soort.get("casuistiek"):
            profiel = plan.profiel_van(run.exports, "casuistiek")
            loads += ingest_casuistiek.fn(
                run.db_path, run.gemeente, per_soort.pop("casuistiek"), profiel, run.taxonomie, run.pseudo_key_block
            )
        if per_soort:
            loads += ingest_signalen.fn(run.db_path, run.gemeente, per_soort, run.taxonomie)
        # Ingest (the ingest flows' functions, `.fn`), build and publish run their tasks straight in this flow: a
        # subflow around them would only add Prefect's bookkeeping of another flow run, about a second each.
        bouw = tasks.build_marts(run.db_path, run.herbouwen)
        # Right after the build every pub model's fingerprint is current: an unchanged set may stay in place.
        published = tasks.publish_reports(run.db_path, run.out_dir, run.indicator, run.achtergrond, not run.herbouwen)
    except Exception as exc:  # reported in the summary (ingest, build or publish), then the run fails
        fout = exc
        published = {"rapporten": {}, "mislukt": {"*": f"{type(exc).__name__}: {exc}"}, "index": []}
    samenvatting = tasks.summarise_gemeente(run.db_path, run.gemeente, loads, published, bouw)
    if fout is not None:
        tasks.summarise_run([samenvatting], key=f"wijkprofiel-{run.gemeente.lower()}")
        raise fout
    return {"published": published, "samenvatting": samenvatting}

@task(name="gemeente bijwerken", task_run_name="gemeente {run.gemeente}")
def gemeente_bijwerken(run: GemeenteRun) -> dict:
    """A task around the gemeente flow, so the parent's task runner (threads or Dask) fans gemeenten out."""
    with plan.zonder_eigen_hartslag():
        return wijkprofiel_gemeente(run)

@flow(name="wijkprofiel", flow_run_name="wijkprofiel {gemeenten}", log_prints=True, task_runner=plan.lokale_runner())
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
    gebieden: str | None = None,
    herbouwen: bool = False,
    memory_limit: str | None = None,
) -> dict:
    """Ingest, build and publish for each gemeente (and each of `online_jaren` from CBS and PDOK).

    `gemeenten` may hold "alle" (every gemeente of the release files) and province or GGD-region codes
    (expanded through `gebieden`, CBS's table Gebieden in Nederland as CSV or XLSX).

    `db_path` and `out_dir` may hold `{gemeente}` (required with several gemeenten: one database each).
    `exports` are the gemeente's export locations (as in wijkprofiel.toml); `beschikking_bestanden` and
    `rodedraden_bestanden` ({soort: files}) are a shorthand for one gemeente. `landelijk_db` also writes a
    national read-only database with every gemeente's marts and pub tables. A model whose inputs did not change is
    not rebuilt and an unchanged set of reports stays in place, unless `herbouwen`; `memory_limit` bounds DuckDB
    (db.geheugen_waarde; default a share of the machine's memory). Returns the reports of all
    gemeenten: {"rapporten": {wijk: path}, "mislukt": {wijk: reason}, "index": [paths]}.
    """
    delen = []
    if cbs_bestanden and plan.meerdere(gemeenten):
        delen = tasks.cbs_bestanden_splitsen([(b.pad, b.jaar) for b in cbs_bestanden], snapshot_dir)
    codes = plan.gemeenten_uitvouwen(gemeenten, delen, gebieden, exports)
    runs = plan.maak_plan(
        codes, db_path, out_dir, exports=exports, beschikking_bestanden=beschikking_bestanden, profiel=profiel,
        rodedraden_bestanden=rodedraden_bestanden, cbs_bestanden=cbs_bestanden, grenzen_bestanden=grenzen_bestanden,
        online_jaren=online_jaren, snapshot_dir=snapshot_dir, offline=offline, max_leeftijd_dagen=max_leeftijd_dagen,
        koppeltabel=koppeltabel, taxonomie=taxonomie, pseudo_key_block=pseudo_key_block, indicator=indicator,
        achtergrond=achtergrond, herbouwen=herbouwen, memory_limit=memory_limit,
    )
    runs = plan.met_delen(runs, delen, gemeenten)
    futures = {run.gemeente: gemeente_bijwerken.submit(run) for run in runs}
    uitkomsten = {gemeente: plan.uitkomst(future) for gemeente, future in futures.items()}
    gelukt = {gm: u for gm, u in uitkomsten.items() if not isinstance(u, BaseException)}
    if landelijk_db and gelukt:
        tasks.landelijke_database({r.gemeente: r.db_path for r in runs if r.gemeente in gelukt}, landelijk_db, len(gelukt))
    if len(runs) > 1 and gelukt:  # the national front page, from the national database where there is one
        databases = [landelijk_db] if landelijk_db else [r.db_path for r in runs if r.gemeente in gelukt]
        tasks.publish_landelijk(databases, out_dir, achtergrond)
    tasks.summarise_run(plan.secties(uitkomsten))
    plan.faal_bij_fouten(uitkomsten)
    return plan.samengevoegd(gelukt)

@flow(name="wijkprofiel_verversen", flow_run_name="wijkprofiel verversen ({bronnen})", log_prints=True)
def wijkprofiel_verversen(
    config: str = "wijkprofiel.toml",
    bronnen: list[str] | None = None,
    dask_address: str | None = None,
    debug: bool = False,
    herbouwen: bool = False,
) -> dict:
    """The scheduled refresh from wijkprofiel.toml: `cbs` (CBS and PDOK, cached and with a stale fallback)
    and/or `gemeente` (the export locations; default both), then build and publish every gemeente (everything
    again with `herbouwen`, else only what changed). Without `debug` a failure is logged as one line (the UI's
    run log keeps the traceback)."""
    een_regel_per_fout(debug)
    try:
        cfg = load_config(config)
    except Exception as exc:
        # A served run reads the file anew; its artifact must say it failed, not leave the last run's in view.
        tasks.summarise_run([plan.mislukte_run(exc)])
        raise
    parent = plan.met_runner(wijkprofiel, dask_address)
    with plan.zonder_eigen_hartslag():
        return parent(**plan.parameters_uit_config(cfg, bronnen), herbouwen=herbouwen)

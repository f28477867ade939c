"""The run plan: one typed `GemeenteRun` per gemeente, made in one place (`maak_plan`) from what the CLI, the
demo, a deployment or the configuration asks for; plus the plain helpers behind the flows in flows/ (which
files an export location holds, the task runner, how the per-gemeente outcomes are combined)."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from wijkprofiel.config import ALLE_ZONDER_BESTANDEN, GEMEENTE_BRONNEN, Config, Export, regio_zonder_gebieden
from wijkprofiel.errors import WijkprofielError
from wijkprofiel.ingest.readers.public.gebieden import lees_gebieden
from wijkprofiel.publish import STANDAARD_INDICATOR
from wijkprofiel.reference.areas import ALLE, GEMEENTECODE, gemeente_keuze, gemeentecode, is_regiocode

BRONNEN = ("cbs", "gemeente")
#: Gemeenten side by side in the local thread pool: twice the cores (a gemeente waits on DuckDB, the disk and the
#: Prefect API part of the time), at most 8.
GEMEENTEN_TEGELIJK = min(8, 2 * (os.cpu_count() or 1))


class BronBestand(BaseModel):
    """A local source file and the year its figures (or boundaries) belong to; for boundaries optionally the
    level (the layer of a multi-layer GeoPackage; None: every level the file holds); for a CBS release read once
    for several gemeenten, the folder of its split (`deel`), which the gemeente's load reads instead."""

    pad: str
    jaar: int
    niveau: str | None = None
    deel: str | None = None


class GemeenteRun(BaseModel):
    """Everything one gemeente's run needs: its database and report folder, its sources, how to publish.

    A pydantic model, so Prefect shows it as one parameter of the gemeente flow and checks its types."""

    model_config = ConfigDict(extra="forbid")

    gemeente: str
    db_path: str
    out_dir: str
    #: CBS release files and boundary files on disk
    cbs_bestanden: list[BronBestand] = Field(default_factory=list)
    grenzen_bestanden: list[BronBestand] = Field(default_factory=list)
    #: years fetched from CBS OData and PDOK (each with its snapshot under snapshot_dir)
    online_jaren: list[int] = Field(default_factory=list)
    snapshot_dir: str = "data/snapshots"
    offline: bool = False
    #: with a maximum age, a younger snapshot is reused and a failed fetch falls back to the last one
    max_leeftijd_dagen: float | None = None
    #: the gemeente's own export locations, the postcode table and the theme taxonomy
    exports: list[Export] = Field(default_factory=list)
    koppeltabel: str | None = None
    taxonomie: str | None = None
    #: the Prefect Secret block with the pseudonymisation key (else WIJKPROFIEL_PSEUDO_KEY); never the key itself
    pseudo_key_block: str | None = None
    indicator: str = STANDAARD_INDICATOR
    achtergrond: bool = False
    #: rebuild every model and rewrite the reports, even where nothing they are made from changed
    herbouwen: bool = False
    #: DuckDB's memory_limit for this gemeente's connections (None: a share of the machine's memory)
    memory_limit: str | None = None


def maak_plan(
    gemeenten: list[str],
    db_path: str,
    out_dir: str,
    *,
    exports: list[Export] | None = None,
    beschikking_bestanden: list[str] | None = None,
    profiel: str = "auto",
    rodedraden_bestanden: dict[str, list[str]] | None = None,
    **gedeeld,
) -> list[GemeenteRun]:
    """One run per gemeente; `{gemeente}` in db_path/out_dir is required with more than one gemeente.

    `beschikking_bestanden` and `rodedraden_bestanden` ({soort: files}) are a shorthand for one gemeente's
    exports; `gedeeld` are the GemeenteRun fields every gemeente shares (None means the default)."""
    if not gemeenten:
        raise WijkprofielError("gemeenten: give at least one gemeentecode")
    codes = [gemeentecode(g) for g in gemeenten]
    if len(set(codes)) != len(codes):
        raise WijkprofielError(f"gemeenten: {', '.join(codes)} names a gemeente twice")
    if len(codes) > 1:
        for naam, waarde in (("db_path", db_path), ("out_dir", out_dir)):
            if "{gemeente}" not in waarde:
                raise WijkprofielError(f"{naam}: with several gemeenten it must contain {{gemeente}} (one database each)")
    alle = list(exports or [])
    kort = [("beschikkingen", pad, profiel) for pad in beschikking_bestanden or []]
    kort += [(soort, pad, None) for soort, paden in (rodedraden_bestanden or {}).items() for pad in paden]
    if kort and len(codes) > 1:
        raise WijkprofielError("beschikking_bestanden/rodedraden_bestanden are for one gemeente; use exports for several")
    alle += [Export(gemeente=codes[0], soort=soort, pad=pad, profiel=p) for soort, pad, p in kort]
    gedeeld = {k: v for k, v in gedeeld.items() if v is not None}
    return [
        GemeenteRun(
            gemeente=g, db_path=db_path.replace("{gemeente}", g), out_dir=out_dir.replace("{gemeente}", g),
            exports=[e for e in alle if e.gemeente == g], **gedeeld,
        )
        for g in codes
    ]


def meerdere(gemeenten: list[str]) -> bool:
    """True when the run may cover several gemeenten: then a release file is read once and split."""
    return len(gemeenten) > 1 or any(not GEMEENTECODE.match(gemeente_keuze(g)) for g in gemeenten)


def gemeenten_uitvouwen(
    gemeenten: list[str], delen: list[dict], gebieden: str | None = None, exports: list[Export] | None = None
) -> list[str]:
    """The gemeentecodes a run covers: 'alle' gives every gemeente of the split release files (without files:
    every gemeente of the gebieden table), a province or GGD-region code its gemeenten by CBS's Gebieden in
    Nederland (`gebieden`, a local CSV or XLSX)."""
    keuzes = [gemeente_keuze(g) for g in gemeenten]
    regio = [k for k in keuzes if is_regiocode(k)]
    if regio and not gebieden:
        raise WijkprofielError(regio_zonder_gebieden(regio))
    tabel = lees_gebieden(gebieden) if gebieden and (regio or (ALLE in keuzes and not delen)) else {}
    codes: list[str] = []
    for keuze in keuzes:
        if keuze == ALLE:
            if not delen and not tabel:
                raise WijkprofielError(ALLE_ZONDER_BESTANDEN)
            codes += sorted({g for d in delen for g in d["gemeenten"]} if delen else set().union(*tabel.values()))
        elif keuze in regio:
            if keuze not in tabel:
                raise WijkprofielError(f"gemeenten: {keuze} is not in {gebieden}")
            codes += sorted(tabel[keuze])
        else:
            codes.append(keuze)
    codes = list(dict.fromkeys(codes))
    onbekend = sorted({e.gemeente for e in exports or []} - set(codes))
    if onbekend:
        raise WijkprofielError(f"exports: gemeente {', '.join(onbekend)} is not among the gemeenten of this run")
    return codes


def met_delen(runs: list[GemeenteRun], delen: list[dict], gemeenten: list[str]) -> list[GemeenteRun]:
    """Each run's release files with the folder of their split. A gemeente named by its code gets every file
    (one that lacks it fails its load, as without a split); one chosen through 'alle' or a region only the files
    that hold it (a gemeente formed in a later year has no areas in an earlier release)."""
    if not delen:
        return runs
    genoemd = {gemeente_keuze(g) for g in gemeenten}
    return [
        run.model_copy(update={"cbs_bestanden": [
            BronBestand(pad=d["pad"], jaar=d["jaar"], deel=d["map"])
            for d in delen if run.gemeente in genoemd or run.gemeente in d["gemeenten"]
        ]})
        for run in runs
    ]


def bestanden_per_soort(exports: list[Export]) -> dict[str, list[str]]:
    """{soort: files found now at the export locations}, in the order beschikkingen, casuistiek, signalen, ..."""
    per_soort: dict[str, list[str]] = {}
    for soort in GEMEENTE_BRONNEN:
        for export in exports:
            if export.soort == soort:
                bestanden = export.bestanden()
                if not bestanden:
                    raise WijkprofielError(f"export location {export.pad} ({soort}, {export.gemeente}) holds no files")
                per_soort.setdefault(soort, []).extend(bestanden)
    return per_soort


def profiel_van(exports: list[Export], soort: str) -> str | None:
    """The mapping profile of a kind of export (one per kind and gemeente)."""
    profielen = {e.profiel for e in exports if e.soort == soort and e.profiel}
    if len(profielen) > 1:
        raise WijkprofielError(f"exports: {soort} locations name different profiles ({', '.join(sorted(profielen))})")
    return next(iter(profielen), None)


def uitkomst(future):
    """The task's result, or the exception it failed with (so one gemeente's failure does not hide the rest)."""
    try:
        return future.result()
    except Exception as exc:
        return exc


def secties(uitkomsten: dict) -> list[str]:
    """Markdown: an overview table, then each gemeente's own section."""
    lines = ["# wijkprofiel run", "", "| gemeente | status | rapporten | mislukt |", "|---|---|---:|---:|"]
    delen = []
    for gemeente, u in sorted(uitkomsten.items()):
        if isinstance(u, BaseException):
            reden = " ".join(f"{type(u).__name__}: {u}".split()).replace("|", "\\|")
            lines.append(f"| {gemeente} | mislukt: {reden} | 0 | - |")
        else:
            p = u["published"]
            lines.append(f"| {gemeente} | gelukt | {len(p['rapporten'])} | {len(p['mislukt'])} |")
            delen.append(u["samenvatting"])
    return ["\n".join(lines)] + delen


def mislukte_run(exc: BaseException) -> str:
    """Markdown of a run that failed before any gemeente started (e.g. a configuration changed under `serve`)."""
    reden = " ".join(f"{type(exc).__name__}: {exc}".split())
    return f"# wijkprofiel run\n\nMislukt voordat er een gemeente werd bijgewerkt: {reden}\n\nEr is niets geladen of gepubliceerd."


def faal_bij_fouten(uitkomsten: dict) -> None:
    fouten = {gm: u for gm, u in uitkomsten.items() if isinstance(u, BaseException)}
    if len(fouten) == 1:
        raise next(iter(fouten.values()))
    if fouten:
        raise WijkprofielError(
            f"{len(fouten)} of {len(uitkomsten)} gemeenten failed: " + "; ".join(f"{gm}: {u}" for gm, u in sorted(fouten.items()))
        )


def samengevoegd(gelukt: dict) -> dict:
    """Every gemeente's published reports in one dict (wijkcodes are unique across gemeenten)."""
    uit = {"rapporten": {}, "mislukt": {}, "index": [], "kaart_meldingen": {}}
    for u in gelukt.values():
        p = u["published"]
        uit["rapporten"].update(p["rapporten"])
        uit["mislukt"].update(p["mislukt"])
        uit["kaart_meldingen"].update(p.get("kaart_meldingen", {}))
        uit["index"] += p["index"]
    return uit


def lokale_runner():
    """Prefect's thread pool with a bound. Unbounded (Prefect's default) a national run starts all 342 gemeenten
    at once, and their flow and task runs lock the Prefect server's SQLite database: '503 Service Unavailable',
    324 of 342 gemeenten failed (benchmarks/bench_landelijk.py). PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS, when
    set, still decides."""
    from prefect.settings import get_current_settings
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(
        max_workers=get_current_settings().tasks.runner.thread_pool_max_workers or GEMEENTEN_TEGELIJK
    )


def zonder_eigen_hartslag():
    """Settings for a subflow run without a heartbeat of its own: its parent's flow run keeps beating while it runs.

    Prefect 3.8 ends every flow run by joining its heartbeat thread, which sleeps in steps of one second: about a
    second per subflow run, so per gemeente in a national run (0.9 s of a Dask worker per flow run measured with
    py-spy; `docs/performance.md`, "National scale"). A crashed worker still shows in its parent's run."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def met_runner(flow, dask_address: str | None):
    """The flow as is (its bounded thread pool), or on an existing Dask cluster through prefect-dask."""
    if not dask_address:
        return flow
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:  # pragma: no cover - prefect-dask is a dependency
        raise WijkprofielError("--runner dask needs the prefect-dask package") from exc
    return flow.with_options(task_runner=DaskTaskRunner(address=dask_address))


def parameters_uit_config(cfg: Config, bronnen: list[str] | None) -> dict:
    """The parent flow's parameters for a refresh of `bronnen` (cbs, gemeente; default both)."""
    bronnen = list(bronnen or BRONNEN)
    onbekend = sorted(set(bronnen) - set(BRONNEN))
    if onbekend:
        raise WijkprofielError(f"bronnen: {', '.join(onbekend)} unknown (use {' and/or '.join(BRONNEN)})")
    cbs = "cbs" in bronnen
    gemeente = "gemeente" in bronnen
    return dict(
        gemeenten=cfg.gemeenten,
        gebieden=str(cfg.paden.gebieden) if cfg.paden.gebieden else None,
        db_path=cfg.paden.database,
        out_dir=cfg.paden.rapporten,
        cbs_bestanden=[{"pad": str(b.pad), "jaar": b.jaar} for b in cfg.cbs_bestanden] if cbs else None,
        grenzen_bestanden=[{"pad": str(b.pad), "jaar": b.jaar, "niveau": b.niveau} for b in cfg.grenzen_bestanden]
        if cbs else None,
        online_jaren=cfg.jaren if cbs and cfg.online else None,
        snapshot_dir=str(cfg.paden.snapshots),
        max_leeftijd_dagen=cfg.drempels.snapshot_max_leeftijd_dagen,
        koppeltabel=str(cfg.paden.koppeltabel) if gemeente and cfg.paden.koppeltabel else None,
        taxonomie=str(cfg.paden.taxonomie) if cfg.paden.taxonomie else None,
        exports=cfg.exports if gemeente else None,
        landelijk_db=str(cfg.paden.landelijk) if cfg.paden.landelijk else None,
        pseudo_key_block=cfg.pseudo_key_block,
        indicator=cfg.indicator,
        achtergrond=cfg.achtergrondkaart,
        memory_limit=cfg.memory_limit,
    )

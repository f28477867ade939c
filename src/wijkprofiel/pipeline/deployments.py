"""Deployments and schedules, created by `wijkprofiel serve` (Prefect's Runner: no work pool or worker needed).

- `cbs-maandelijks`: CBS and PDOK refresh on the 2nd of every month (snapshot cache and stale fallback);
- `gemeente-wekelijks`: the gemeente's own exports every Monday morning;
- `handmatig`: everything, without a schedule, for a run from the UI or `prefect deployment run`.

Every run builds and then publishes each gemeente. Publishing follows a successful build inside the same
flow run rather than through an event trigger on a separate deployment: the report is then always made from
the build that just succeeded, a failed build never publishes, the run's one artifact says both, and there
is no second moving part (the events service and an automation) to configure and to watch. Each
deployment runs at most once at a time; a second scheduled run is queued (ENQUEUE) rather than started.
"""

from __future__ import annotations

from pathlib import Path

TIJDZONE = "Europe/Amsterdam"
#: name → (bronnen, cron or None, description)
DEPLOYMENTS = {
    "cbs-maandelijks": (["cbs"], "0 6 2 * *", "Monthly CBS and PDOK refresh, then build and publish every gemeente."),
    "gemeente-wekelijks": (["gemeente"], "0 5 * * 1", "Weekly refresh of the gemeente's exports, then build and publish."),
    "handmatig": (["cbs", "gemeente"], None, "Everything, on demand: CBS, PDOK and exports, build, publish."),
}


def maak_deployments(config: str | Path, dask_address: str | None = None, debug: bool = False) -> list:
    """RunnerDeployments of the refresh flow for `serve`; the config file is checked first (one clear line).
    `debug` (serve --debug) makes the served runs log full tracebacks."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.runner import EntrypointType

    from flows.wijkprofiel import wijkprofiel_verversen
    from wijkprofiel.config import load_config

    config = str(Path(config).resolve())
    load_config(config)
    uit = []
    for naam, (bronnen, cron, beschrijving) in DEPLOYMENTS.items():
        uit.append(
            wijkprofiel_verversen.to_deployment(
                name=naam,
                schedule=CronSchedule(cron=cron, timezone=TIJDZONE) if cron else None,
                parameters={"config": config, "bronnen": bronnen, "dask_address": dask_address, "debug": debug},
                description=beschrijving,
                tags=["wijkprofiel"],
                concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
                # By module, not by file: the flow is found wherever wijkprofiel is installed.
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return uit


def serve_deployments(config: str | Path, dask_address: str | None = None, debug: bool = False) -> None:
    """Register the deployments and run their flow runs in this process until it is stopped."""
    from prefect import serve

    from wijkprofiel.pipeline.meldingen import een_regel_per_fout

    deployments = maak_deployments(config, dask_address, debug)
    een_regel_per_fout(debug)
    serve(*deployments)

"""Build and publish flows for one gemeente's database."""

from prefect import flow

from wijkprofiel.pipeline import tasks
from wijkprofiel.publish import STANDAARD_INDICATOR


@flow(name="build_marts", flow_run_name="build_marts {db_path}", log_prints=True)
def build_marts(db_path: str, herbouwen: bool = False) -> dict:
    """staging → intermediate → marts → pub in one transaction: a failed or killed build leaves the previous state.
    Models whose inputs did not change are skipped, unless `herbouwen`: {"gebouwd": [...], "overgeslagen": [...]}."""
    return tasks.build_marts(db_path, herbouwen)

@flow(name="publish_reports", flow_run_name="publish_reports {out_dir}", log_prints=True)
def publish_reports(
    db_path: str, out_dir: str, indicator: str = STANDAARD_INDICATOR, achtergrond: bool = False, hergebruik: bool = False
) -> dict:
    """One HTML report per wijk and an index, from the pub schema only (`hergebruik`: see tasks.publish_reports)."""
    return tasks.publish_reports(db_path, out_dir, indicator, achtergrond, hergebruik)

"""Against a real local Prefect server (not the test harness): `wijkprofiel serve` registers the deployments,
one is triggered through the API, completes, and its artifact is read back through the client."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import GEMEENTE, KWB_2024, WIJKEN_2024


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wacht(voorwaarde, seconden: float, wat: str, proces: subprocess.Popen | None = None):
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if proces is not None and proces.poll() is not None:
            pytest.fail(f"{wat}: the process stopped with exit code {proces.returncode}")
        try:
            uitkomst = voorwaarde()
            if uitkomst:
                return uitkomst
        except Exception:
            pass
        time.sleep(1)
    pytest.fail(f"{wat}: not within {seconden:g} s")


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free port with its own PREFECT_HOME; yields (api url, env)."""
    poort = _vrije_poort()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{poort}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(poort)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wacht(lambda: httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200, 120,
               "prefect server start", server)
        yield env["PREFECT_API_URL"], env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_served_deployment_runs_by_api_and_its_artifact_is_readable(prefect_server, tmp_path: Path):
    from prefect.artifacts import Artifact
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api_url, env = prefect_server
    config = tmp_path / "wijkprofiel.toml"
    config.write_text(
        f'gemeenten = ["{GEMEENTE}"]\nonline = false\n'
        f'[[cbs_bestanden]]\npad = "{KWB_2024}"\njaar = 2024\n'
        f'[[grenzen_bestanden]]\npad = "{WIJKEN_2024}"\njaar = 2024\n',
        encoding="utf-8",
    )
    serve_log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [sys.executable, "-m", "wijkprofiel", "serve", "--config", str(config)],
        env=env, cwd=tmp_path, stdout=serve_log, stderr=subprocess.STDOUT,
    )
    try:
        with temporary_settings({PREFECT_API_URL: api_url}):
            with get_client(sync_client=True) as client:
                _wacht(lambda: client.read_deployment_by_name("wijkprofiel_verversen/handmatig"), 90,
                       "wijkprofiel serve registers the deployments", serve)
                maandelijks = client.read_deployment_by_name("wijkprofiel_verversen/cbs-maandelijks")
                wekelijks = client.read_deployment_by_name("wijkprofiel_verversen/gemeente-wekelijks")

            flow_run = run_deployment("wijkprofiel_verversen/handmatig", timeout=240, poll_interval=2)
            artifact = Artifact.get("wijkprofiel-run")
        samenvatting = subprocess.run(
            [sys.executable, "-m", "wijkprofiel", "summary"], env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        serve_log.close()

    assert flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
    assert [s.schedule.cron for s in maandelijks.schedules] == ["0 6 2 * *"]
    assert [s.schedule.cron for s in wekelijks.schedules] == ["0 5 * * 1"]
    assert maandelijks.parameters["bronnen"] == ["cbs"] and wekelijks.parameters["bronnen"] == ["gemeente"]
    assert "| GM0344 | gelukt | 10 | 0 |" in artifact.data
    assert "| cbs_kwb | kwb-2024-utrecht.xlsx | bestand | 122 | 122 | 0 | nee |" in artifact.data
    # `wijkprofiel summary` shows the same artifact as tables, not as Markdown source or an escaped dict.
    assert samenvatting.returncode == 0, samenvatting.stderr
    assert re.search(r"GM0344\s+gelukt\s+10\s+0", samenvatting.stdout) and "| GM0344 |" not in samenvatting.stdout
    # Relative paths default to the config file's folder: the database and reports are there.
    assert (tmp_path / "data" / GEMEENTE / "wijkprofiel.duckdb").is_file()
    assert len(list((tmp_path / "out" / "rapporten" / GEMEENTE).glob("WK??????.html"))) == 10

"""`wijkprofiel demo` makes its SYNTHETIC exports in a process of its own while Prefect starts (demo/run.py)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from wijkprofiel.demo import run


def test_the_exports_made_in_the_demos_own_process_are_the_ones_made_here(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(run, "SYNTH_RIJEN", 3000)  # a forked child sees the module as this process has it
    with ProcessPoolExecutor(max_workers=1, mp_context=run._start_methode()) as pool:
        synth, rodedraden = pool.submit(run.maak_synthetische_exports, tmp_path / "ander-proces").result()
    hier, hier_rodedraden = run.maak_synthetische_exports(tmp_path / "hier")

    assert [p.parent for p in synth.bestanden + rodedraden.bestanden] == [tmp_path / "ander-proces"] * 9
    assert synth.rijen_per_bestand == hier.rijen_per_bestand and sum(synth.rijen_per_bestand.values()) > 0
    assert rodedraden.rijen_per_bestand == hier_rodedraden.rijen_per_bestand
    gemaakt = sorted(p.name for p in (tmp_path / "ander-proces").iterdir())
    assert gemaakt == sorted(p.name for p in (tmp_path / "hier").iterdir())
    for naam in gemaakt:  # byte for byte: the demo's results do not depend on where the exports were made
        assert (tmp_path / "ander-proces" / naam).read_bytes() == (tmp_path / "hier" / naam).read_bytes(), naam


def test_prefect_is_not_started_ahead_when_a_server_is_configured(prefect_harness):
    from prefect.server.api.server import SubprocessASGIServer

    voor = dict(SubprocessASGIServer._instances)
    run._start_prefect()  # the harness set PREFECT_API_URL: the flow will use that server, so none is started here
    assert SubprocessASGIServer._instances == voor

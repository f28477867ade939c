"""`wijkprofiel run`, `serve` and `config check`: wrong options and settings are one line, before Prefect starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import run_cli


@pytest.mark.parametrize(
    ("args", "melding"),
    [
        (["run", "--runner", "dask"], "error: --runner dask needs --address tcp://HOST:PORT of the Dask scheduler"),
        (["serve", "--runner", "slurm"], "error: --runner must be local or dask, not 'slurm'"),
        (["run", "--address", "tcp://127.0.0.1:8786"], "error: --address is only for --runner dask"),
        (["run"], "error: wijkprofiel.toml: configuration file not found (copy wijkprofiel.example.toml to start)"),
        (["config", "check", "--config", "fout.toml"], "error: fout.toml: setting jaren: 1850 is not a CBS year"),
    ],
)
def test_orchestration_commands_fail_in_one_line(tmp_path: Path, args, melding):
    (tmp_path / "fout.toml").write_text('gemeenten = ["GM0344"]\njaren = [1850]\n', encoding="utf-8")

    result = run_cli(*args, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip() == melding

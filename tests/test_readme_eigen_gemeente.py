"""The README's "Your own gemeente" steps, followed word for word in a scratch folder, with SYNTHETIC national files
standing in for the three CBS downloads (under the file names the README gives)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from wijkprofiel.demo.synth_landelijk import synth_landelijk

README = Path(__file__).resolve().parents[1] / "README.md"


def _sectie() -> str:
    return README.read_text(encoding="utf-8").split("## Your own gemeente", 1)[1].split("\n## ", 1)[0]


def test_your_own_gemeente_works_offline_as_written(tmp_path: Path):
    sectie = _sectie()
    stappen = re.findall(r"```bash\n(.*?)\n```", sectie, flags=re.S)
    assert len(stappen) == 1, "the section has one shell block to follow"
    gemeente = re.search(r'gemeenten = \["(GM\d{4})"\]', stappen[0]).group(1)

    # The downloads, as the README names them: SYNTHETIC files in CBS's layout (a small country, with GM0363 in it).
    synth = synth_landelijk(tmp_path / "synthetisch", gemeenten=3, jaar=2023)
    cbs = tmp_path / "gemeente" / "cbs"
    cbs.mkdir(parents=True)
    namen = {"kwb-2023.xlsx": synth.kwb, "wijkenbuurten_2023.gpkg": synth.grenzen, "pc6hnr20230801_gwb.csv": synth.postcodes}
    for naam, bestand in namen.items():
        shutil.copy(bestand, cbs / naam)
    assert all(naam in sectie for naam in namen)

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "WIJKPROFIEL_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", stappen[0]], cwd=cbs.parent, env=env, capture_output=True, text=True, timeout=900
    )

    assert result.returncode == 0, result.stderr[-3000:]
    rapporten = cbs.parent / "out" / "rapporten" / gemeente
    assert (rapporten / "index.html").is_file()
    wijken = sorted(p.stem for p in rapporten.glob("WK??????.html"))
    # Amsterdam's wijk codes are alphanumeric (WK0363AA): every wijk of the gemeente got its report.
    assert wijken and all(re.fullmatch(rf"WK{gemeente[2:]}[0-9A-Z]{{2}}", w) for w in wijken)
    assert (cbs.parent / "data" / gemeente / "wijkprofiel.duckdb").is_file()
    assert "reports published, 0 failed" in result.stdout + result.stderr

"""Stage `publiceer`: one self-contained Dutch HTML report per wijk plus an index per gemeente.

Reads only the `pub` schema, through a read-only connection. Writes into a fresh folder and swaps it in
at the end, so a wijkteam never opens half a set; one failing wijk is reported and does not stop the rest.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..db import connect
from .gegevens import PubGegevens, lees_pub
from .rapport import schrijf_index, schrijf_wijkrapport

log = logging.getLogger(__name__)

STANDAARD_INDICATOR = "aandeel_65_plus"


@dataclass
class PublishResult:
    out_dir: Path
    index: list[Path] = field(default_factory=list)
    rapporten: dict[str, Path] = field(default_factory=dict)
    mislukt: dict[str, str] = field(default_factory=dict)


def publish_reports(
    db_path: str | Path, out_dir: str | Path, *, indicator: str = STANDAARD_INDICATOR, jaar: int | None = None
) -> PublishResult:
    out_dir = Path(out_dir)
    con = connect(db_path, read_only=True)
    try:
        gegevens = lees_pub(con, jaar=jaar)
    finally:
        con.close()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; reports are meant to be shared
    result = PublishResult(out_dir=out_dir)
    try:
        for gemeente in gegevens.gemeenten():
            for wijk in gegevens.wijken(gemeente):
                try:
                    path = schrijf_wijkrapport(gegevens, wijk, staging, indicator=indicator)
                    result.rapporten[wijk] = out_dir / path.name
                except Exception as exc:  # one wijk must not stop the others; the run reports it
                    log.error("report for %s failed: %s", wijk, exc)
                    log.debug("%s", traceback.format_exc())
                    result.mislukt[wijk] = str(exc)
            index = schrijf_index(gegevens, gemeente, staging, indicator=indicator, mislukt=result.mislukt)
            result.index.append(out_dir / index.name)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` with two renames, so readers see the old set or the new one."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["PublishResult", "PubGegevens", "publish_reports"]

"""Stage `publiceer`: one self-contained Dutch HTML report per wijk plus an index per gemeente.

Reads only the `pub` schema, through a read-only connection. Writes into a fresh folder and swaps it in
at the end, so a wijkteam never opens half a set; one failing wijk is reported and does not stop the rest.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from wijkprofiel.db import connect
from wijkprofiel.publish.gegevens import PubGegevens, lees_pub
from wijkprofiel.publish.rapport import schrijf_index, schrijf_wijkrapport
from wijkprofiel.reference.catalogue import KAART_VOLGORDE

log = logging.getLogger(__name__)

#: The map's indicator unless configured; a release without it gets the next of KAART_VOLGORDE that it has.
STANDAARD_INDICATOR = KAART_VOLGORDE[0]


@dataclass
class PublishResult:
    out_dir: Path
    index: list[Path] = field(default_factory=list)
    rapporten: dict[str, Path] = field(default_factory=dict)
    mislukt: dict[str, str] = field(default_factory=dict)
    #: gemeente → the Dutch note when its maps show another indicator than asked (missing in the release)
    kaart_meldingen: dict[str, str] = field(default_factory=dict)


def publish_reports(
    db_path: str | Path, out_dir: str | Path, *, indicator: str = STANDAARD_INDICATOR, jaar: int | None = None,
    achtergrond: bool = False,
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
            kaart_indicator, melding = gegevens.kaartindicator(gemeente, indicator)
            if melding:
                log.warning("%s: the maps show %s instead of %s: %s", gemeente, kaart_indicator, indicator, melding)
                result.kaart_meldingen[gemeente] = melding
            for wijk in gegevens.wijken(gemeente):
                try:
                    path = schrijf_wijkrapport(gegevens, wijk, staging, indicator=indicator, achtergrond=achtergrond)
                    result.rapporten[wijk] = out_dir / path.name
                except Exception as exc:  # one wijk must not stop the others; the run reports it
                    log.error("report for %s failed: %s", wijk, exc)
                    log.debug("%s", traceback.format_exc())
                    result.mislukt[wijk] = str(exc)
            index = schrijf_index(
                gegevens, gemeente, staging, indicator=indicator, mislukt=result.mislukt, achtergrond=achtergrond
            )
            result.index.append(out_dir / index.name)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new`. Where the system can exchange two folders in one step (Linux), a reader sees
    the old set or the new one and nothing in between; elsewhere two renames leave a moment without a folder,
    never a half set."""
    if target.exists() and _wissel_mappen(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous set
        return
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _wissel_mappen(a: Path, b: Path) -> bool:
    """Exchange two folders atomically with renameat2(RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl)
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


__all__ = ["PublishResult", "PubGegevens", "publish_reports"]

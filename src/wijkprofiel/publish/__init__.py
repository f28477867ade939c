"""Stage `publiceer`: one self-contained Dutch HTML report per wijk plus an index per gemeente.

Reads only the `pub` schema, through a read-only connection. Writes into a fresh folder and swaps it in
at the end, so a wijkteam never opens half a set; one failing wijk is reported and does not stop the rest.

Given `herkomst`, what the pub models were built from (the pipeline reads it from the build's fingerprints,
transform/fingerprints.py), a set records in its folder (STEMPEL) that, the publish options, the publish code and
Leaflet, with every file's hash. Right after a build, `hergebruik` leaves a set in place whose record matches and
whose files are intact: the reports would come out the same, except for their date.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import wijkprofiel
from wijkprofiel.db import connect
from wijkprofiel.publish.assets import leaflet_css, leaflet_js
from wijkprofiel.publish.gegevens import PubGegevens, lees_pub
from wijkprofiel.publish.rapport import schrijf_index, schrijf_wijkrapport
from wijkprofiel.reference.catalogue import KAART_VOLGORDE

log = logging.getLogger(__name__)

#: The map's indicator unless configured; a release without it gets the next of KAART_VOLGORDE that it has.
STANDAARD_INDICATOR = KAART_VOLGORDE[0]
#: In the report folder: what the set was made from and the hash of each of its files.
STEMPEL = ".wijkprofiel-publicatie.json"


@dataclass
class PublishResult:
    out_dir: Path
    index: list[Path] = field(default_factory=list)
    rapporten: dict[str, Path] = field(default_factory=dict)
    mislukt: dict[str, str] = field(default_factory=dict)
    #: gemeente → the Dutch note when its maps show another indicator than asked (missing in the release)
    kaart_meldingen: dict[str, str] = field(default_factory=dict)
    ongewijzigd: bool = False  # the set in place was made from the same pub models and options, and left as it is


def publish_reports(
    db_path: str | Path, out_dir: str | Path, *, indicator: str = STANDAARD_INDICATOR, jaar: int | None = None,
    achtergrond: bool = False, herkomst: str | None = None, hergebruik: bool = False,
) -> PublishResult:
    """Write the set into `out_dir`. `herkomst` is what the pub models were built from (None: unknown, no record
    is kept); with `hergebruik` (only right after a build, when `herkomst` is current) a set in place made from the
    same pub models and options is left as it is."""
    out_dir = Path(out_dir)
    afdruk = _publicatie_afdruk(herkomst, indicator=indicator, jaar=jaar, achtergrond=achtergrond)
    vorige = _ongewijzigde_set(out_dir, afdruk) if hergebruik else None
    if vorige is not None:
        log.info("%s: the pub models and options are those of the reports in place; left as they are", out_dir)
        return vorige
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
        if afdruk is not None and not result.mislukt:
            _schrijf_stempel(staging, afdruk, result)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _publicatie_afdruk(herkomst: str | None, **opties) -> str | None:
    """A hash of what a set is made from: the pub models (`herkomst`), the options, the publish and reference code,
    Leaflet and wijkprofiel's version. None when `herkomst` is unknown."""
    if herkomst is None:
        return None
    digest = hashlib.sha256(json.dumps([herkomst, opties, wijkprofiel.__version__], default=str).encode("utf-8"))
    pakket = Path(wijkprofiel.__file__).parent
    for kamer in ("publish", "reference"):
        for pad in sorted((pakket / kamer).rglob("*")):
            if pad.is_file() and "__pycache__" not in pad.parts:
                digest.update(str(pad.relative_to(pakket)).encode("utf-8") + b"\x00" + pad.read_bytes())
    digest.update((leaflet_js() + leaflet_css()).encode("utf-8"))
    return digest.hexdigest()


def _bestanden(map_: Path) -> dict[str, str]:
    """Every file of a set (relative path → SHA-256), the record itself left out."""
    return {
        str(pad.relative_to(map_)): hashlib.sha256(pad.read_bytes()).hexdigest()
        for pad in sorted(map_.rglob("*")) if pad.is_file() and pad.name != STEMPEL
    }


def _schrijf_stempel(map_: Path, afdruk: str, result: PublishResult) -> None:
    stempel = {
        "vingerafdruk": afdruk,
        "index": [p.name for p in result.index],
        "rapporten": {wijk: p.name for wijk, p in result.rapporten.items()},
        "bestanden": _bestanden(map_),
    }
    (map_ / STEMPEL).write_text(json.dumps(stempel, indent=1), encoding="utf-8")


def _ongewijzigde_set(out_dir: Path, afdruk: str | None) -> PublishResult | None:
    """The set in `out_dir` when it was made from `afdruk` and every file is as it was written; else None."""
    try:
        stempel = json.loads((out_dir / STEMPEL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if afdruk is None or stempel.get("vingerafdruk") != afdruk or _bestanden(out_dir) != stempel.get("bestanden"):
        return None
    return PublishResult(
        out_dir=out_dir, index=[out_dir / naam for naam in stempel["index"]],
        rapporten={wijk: out_dir / naam for wijk, naam in stempel["rapporten"].items()}, ongewijzigd=True,
    )


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

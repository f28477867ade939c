"""No plaintext copy of an export is left on disk when an ingest is killed.

DuckDB reads only UTF-8 (and UTF-16 LE), so a cp1252 or UTF-16 export is transcoded. That must not go through a
file: a load killed with SIGTERM or kill -9 while it reads such an export would leave a copy with every BSN in
the temporary folder. Each test runs the ingest in a subprocess with its own TMPDIR, kills it while it reads, and
then looks for the export's BSNs in every file under that folder and beside the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLEUTEL = "test-sleutel-geen-kopie-0123456789"
RIJEN = 150_000


def _bsn(i: int) -> str:
    """The i-th elfproef-valid 9-digit number from 100000000 on (deterministic)."""
    n = 10_000_000 + 37 * i
    while True:
        eerste8 = f"{n:08d}"
        controle = sum(int(d) * w for d, w in zip(eerste8, range(9, 1, -1))) % 11
        if controle < 10:
            return eerste8 + str(controle)
        n += 1


BSNS = [_bsn(i) for i in (0, 1, RIJEN // 2, RIJEN - 1)]


def _export(pad: Path, encoding: str, delim: str) -> Path:
    regels = ["BSN{d}Wet{d}Productcategorie{d}Product{d}Ingangsdatum{d}Geboortedatum".format(d=delim)]
    regels += [delim.join([_bsn(i), "Wmo", "02", "Begeleiding – café", "01-01-2024", "15-06-1950"]) for i in range(RIJEN)]
    pad.write_bytes(("\r\n".join(regels) + "\r\n").encode(encoding))
    return pad


def _start(tmp_path: Path, export: Path, tmpdir: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    code = (
        "import sys; from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen; "
        f"ingest_beschikkingen(sys.argv[1], sys.argv[2], sleutel={SLEUTEL!r})"
    )
    return subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "wijkprofiel.duckdb"), str(export)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _leest(proces: subprocess.Popen, export: Path, tmpdir: Path) -> bool:
    """Whether the process is past the sample and reading the whole export: it has the export open, and a file
    with content in its TMPDIR or a pipe it opened itself (fds 0-2 are the test's)."""
    try:
        doelen = [os.readlink(f) for f in Path(f"/proc/{proces.pid}/fd").iterdir() if int(f.name) > 2]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return str(export) in doelen and (any(f.is_file() and f.stat().st_size for f in tmpdir.rglob("*")) or any(d.startswith("pipe:") for d in doelen))


def _dood_tijdens_lezen(tmp_path: Path, export: Path, tmpdir: Path, sig: int) -> None:
    proces = _start(tmp_path, export, tmpdir)
    try:
        deadline = time.monotonic() + 120
        while not _leest(proces, export, tmpdir):
            assert proces.poll() is None, f"the ingest ended before it could be killed: {proces.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the ingest never got to reading the export"
            time.sleep(0.002)
        proces.send_signal(sig)
        proces.wait(timeout=60)
    finally:
        if proces.poll() is None:
            proces.kill()
            proces.wait()
    assert proces.returncode != 0, "the ingest finished before the signal arrived"


def _kopieen(*mappen: Path, behalve: Path) -> list[Path]:
    """Files under `mappen` (other than the export) that hold one of its BSNs, in UTF-8/cp1252 or UTF-16."""
    patronen = [b.encode("ascii") for b in BSNS] + [b.encode("utf-16-le") for b in BSNS]
    gevonden = []
    for map_ in mappen:
        for pad in map_.rglob("*"):
            if pad.is_file() and pad != behalve:
                inhoud = pad.read_bytes()
                if any(p in inhoud for p in patronen):
                    gevonden.append(pad)
    return gevonden


@pytest.mark.parametrize("encoding, delim", [("cp1252", ";"), ("utf-16", "\t")])
def test_sigterm_tijdens_lezen_laat_geen_kopie_achter(tmp_path, encoding, delim):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    export = _export(tmp_path / f"export-{encoding}.csv", encoding, delim)
    _dood_tijdens_lezen(tmp_path, export, tmpdir, signal.SIGTERM)
    assert _kopieen(tmpdir, tmp_path, behalve=export) == []
    assert list(tmpdir.iterdir()) == []


def test_kill_9_tijdens_lezen_en_een_nieuwe_run_laten_geen_kopie_achter(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    export = _export(tmp_path / "export.csv", "cp1252", ";")
    _dood_tijdens_lezen(tmp_path, export, tmpdir, signal.SIGKILL)
    opnieuw = _start(tmp_path, export, tmpdir)
    _, fout = opnieuw.communicate(timeout=600)
    assert opnieuw.returncode == 0, fout.decode()
    assert _kopieen(tmpdir, tmp_path, behalve=export) == []
    assert list(tmpdir.iterdir()) == []


def test_without_dev_fd_a_cp1252_export_loads_through_a_private_folder_that_is_removed(tmp_path, monkeypatch):
    """Windows has no /dev/fd: the transcoded copy lives in a temporary folder only this user reads, removed when
    the scan ends (a kill can leave it there; on Linux and macOS the pipe leaves nothing)."""
    import tempfile

    from wijkprofiel.ingest.beschikkingen import ingest_beschikkingen
    from wijkprofiel.ingest.readers.private import export as lezer

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setattr(lezer, "_DEV_FD", tmp_path / "geen-dev-fd")
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    bestand = tmp_path / "export.csv"
    bestand.write_bytes(
        "BSN;Wet;Productcategorie;Product;Ingangsdatum;Geboortedatum\r\n"
        f"{BSNS[0]};Wmo;02;Begeleiding – café;01-01-2024;15-06-1950\r\n".encode("cp1252")
    )
    resultaat = ingest_beschikkingen(tmp_path / "wijkprofiel.duckdb", bestand, sleutel=SLEUTEL)
    assert (resultaat.rows_in, resultaat.loaded) == (1, 1)
    assert list(tmpdir.iterdir()) == []

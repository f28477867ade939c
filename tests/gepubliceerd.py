"""Read a published file the way a privacy scan must: the text inside, also when the file is an XLSX (a zip)."""

from __future__ import annotations

import zipfile
from pathlib import Path


def gepubliceerde_tekst(pad: Path) -> str:
    """HTML and CSV as text; an XLSX as the XML of its parts, so a scan sees every cell and not compressed bytes."""
    if pad.suffix == ".xlsx":
        with zipfile.ZipFile(pad) as z:
            return "\n".join(z.read(naam).decode("utf-8") for naam in z.namelist() if naam.endswith(".xml"))
    return pad.read_bytes().decode("utf-8-sig")

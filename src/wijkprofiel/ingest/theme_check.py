"""`wijkprofiel themes check FILE`: the tags of a file, read the way the loader reads them."""

from __future__ import annotations

from pathlib import Path

from wijkprofiel.ingest.profiles import laad_profiel
from wijkprofiel.ingest.readers.private.export import lees_invoer, prive_verbinding
from wijkprofiel.reference.themes import split_tags


def tags_uit_bestand(pad: str | Path, profiel: str = "casuistiek") -> list[str]:
    """Every tag in the file's theme column, one entry per tag per record."""
    prof = laad_profiel(profiel)
    veld = "themas" if "themas" in prof.kolommen else "thema"
    mem = prive_verbinding()
    try:
        lees_invoer(mem, pad, prof, [veld])
        cellen = [c for (c,) in mem.execute(f"select {veld} from invoer").fetchall()]
    finally:
        mem.close()
    return [tag for cel in cellen for tag in split_tags(cel)]

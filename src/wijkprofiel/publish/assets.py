"""Leaflet inlined into each report, so a report opens on a laptop without internet.

Leaflet comes from the installed `django-js-lib-leaflet` package (plain package data); it is read at publish
time and never committed to this repository. The control icons are inlined as data URIs.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources

_PACKAGE = "js_lib_leaflet"
_FOLDER = "static/js_lib_leaflet"


def _bestand(naam: str) -> bytes:
    return resources.files(_PACKAGE).joinpath(f"{_FOLDER}/{naam}").read_bytes()


@cache
def leaflet_js() -> str:
    # A sourceMappingURL comment would make the browser ask for a file that is not there.
    text = _bestand("leaflet.js").decode("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL"))


@cache
def leaflet_css() -> str:
    css = _bestand("leaflet.css").decode("utf-8")
    for image in ("layers-2x.png", "layers.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        data = base64.b64encode(_bestand(f"images/{image}")).decode("ascii")
        css = css.replace(f"images/{image}", f"data:image/png;base64,{data}")
    return css

"""Area boundaries (buurten, wijken, gemeenten) from a file or from PDOK's WFS.

Every function here returns the same frame: `gebied_code`, `gebied_naam`, `niveau`, `geometry`, in
EPSG:28992 (RD New). RD New is what CBS and PDOK publish in, it is metric (areas and buffers in m and m²
without a projection step) and it keeps Dutch boundaries exact; web maps reproject to WGS84 at render
time, never in storage. Sources in another CRS are reprojected on read.

Why the WFS and not PDOK's OGC API Features: the WFS at
service.pdok.nl/cbs/wijkenbuurten/<jaar>/wfs/v1_0 has one stable URL pattern per release year, serves
RD New directly (srsName=EPSG:28992, x/y axis order, so no lat/lon swap as with EPSG:4326 in WFS 2.0),
and can filter on `gemeentecode` server side, so one gemeente is a few hundred features instead of the
whole country. The OGC API endpoints have been renamed between years (the 2024 page points at the 2025
API), which makes them a poor key for a year-pinned fetch.

Paging: the service returns at most 1000 features per request, so GetFeature is repeated with
startIndex until a page comes back short (or `numberMatched`, when the server sends it, is reached).
Every page is kept in a Snapshot, and the offline path rebuilds the frame from those pages through the
same builder as the online path, so an offline run sees exactly what the online run saw.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from wijkprofiel.errors import SourceError, WijkprofielError
from wijkprofiel.ingest.readers.public.http import HttpClient, Snapshot, laatste_snapshot, snapshot_bestanden
from wijkprofiel.reference.areas import (
    NIVEAU_PER_PREFIX,
    gemeente_van,
    gemeentecode,
    hoort_bij_gemeente,
    normalise_code,
)

log = logging.getLogger(__name__)

RD_NEW = 28992
KOLOMMEN = ["gebied_code", "gebied_naam", "niveau", "geometry"]
NIVEAUS = ("buurt", "wijk", "gemeente")
PDOK_WFS = "https://service.pdok.nl/cbs/wijkenbuurten"
SNAPSHOT_BRON = "pdok_wfs"

# Candidate columns in order of preference. `statcode` is CBS's generic name (gebiedsindelingen,
# WijkBuurtkaart exports); PDOK's layers carry their own code plus those of the enclosing areas, so the
# most specific one must win (a buurt row also has wijkcode and gemeentecode).
_CODE_KOLOMMEN = ("statcode", "buurtcode", "wijkcode", "gemeentecode")
_NAAM_KOLOMMEN = ("statnaam", "buurtnaam", "wijknaam", "gemeentenaam")
_PREFIX_PER_NIVEAU = {v: k for k, v in NIVEAU_PER_PREFIX.items()}
_LAAG_PER_NIVEAU = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten"}

# Generous box around the Netherlands in RD New metres; used only to recognise RD coordinates in a file
# that declares no CRS or wrongly claims WGS84 (a GeoJSON without a `crs` member is read as WGS84).
_RD_BOX = (-10_000.0, 280_000.0, 310_000.0, 640_000.0)


# --------------------------------------------------------------------------------------------- files


def read_grenzen_file(
    path: str | Path, *, niveau: str | None = None, gemeente: str | None = None
) -> gpd.GeoDataFrame:
    """Read boundaries from a GeoJSON or GeoPackage (e.g. the CBS WijkBuurtkaart).

    `niveau` picks the layer of a multi-layer GeoPackage and keeps only codes of that level; without it
    the level of each row follows from its code prefix (BU/WK/GM). `gemeente` keeps only its areas.
    """
    path = Path(path)
    niveau = _check_niveau(niveau) if niveau is not None else None
    gm = gemeentecode(gemeente) if gemeente is not None else None
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    try:
        layer = _kies_laag(path, niveau)
        ruw = gpd.read_file(path, layer=layer, engine="pyogrio")
    except SourceError:
        raise
    except Exception as exc:  # pyogrio raises several types; the user needs one line, not a traceback
        raise SourceError(f"{path.name}: cannot read as GeoJSON or GeoPackage ({_een_regel(exc)})") from exc
    bron = path.name if layer is None else f"{path.name} layer {layer!r}"
    return _bouw_frame(ruw, bron=bron, niveau=niveau, gemeente=gm)


def _kies_laag(path: Path, niveau: str | None) -> str | None:
    """The layer to read: None for a single-layer file, else the one named after the niveau."""
    layers = [str(naam) for naam, geom_type in pyogrio.list_layers(path) if geom_type is not None]
    if len(layers) <= 1:
        return None
    if niveau is None:
        raise SourceError(
            f"{path.name}: has several layers ({', '.join(layers)}); pass niveau (buurt, wijk or gemeente)"
        )
    # Match whole words so that 'cbs_buurten_2024' matches buurt but 'wijkenbuurten' matches nothing.
    woorden = {niveau, _LAAG_PER_NIVEAU[niveau]}
    passend = [naam for naam in layers if woorden & set(re.split(r"[^a-z]+", naam.lower()))]
    if len(passend) != 1:
        wat = "no layer" if not passend else f"several layers ({', '.join(passend)})"
        raise SourceError(f"{path.name}: {wat} for niveau {niveau!r}; layers are {', '.join(layers)}")
    return passend[0]


# ----------------------------------------------------------------------------------------------- WFS


def fetch_grenzen_pdok(
    jaar: int,
    gemeente: str,
    niveau: str,
    *,
    snapshot_dir: Path,
    base_url: str = PDOK_WFS,
    client: HttpClient | None = None,
    page_size: int = 1000,
) -> gpd.GeoDataFrame:
    """Fetch one gemeente's buurten, wijken or gemeente boundary of `jaar` from PDOK, saving a snapshot."""
    gm = gemeentecode(gemeente)
    niveau = _check_niveau(niveau)
    if page_size < 1:
        raise WijkprofielError(f"page_size must be at least 1, not {page_size}")
    client = client or HttpClient()
    laag = _LAAG_PER_NIVEAU[niveau]
    url = f"{base_url.rstrip('/')}/{jaar}/wfs/v1_0"
    params = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": f"wijkenbuurten:{laag}",
        "outputFormat": "application/json",
        "srsName": f"EPSG:{RD_NEW}",
        "count": page_size,
        # CQL_FILTER is silently ignored by this service (it answers with the whole country), so the
        # gemeente filter has to be an OGC Filter Encoding 2.0 XML document in the `filter` parameter.
        "filter": _fes_filter("gemeentecode", gm),
    }
    snapshot = Snapshot.start(snapshot_dir, SNAPSHOT_BRON, _sleutel(jaar, gm, niveau))
    pages: list[dict] = []
    start = 0
    while True:
        what = f"PDOK WFS wijkenbuurten {jaar} {laag} {gm} (startIndex {start})"
        page = client.get_json(url, {**params, "startIndex": start}, what=what)
        features = _features(page, what)
        if pages and features and pages[-1]["features"] and features[0] == pages[-1]["features"][0]:
            # A server that ignores startIndex would otherwise be paged forever.
            raise SourceError(f"{what}: the server returned the same page again; it ignores startIndex")
        snapshot.bewaar(f"{laag}-{start}", page)
        pages.append(page)
        start += len(features)
        matched = page.get("numberMatched")
        if len(features) < page_size or (isinstance(matched, int) and start >= matched):
            break
    # Build before marking the snapshot complete: a fetch that yields no usable frame must not become
    # the snapshot an offline run reads back.
    frame = _bouw_uit_paginas(pages, jaar=jaar, gemeente=gm, niveau=niveau)
    snapshot.afronden(
        {
            "url": url,
            "params": params,
            "jaar": jaar,
            "gemeente": gm,
            "niveau": niveau,
            "paginas": len(pages),
            "features": start,
            "gebieden": len(frame),
        }
    )
    log.info("PDOK WFS %s %s %s: %d %s in %d page(s)", jaar, gm, laag, len(frame), laag, len(pages))
    return frame


def read_grenzen_snapshot(jaar: int, gemeente: str, niveau: str, *, snapshot_dir: Path) -> gpd.GeoDataFrame:
    """The boundaries from the latest complete PDOK snapshot, built exactly as the online fetch built them."""
    gm = gemeentecode(gemeente)
    niveau = _check_niveau(niveau)
    folder = laatste_snapshot(snapshot_dir, SNAPSHOT_BRON, _sleutel(jaar, gm, niveau))
    pages = [payload for _naam, payload in snapshot_bestanden(folder)]
    for page in pages:
        _features(page, f"snapshot {folder}")
    return _bouw_uit_paginas(pages, jaar=jaar, gemeente=gm, niveau=niveau)


def _sleutel(jaar: int, gm: str, niveau: str) -> str:
    return f"{jaar}-{gm}-{niveau}"


def _fes_filter(eigenschap: str, waarde: str) -> str:
    return (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">'
        "<fes:PropertyIsEqualTo>"
        f"<fes:ValueReference>{escape(eigenschap)}</fes:ValueReference>"
        f"<fes:Literal>{escape(waarde)}</fes:Literal>"
        "</fes:PropertyIsEqualTo>"
        "</fes:Filter>"
    )


def _features(page: Any, what: str) -> list[dict]:
    """The feature list of one GeoJSON page, or a one-line error when the body is something else."""
    if not isinstance(page, dict) or not isinstance(page.get("features"), list):
        soort = page.get("type") if isinstance(page, dict) else type(page).__name__
        raise SourceError(f"{what}: expected a GeoJSON FeatureCollection, got {soort!r}")
    return page["features"]


def _bouw_uit_paginas(pages: list[dict], *, jaar: int, gemeente: str, niveau: str) -> gpd.GeoDataFrame:
    """The one builder behind both the online fetch and the snapshot read-back."""
    features = [f for page in pages for f in page["features"]]
    crs = _crs_van_pagina(pages[0]) if pages else None
    bron = f"PDOK WFS wijkenbuurten {jaar} {_LAAG_PER_NIVEAU[niveau]}"
    if not features:
        raise SourceError(f"{bron}: no features for {gemeente} (does the gemeente exist in {jaar}?)")
    # We asked for srsName=EPSG:28992; a page without a `crs` member is in that CRS, not GeoJSON's WGS84.
    ruw = gpd.GeoDataFrame.from_features(features, crs=crs or f"EPSG:{RD_NEW}")
    return _bouw_frame(ruw, bron=bron, niveau=niveau, gemeente=gemeente)


def _crs_van_pagina(page: dict) -> CRS | None:
    naam = ((page.get("crs") or {}).get("properties") or {}).get("name")
    if not naam:
        return None
    try:
        return CRS.from_user_input(naam)
    except Exception as exc:
        raise SourceError(f"PDOK WFS: unknown crs {naam!r} in the response") from exc


# ------------------------------------------------------------------------------------------- builder


def _bouw_frame(
    ruw: gpd.GeoDataFrame, *, bron: str, niveau: str | None, gemeente: str | None
) -> gpd.GeoDataFrame:
    """Any boundary frame (file or WFS) → the contract frame, or a one-line SourceError."""
    if ruw.empty:
        raise SourceError(f"{bron}: contains no features")
    lower = {str(c).strip().lower(): c for c in ruw.columns if c != ruw.geometry.name}
    code_kolom = next((lower[c] for c in _CODE_KOLOMMEN if c in lower), None)
    if code_kolom is None:
        raise SourceError(
            f"{bron}: no code column (expected one of {', '.join(_CODE_KOLOMMEN)}); "
            f"columns are {', '.join(map(str, lower.values())) or 'none'}"
        )
    naam_kolom = next((lower[c] for c in _NAAM_KOLOMMEN if c in lower), None)

    frame = gpd.GeoDataFrame(
        {
            "gebied_code": [normalise_code(v) for v in ruw[code_kolom]],
            "gebied_naam": [_tekst(v) for v in ruw[naam_kolom]] if naam_kolom is not None else None,
            "water": [_tekst(v) for v in ruw[lower["water"]]] if "water" in lower else None,
        },
        geometry=ruw.geometry.values,
        crs=ruw.crs,
    )
    frame["niveau"] = [NIVEAU_PER_PREFIX.get(c[:2]) if c else None for c in frame["gebied_code"]]
    # Rows such as 'NL00' (Nederland) or empty codes are not buurt, wijk or gemeente: skip them.
    frame = frame[frame["niveau"].notna()]
    if frame.empty:
        voorbeeld = next((str(v).strip() for v in ruw[code_kolom] if v is not None), "")
        raise SourceError(f"{bron}: column {code_kolom!r} holds no BU/WK/GM codes (e.g. {voorbeeld!r})")
    if niveau is not None:
        gevonden = sorted(set(frame["niveau"]))
        frame = frame[frame["niveau"] == niveau]
        if frame.empty:
            raise SourceError(
                f"{bron}: no {niveau} codes ({_PREFIX_PER_NIVEAU[niveau]}...); it holds {', '.join(gevonden)}"
            )
    if gemeente is not None:
        aanwezig = sorted({gemeente_van(c) for c in frame["gebied_code"]})
        frame = frame[[hoort_bij_gemeente(c, gemeente) for c in frame["gebied_code"]]]
        if frame.empty:
            raise SourceError(
                f"{bron}: no {niveau or 'area'} features for gemeente {gemeente}; "
                f"it covers {', '.join(aanwezig[:5])}{' ...' if len(aanwezig) > 5 else ''}"
            )

    frame = _naar_rd(frame, bron)
    frame = _zonder_waterdelen(frame).copy()  # a copy: the selections above are views under pandas 2
    frame["geometry"] = [_vlakken(g) for g in frame.geometry]
    leeg = frame.geometry.isna()
    if leeg.any():
        log.warning("%s: no polygon geometry for %s; left out", bron, ", ".join(frame.loc[leeg, "gebied_code"]))
        frame = frame[~leeg]
    dubbel = sorted(set(frame.loc[frame["gebied_code"].duplicated(), "gebied_code"]))
    if dubbel:
        raise SourceError(f"{bron}: {len(dubbel)} code(s) occur more than once, e.g. {dubbel[0]}")

    frame["gebied_naam"] = [n if n else c for n, c in zip(frame["gebied_naam"], frame["gebied_code"])]
    frame = frame.sort_values("gebied_code", kind="stable")[KOLOMMEN].reset_index(drop=True)
    for kolom in ("gebied_code", "gebied_naam", "niveau"):
        frame[kolom] = frame[kolom].astype(str)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=f"EPSG:{RD_NEW}")


def _naar_rd(frame: gpd.GeoDataFrame, bron: str) -> gpd.GeoDataFrame:
    """Reproject to RD New; recognise RD coordinates in a file that declares no or the wrong CRS."""
    minx, miny, maxx, maxy = frame.total_bounds
    lijkt_rd = _RD_BOX[0] <= minx and maxx <= _RD_BOX[2] and _RD_BOX[1] <= miny and maxy <= _RD_BOX[3]
    crs = frame.crs
    if crs is None or (crs.is_geographic and (abs(minx) > 180 or abs(maxx) > 180 or abs(miny) > 90 or abs(maxy) > 90)):
        if not lijkt_rd:
            wat = "declares no CRS" if crs is None else f"declares {crs.name} but its coordinates do not fit it"
            raise SourceError(f"{bron}: {wat}, and they are not RD New (EPSG:28992) either")
        log.warning("%s: coordinates are RD New (EPSG:28992) whatever the file declares; reading them as such", bron)
        return frame.set_crs(RD_NEW, allow_override=True)
    if crs.to_epsg() == RD_NEW:
        return frame.set_crs(RD_NEW, allow_override=True)
    return frame.to_crs(RD_NEW)


def _zonder_waterdelen(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop water parts (water == 'JA') of an area that also has a land row with the same code.

    Some WijkBuurtkaart layers split an area into a land and a water feature under one code; the land
    part is the one for maps. A water-only area (its own code) stays: CBS reports figures for it.
    """
    if frame["water"].isna().all():
        return frame
    water = frame["water"].fillna("").str.upper() == "JA"
    land_codes = set(frame.loc[~water, "gebied_code"])
    return frame[~(water & frame["gebied_code"].isin(land_codes))]


def _vlakken(geom: BaseGeometry | None) -> Polygon | MultiPolygon | None:
    """A valid (Multi)Polygon, or None: make_valid can leave stray lines or points next to the area."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    delen = [d for d in shapely.get_parts(geom) if isinstance(d, (Polygon, MultiPolygon)) and not d.is_empty]
    if not delen:
        return None
    samen = shapely.union_all(delen)
    return samen if isinstance(samen, (Polygon, MultiPolygon)) else None


def _tekst(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _check_niveau(niveau: str) -> str:
    if niveau not in NIVEAUS:
        raise WijkprofielError(f"niveau must be one of {', '.join(NIVEAUS)}, not {niveau!r}")
    return niveau


def _een_regel(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


__all__ = ["KOLOMMEN", "fetch_grenzen_pdok", "read_grenzen_file", "read_grenzen_snapshot"]

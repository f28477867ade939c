"""Client for the CBS OData v3 *Feed* of Kerncijfers wijken en buurten (KWB).

Why this module looks the way it does:
- CBS renames the columns of every yearly KWB table: AantalInwoners_5 in one table, AantalInwoners_6 in the
  next. The number is only a position, so columns are matched on DataProperties with the suffix dropped
  (catalogus.variabele_voor_odata), never on a hard-coded key. A mandatory indicator without a column is
  a changed table, and that is reported in one line instead of producing an empty report.
- The ODataApi (opendata.cbs.nl/ODataApi) refuses queries of more than 10,000 cells, and one gemeente of
  KWB is easily 120 areas x 120 columns. The ODataFeed has no such limit; it pages in steps of 10,000 rows
  and gives the next page as an absolute `odata.nextLink` (v3 JSON, no '@'), which is followed as is.
- Every response is written to a Snapshot before anything is built from it, and the release is always
  built from the snapshot's files. The online and the offline path are therefore one code path, and an
  `--offline` run reads exactly what an earlier online run saw.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from wijkprofiel.errors import SourceError
from wijkprofiel.ingest.readers.public import CbsRelease, maak_release
from wijkprofiel.ingest.readers.public.http import (
    MAX_PAGINAS,
    HttpClient,
    Snapshot,
    check_paginas,
    laatste_snapshot,
    snapshot_bestanden,
)
from wijkprofiel.reference.areas import gemeentecode, hoort_bij_gemeente, normalise_code
from wijkprofiel.reference.catalogue import (
    CbsVariabele,
    cbs_variabelen,
    odata_basis,
    variabele_voor_odata,
    verplichte_indicatoren,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://opendata.cbs.nl/ODataFeed/odata"

#: Snapshot `bron`; the `sleutel` is f"{tabel_id}-{gemeente}".
BRON = "cbs_odata"

#: The area dimension of every KWB table; its (padded) key is the area code.
GEBIED_DIMENSIE = "WijkenEnBuurten"
#: Topic bases of the "indelingswijziging" flag (ind_wbi in the release files): the 2024 table (85984NED) calls
#: it IndelingswijzigingGemeenteWijkBuurt_4, earlier tables IndelingswijzigingWijkenEnBuurten.
WBI_BASES = ("IndelingswijzigingWijkenEnBuurten", "IndelingswijzigingGemeenteWijkBuurt")

# Snapshot file names (NNN-<naam>.json); a resource that pages is stored as several files with one naam.
_PROPERTIES = "dataproperties"
_GEBIEDEN = "wijkenenbuurten"
_DATA = "typeddataset"

# Characters left unescaped in a $filter: OData syntax that CBS's own nextLinks leave as they are.
_FILTER_SAFE = "(),'"

# Area names are joined onto the records under a key no CBS column can have (CBS keys have no '.').
_NAAM_VELD = "wijkprofiel.gebied_naam"


def fetch_kwb_odata(
    tabel_id: str,
    gemeente: str,
    jaar: int,
    *,
    snapshot_dir: Path,
    base_url: str = DEFAULT_BASE_URL,
    client: HttpClient | None = None,
    max_paginas: int = MAX_PAGINAS,
) -> CbsRelease:
    """Fetch one gemeente (gemeente, wijken, buurten) of a KWB table from the CBS OData Feed.

    The raw responses go into a snapshot under `snapshot_dir`; the snapshot is put in place only when a
    release could be built from it, so a broken fetch never hides an earlier good snapshot and leaves no
    folder behind.
    """
    gemeente = gemeentecode(gemeente)
    client = client or HttpClient()
    base = f"{base_url.rstrip('/')}/{tabel_id}"
    with Snapshot.start(snapshot_dir, BRON, f"{tabel_id}-{gemeente}") as snapshot:

        def haal(naam: str, url: str, resource: str) -> int:
            what = f"CBS {tabel_id} {resource}"
            return _haal_paginas(client, snapshot, naam, url, what=what, max_paginas=max_paginas)

        # DataProperties first and checked at once: a renamed mandatory column is an error, not megabytes of data.
        haal(_PROPERTIES, f"{base}/DataProperties?$format=json", "DataProperties")
        _kolommen(tabel_id, _waarden(snapshot_bestanden(snapshot.werkmap), _PROPERTIES))
        haal(_GEBIEDEN, _url(base, GEBIED_DIMENSIE, _gemeente_filter("Key", gemeente)), GEBIED_DIMENSIE)
        rijen = haal(_DATA, _url(base, "TypedDataSet", _gemeente_filter(GEBIED_DIMENSIE, gemeente)), "TypedDataSet")

        # Built from the working folder but named after the folder it is about to become.
        release = _bouw_release(snapshot.werkmap, tabel_id=tabel_id, gemeente=gemeente, jaar=jaar, base_url=base_url,
                                label=snapshot.folder)
        snapshot.afronden(
            {
                "tabel": tabel_id,
                "gemeente": gemeente,
                "jaar": jaar,
                "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "base_url": base_url,
                "rijen": rijen,
            }
        )
    log.info("CBS %s %s: %d areas from the OData Feed, snapshot %s", tabel_id, gemeente, len(release.rijen),
             snapshot.folder)
    return release


def read_kwb_snapshot(tabel_id: str, gemeente: str, jaar: int, *, snapshot_dir: Path) -> CbsRelease:
    """The release from the newest complete snapshot of `fetch_kwb_odata`, without any network access."""
    gemeente = gemeentecode(gemeente)
    folder = laatste_snapshot(snapshot_dir, BRON, f"{tabel_id}-{gemeente}")
    info = _lees_info(folder)
    return _bouw_release(folder, tabel_id=tabel_id, gemeente=gemeente, jaar=jaar,
                         base_url=info.get("base_url", DEFAULT_BASE_URL))


# --- fetching ---------------------------------------------------------------------------------------------


def _url(base: str, resource: str, filter_: str) -> str:
    # Built by hand rather than with `params=`: requests would send '$' as %24 and spaces as '+', and the
    # nextLinks CBS returns are in this same form anyway.
    return f"{base}/{resource}?$format=json&$filter={quote(filter_, safe=_FILTER_SAFE)}"


def _gemeente_filter(veld: str, gemeente: str) -> str:
    """startswith(veld,'GM0344') or startswith(veld,'WK0344') or startswith(veld,'BU0344')."""
    nummer = gemeente[2:]
    return " or ".join(f"startswith({veld},'{prefix}{nummer}')" for prefix in ("GM", "WK", "BU"))


def _haal_paginas(client: HttpClient, snapshot: Snapshot, naam: str, url: str, *, what: str, max_paginas: int) -> int:
    """GET `url` and each page after it (odata.nextLink) into the snapshot; returns the number of rows.

    Ends with one line on a nextLink seen before (a page linking to itself or a cycle) and after
    `max_paginas` pages (a server that invents new links for ever).
    """
    gezien: set[str] = set()
    rijen = 0
    pagina = 1
    next_url: str | None = url
    while next_url:
        if next_url in gezien:
            raise SourceError(f"{what}: page {pagina} links back to a page already fetched ({next_url}); stopped")
        check_paginas(pagina, max_paginas, what)
        gezien.add(next_url)
        # A nextLink already carries $format, $filter and $skiptoken, so it is requested without params.
        payload = client.get_json(next_url, what=f"{what} page {pagina}")
        # Stored before it is checked: an odd answer is exactly what someone will want to look at.
        snapshot.bewaar(naam, payload)
        rijen += len(_waarden_van(payload, f"{what} page {pagina}"))
        link = _next_link(payload)
        next_url = urljoin(next_url, link) if link else None
        pagina += 1
    return rijen


def _next_link(payload: dict) -> str | None:
    # The Feed speaks OData v3 ("odata.nextLink"); accept the v4 spelling too so an API upgrade does not
    # silently cut the data off after the first page.
    return payload.get("odata.nextLink") or payload.get("@odata.nextLink")


def _waarden_van(payload: Any, what: str) -> list[dict]:
    if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
        raise SourceError(f"{what}: not an OData response (no 'value' list)")
    return payload["value"]


# --- building (shared by the online and the offline path) -------------------------------------------------


def _bouw_release(
    folder: Path, *, tabel_id: str, gemeente: str, jaar: int, base_url: str, label: Path | None = None
) -> CbsRelease:
    """The release from the files in `folder`; `label` is the snapshot folder named in messages and `bron`."""
    label = label or folder
    bestanden = snapshot_bestanden(folder)
    properties = _waarden(bestanden, _PROPERTIES)
    if not properties:
        raise SourceError(f"snapshot {label}: no DataProperties of CBS table {tabel_id}")
    kolommen, wbi_kolom = _kolommen(tabel_id, properties)

    namen = {}
    for item in _waarden(bestanden, _GEBIEDEN):
        code = normalise_code(item.get("Key"))
        if code:
            namen[code] = item.get("Title")

    data = _waarden(bestanden, _DATA)
    if data and not any(GEBIED_DIMENSIE in rij for rij in data):
        raise SourceError(f"CBS table {tabel_id}: TypedDataSet has no column {GEBIED_DIMENSIE} (snapshot {label})")
    records = []
    for rij in data:
        code = normalise_code(rij.get(GEBIED_DIMENSIE))
        # The server filters on the gemeente already; checking again keeps a too-wide answer out of reports.
        # A row without an area code is kept: the load quarantines it with its reason instead of losing it.
        if code is not None and not hoort_bij_gemeente(code, gemeente):
            continue
        records.append({**rij, _NAAM_VELD: namen.get(code)})
    if not records:
        raise SourceError(f"CBS table {tabel_id}: no rows for {gemeente} in the OData Feed (snapshot {label})")
    kolommen = _kolommen_in_rijen(tabel_id, kolommen, records)

    return maak_release(
        records,
        kolommen,
        code_kolom=GEBIED_DIMENSIE,
        naam_kolom=_NAAM_VELD,
        wbi_kolom=wbi_kolom,
        tabel_id=tabel_id,
        jaar=jaar,
        bron=f"{base_url.rstrip('/')}/{tabel_id} (snapshot {label})",
    )


def _kolommen_in_rijen(
    tabel_id: str, kolommen: dict[str, CbsVariabele], records: list[dict]
) -> dict[str, CbsVariabele]:
    """The columns DataProperties promised that the rows really carry.

    A TypedDataSet whose rows lack a promised column (renamed in the data but not in DataProperties) would
    otherwise load as 'unknown' for every area. A mandatory indicator missing this way is one line; an
    optional one is left out, so its section is smaller (it is listed in `ontbrekend`).
    """
    sleutels = set().union(*(r.keys() for r in records))
    weg = {k: v for k, v in kolommen.items() if k not in sleutels}
    verplichte = set(verplichte_indicatoren())
    verplicht = [f"{k} (indicator {v.indicator})" for k, v in weg.items() if v.indicator in verplichte]
    if verplicht:
        raise SourceError(
            f"CBS table {tabel_id}: TypedDataSet has no column {', '.join(verplicht)} although DataProperties lists it"
        )
    if weg:
        log.warning("CBS table %s: TypedDataSet lacks %s; left out", tabel_id, ", ".join(sorted(weg)))
    return {k: v for k, v in kolommen.items() if k not in weg}


def _waarden(bestanden: list[tuple[str, Any]], naam: str) -> list[dict]:
    """All rows of one resource, over its pages in fetch order."""
    out: list[dict] = []
    for bestand_naam, payload in bestanden:
        if bestand_naam == naam:
            out.extend(_waarden_van(payload, f"snapshot file {bestand_naam}"))
    return out


def _kolommen(tabel_id: str, properties: list[dict]) -> tuple[dict[str, CbsVariabele], str | None]:
    """{OData key → variable} for the table's Topics, and the key of the indelingswijziging column.

    Raises one line naming the table and the column when a mandatory indicator has no column.
    """
    if not any(p.get("Key") == GEBIED_DIMENSIE for p in properties):
        raise SourceError(
            f"CBS table {tabel_id}: dimension {GEBIED_DIMENSIE} is missing from DataProperties; "
            "is this a Kerncijfers wijken en buurten table?"
        )
    kolommen: dict[str, CbsVariabele] = {}
    wbi_kolom = None
    for prop in properties:
        key = prop.get("Key")
        if prop.get("Type") != "Topic" or not key:
            continue
        if odata_basis(key) in WBI_BASES:
            wbi_kolom = key
            continue
        var = variabele_voor_odata(key)
        # First column wins should a table ever carry a topic twice (as under two TopicGroups).
        if var is not None and var not in kolommen.values():
            kolommen[key] = var

    gevonden = {v.indicator for v in kolommen.values()}
    verplicht = set(verplichte_indicatoren())
    missing = [v for v in cbs_variabelen() if v.indicator in verplicht and v.indicator not in gevonden]
    if missing:
        beschrijving = ", ".join(f"{' or '.join(v.odata_sleutels)} (indicator {v.indicator})" for v in missing)
        raise SourceError(
            f"CBS table {tabel_id}: expected column{'s' if len(missing) > 1 else ''} {beschrijving} "
            f"{'are' if len(missing) > 1 else 'is'} missing from DataProperties"
        )
    return kolommen, wbi_kolom


def _lees_info(folder: Path) -> dict:
    try:
        return json.loads((folder / "COMPLETE.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(f"snapshot {folder}: unreadable COMPLETE.json ({exc})") from exc

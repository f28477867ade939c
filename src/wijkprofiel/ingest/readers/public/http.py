"""HTTP for public sources (CBS, PDOK): timeouts, retries with capped backoff, paging limits, and snapshots.

Every response body that a client accepts is written to a snapshot folder, so a later `--offline` run
(or a failed fetch) can read exactly what was fetched, and so a data team can see what CBS sent.
A snapshot is written into a hidden working folder and renamed into place only when it is complete, so a
failed or killed fetch never leaves a folder that looks like a snapshot.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests

from wijkprofiel.errors import SourceError

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}

#: Most pages one resource may take. One gemeente is a page or two (CBS pages 10,000 rows, PDOK 1,000
#: features); a server that keeps sending new nextLinks or pages must end in an error, not run for ever.
MAX_PAGINAS = 200


@dataclass
class HttpClient:
    """GET JSON with retries. `sleep` is injectable so tests need not wait for the backoff.

    A retry waits `backoff` × 2^(attempt − 1) seconds, or what the server asks in Retry-After; never more
    than `max_delay`, so a server that asks for an hour cannot stall a scheduled run (and a run gives up
    after at most `retries` × `max_delay` seconds of waiting).
    """

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_delay: float = 60.0
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Any = time.sleep
    user_agent: str = "wijkprofiel (https://github.com/; open-source tool for Dutch gemeenten)"

    def get_json(self, url: str, params: dict | None = None, *, what: str = "") -> Any:
        """The decoded JSON body; retried on 5xx, 429, connection errors, timeouts and truncated bodies."""
        return self._get(url, params, what=what, parse=_parse_json)

    def get_text(self, url: str, params: dict | None = None, *, what: str = "") -> str:
        return self._get(url, params, what=what, parse=lambda text: text)

    def _get(self, url: str, params: dict | None, *, what: str, parse) -> Any:
        label = what or url
        last_problem = ""
        retry_after: float | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = min(self.backoff * 2 ** (attempt - 1) if retry_after is None else retry_after, self.max_delay)
                log.warning("%s: %s; retry %d/%d in %.1f s", label, last_problem, attempt, self.retries, delay)
                self.sleep(delay)
            retry_after = None
            try:
                response = self.session.get(
                    url, params=params, timeout=self.timeout, headers={"User-Agent": self.user_agent}
                )
                text = response.text
            except requests.Timeout:
                last_problem = f"no answer within {self.timeout:g} s"
                continue
            except requests.exceptions.ChunkedEncodingError:
                # requests' name for a connection that dropped (or was reset) halfway through the body.
                last_problem = "the connection broke off during the answer"
                continue
            except requests.ConnectionError as exc:
                last_problem = f"connection failed ({type(exc).__name__})"
                continue
            if response.status_code in RETRY_STATUS:
                last_problem = f"HTTP {response.status_code}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
                continue
            if response.status_code >= 400:
                raise SourceError(f"{label}: HTTP {response.status_code} from {response.url}")
            if text.lstrip().startswith("<") and "exception" in text[:2000].lower():
                # OGC services answer 200 with an XML ExceptionReport: retrying will not help.
                raise SourceError(f"{label}: the service reported an error: {_xml_message(text)}")
            try:
                return parse(text)
            except ValueError as exc:
                last_problem = f"incomplete or invalid JSON ({exc})"
                continue
        raise SourceError(f"{label}: gave up after {self.retries + 1} attempts: {last_problem}")


def _parse_json(text: str) -> Any:
    return json.loads(text)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def check_paginas(pagina: int, max_paginas: int, what: str) -> None:
    """One line when a resource takes more pages than any gemeente can have (a server paging for ever)."""
    if pagina > max_paginas:
        raise SourceError(f"{what}: stopped after {max_paginas} pages; the server keeps sending more")


def _xml_message(text: str) -> str:
    """The ExceptionText of an OGC ExceptionReport, on one line."""
    match = re.search(r"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", text, re.DOTALL)
    message = match.group(1) if match else text[:200]
    return " ".join(message.split())


_STAMP = "%Y%m%dT%H%M%S%fZ"
_STAMP_RE = re.compile(r"\d{8}T\d{12}Z")
#: A working folder this old belongs to a run that was killed, not to one still fetching.
_WERKMAP_VERLOPEN = timedelta(hours=6)


@dataclass
class Snapshot:
    """One fetch's raw responses: <root>/<bron>/<sleutel>/<UTC fetch time>/NNN-<naam>.json.

    Responses are written to `werkmap` (a hidden sibling of `folder`); `afronden` renames it to `folder`
    and `verwerp` removes it, so `folder` exists only as a complete snapshot. Used as a context manager,
    a fetch that raises is discarded.
    """

    folder: Path
    werkmap: Path
    counter: int = 0

    @classmethod
    def start(cls, root: Path, bron: str, sleutel: str) -> "Snapshot":
        base = Path(root) / bron / sleutel
        base.mkdir(parents=True, exist_ok=True)
        _ruim_oude_werkmappen(base)
        stamp = datetime.now(timezone.utc).strftime(_STAMP)
        werkmap = base / f".{stamp}.deel"
        werkmap.mkdir(exist_ok=False)
        return cls(base / stamp, werkmap)

    def __enter__(self) -> "Snapshot":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.verwerp()

    def bewaar(self, naam: str, payload: Any) -> Path:
        self.counter += 1
        path = self.werkmap / f"{self.counter:03d}-{naam}.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return path

    def afronden(self, info: dict) -> None:
        """Mark the snapshot complete and move it into place; only complete snapshots are read back."""
        (self.werkmap / "COMPLETE.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        self.werkmap.rename(self.folder)

    def verwerp(self) -> None:
        """Remove an unfinished snapshot: a failed fetch leaves no folder behind."""
        shutil.rmtree(self.werkmap, ignore_errors=True)


def _ruim_oude_werkmappen(base: Path) -> None:
    """Remove working folders left by a killed run (old enough that no running fetch still writes there)."""
    grens = time.time() - _WERKMAP_VERLOPEN.total_seconds()
    for werkmap in base.glob(".*.deel"):
        try:
            if werkmap.stat().st_mtime < grens:
                shutil.rmtree(werkmap, ignore_errors=True)
        except OSError:
            continue


def laatste_snapshot(root: Path, bron: str, sleutel: str) -> Path:
    """The newest complete snapshot folder, or a one-line error saying none exists."""
    base = Path(root) / bron / sleutel
    folders = (
        sorted(p for p in base.iterdir() if _STAMP_RE.fullmatch(p.name) and (p / "COMPLETE.json").is_file())
        if base.is_dir()
        else []
    )
    if not folders:
        raise SourceError(f"no snapshot of {bron} {sleutel} in {root}; run once with --online first")
    return folders[-1]


def snapshot_bestanden(folder: Path) -> list[tuple[str, Any]]:
    """(naam, payload) of each response in fetch order."""
    out = []
    for path in sorted(folder.glob("[0-9][0-9][0-9]-*.json")):
        naam = path.stem.split("-", 1)[1]
        try:
            out.append((naam, json.loads(path.read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, ValueError) as exc:  # a cut-off or HTML answer saved by hand or an old version
            raise SourceError(f"snapshot file {path}: not valid JSON ({exc})") from exc
    return out

"""HTTP for public sources (CBS, PDOK): timeouts, retries with exponential backoff, and snapshots.

Every response body that a client accepts is written to a snapshot folder, so a later `--offline` run
(or a failed fetch) can read exactly what was fetched, and so a data team can see what CBS sent.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

from wijkprofiel.errors import SourceError

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class HttpClient:
    """GET JSON with retries. `sleep` is injectable so tests need not wait for the backoff."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
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
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("%s: %s; retry %d/%d in %.1f s", label, last_problem, attempt, self.retries, delay)
                self.sleep(delay)
            try:
                response = self.session.get(
                    url, params=params, timeout=self.timeout, headers={"User-Agent": self.user_agent}
                )
                text = response.text
            except requests.Timeout:
                last_problem = f"no answer within {self.timeout:g} s"
                continue
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection dropped halfway through the body.
                last_problem = f"connection failed ({type(exc).__name__})"
                continue
            if response.status_code in RETRY_STATUS:
                last_problem = f"HTTP {response.status_code}"
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


def _xml_message(text: str) -> str:
    """The ExceptionText of an OGC ExceptionReport, on one line."""
    import re

    match = re.search(r"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", text, re.DOTALL)
    message = match.group(1) if match else text[:200]
    return " ".join(message.split())


@dataclass
class Snapshot:
    """One fetch's raw responses: <root>/<bron>/<sleutel>/<UTC fetch time>/NNN-<naam>.json."""

    folder: Path
    counter: int = 0

    @classmethod
    def start(cls, root: Path, bron: str, sleutel: str) -> "Snapshot":
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        folder = Path(root) / bron / sleutel / stamp
        folder.mkdir(parents=True, exist_ok=False)
        return cls(folder)

    def bewaar(self, naam: str, payload: Any) -> Path:
        self.counter += 1
        path = self.folder / f"{self.counter:03d}-{naam}.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return path

    def afronden(self, info: dict) -> None:
        """Mark the snapshot complete; only complete snapshots are read back."""
        (self.folder / "COMPLETE.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")


def laatste_snapshot(root: Path, bron: str, sleutel: str) -> Path:
    """The newest complete snapshot folder, or a one-line error saying none exists."""
    base = Path(root) / bron / sleutel
    folders = sorted(p for p in base.glob("*") if (p / "COMPLETE.json").is_file()) if base.is_dir() else []
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

"""Pseudonymisation: a keyed HMAC-SHA256 replaces the BSN (and case ids) before anything is written.

The key is handed in by the caller: a value, or a provider that is asked for it when a load needs it (the
pipeline's provider reads WIJKPROFIEL_PSEUDO_KEY or a Prefect Secret block: pipeline/keys.py). This module never
looks for a key itself; never from the repository either. Without a key nothing person-level is loaded.
The same key gives the same client_key across loads, so clients can be counted once over time; a new key
starts a new, unlinkable series.

The HMAC is computed inside DuckDB (`hmac_sql`) over the distinct identifiers of a file, so a 10-million-row
export pseudonymises each distinct BSN once; `hmac_hex` is the same function in Python, and a test keeps the
two equal.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Callable

from wijkprofiel.errors import WijkprofielError

#: Asked for the key when a load needs one; raises WijkprofielError (one line) when there is none.
KeyProvider = Callable[[], str]
#: The demo's own throw-away key: it pseudonymises synthetic data only.
DEMO_SLEUTEL = "wijkprofiel-demo-sleutel-alleen-voor-synthetische-data"
MIN_LENGTE = 16
_BLOCK = 64  # SHA-256 block size in bytes


def laad_sleutel(sleutel: str | KeyProvider | None) -> bytes:
    """The key as bytes, from a value or a provider; refused when missing or too short."""
    value = sleutel() if callable(sleutel) else sleutel
    if not value:
        raise WijkprofielError("no pseudonymisation key given; person-level data is not loaded without one")
    if len(value) < MIN_LENGTE:
        raise WijkprofielError(f"the pseudonymisation key is too short: use at least {MIN_LENGTE} characters")
    return value.encode("utf-8")


def hmac_hex(sleutel: bytes, waarde: str) -> str:
    return hmac.new(sleutel, waarde.encode("utf-8"), hashlib.sha256).hexdigest()


def hmac_sql(sleutel: bytes, kolom: str) -> str:
    """A DuckDB expression computing hmac_hex(sleutel, kolom) for a VARCHAR column (RFC 2104 spelled out)."""
    if len(sleutel) > _BLOCK:
        sleutel = hashlib.sha256(sleutel).digest()
    k0 = sleutel.ljust(_BLOCK, b"\0")
    ipad = bytes(b ^ 0x36 for b in k0).hex()
    opad = bytes(b ^ 0x5C for b in k0).hex()
    return f"sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode({kolom}))))"

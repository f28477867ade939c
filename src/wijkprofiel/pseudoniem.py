"""Pseudonymisation: a keyed HMAC-SHA256 replaces the BSN (and case ids) before anything is written.

The key comes from the environment (WIJKPROFIEL_PSEUDO_KEY) or a Prefect Secret block named in
WIJKPROFIEL_PSEUDO_KEY_BLOCK; never from the repository. Without a key nothing person-level is loaded.
The same key gives the same client_key across loads, so clients can be counted once over time; a new key
starts a new, unlinkable series.

The HMAC is computed inside DuckDB (`hmac_sql`) over the distinct identifiers of a file, so a 10-million-row
export pseudonymises each distinct BSN once; `hmac_hex` is the same function in Python, and a test keeps the
two equal.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from .errors import WijkprofielError

ENV_KEY = "WIJKPROFIEL_PSEUDO_KEY"
ENV_BLOCK = "WIJKPROFIEL_PSEUDO_KEY_BLOCK"
#: The demo's own throw-away key: it pseudonymises synthetic data only.
DEMO_SLEUTEL = "wijkprofiel-demo-sleutel-alleen-voor-synthetische-data"
MIN_LENGTE = 16
_BLOCK = 64  # SHA-256 block size in bytes


def laad_sleutel(sleutel: str | None = None, secret_block: str | None = None) -> bytes:
    """The key as bytes: an explicit value, else the environment, else the named Prefect Secret block."""
    value = sleutel or os.environ.get(ENV_KEY)
    block = secret_block or os.environ.get(ENV_BLOCK)
    if not value and block:
        from prefect.blocks.system import Secret

        try:
            value = Secret.load(block).get()
        except Exception as exc:  # Prefect raises several kinds; the user needs the block's name
            raise WijkprofielError(f"cannot read the pseudonymisation key from Prefect Secret block {block!r}: {exc}") from exc
    if not value:
        raise WijkprofielError(
            f"no pseudonymisation key: set {ENV_KEY} (or name a Prefect Secret block in {ENV_BLOCK}); "
            "person-level data is not loaded without one"
        )
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

"""Pseudonymisation: a keyed HMAC-SHA256 replaces the BSN (and case ids) before anything is written.

The key is handed in by the caller: a value, or a provider that is asked for it when a load needs it (the
pipeline's provider reads WIJKPROFIEL_PSEUDO_KEY or a Prefect Secret block: pipeline/keys.py). This module never
looks for a key itself; never from the repository either. Without a key nothing person-level is loaded.
The same key gives the same client_key across loads, so clients can be counted once over time; a new key
starts a new, unlinkable series.

A key must be hard to guess: there are only about 10^8 valid BSNs, so whoever can guess the key can compute every
client_key. `laad_sleutel` asks for an estimated 128 bits (`sleutel_bits`): 32 random hexadecimal characters, or
about 22 of base64. The estimate is deliberately simple and catches placeholders and typing patterns, not every
guessable key (a sentence passes); `nieuwe_sleutel` (the CLI's `wijkprofiel key new`) makes a proper one.

The HMAC is computed inside DuckDB (`hmac_sql`) over the distinct identifiers of a file, so a 10-million-row
export pseudonymises each distinct BSN once; `hmac_hex` is the same function in Python, and a test keeps the
two equal.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import string
from collections import Counter
from typing import Callable

from wijkprofiel.errors import WijkprofielError

#: Asked for the key when a load needs one; raises WijkprofielError (one line) when there is none.
KeyProvider = Callable[[], str]
#: A throw-away key for the tests' synthetic data (the demo makes a new key each run); never for real people.
DEMO_SLEUTEL = "wijkprofiel-demo-sleutel-alleen-voor-synthetische-data"
MIN_BITS = 128
_BLOCK = 64  # SHA-256 block size in bytes
_HEX = frozenset(string.hexdigits)
_SPATIE = frozenset(string.whitespace)


def nieuwe_sleutel() -> str:
    """A new random key: 256 bits as 64 hexadecimal characters."""
    return secrets.token_hex(32)


def sleutel_bits(value: str) -> float:
    """A rough upper bound of the key's entropy in bits: its length times log2 of the alphabet it draws from
    (hexadecimal 16; else 10 digits, 26 lower case, 26 upper case and 33 for anything else, as far as present),
    where whitespace counts for nothing, a key that repeats a shorter pattern counts as that pattern, and a key
    with fewer than 8 distinct characters or one character making up over a third of it counts as 0 (random
    keys of 22+ characters practically never do; placeholders and keyboard patterns do)."""
    tekens = "".join(c for c in value if c not in _SPATIE)
    if not tekens:
        return 0.0
    tellingen = Counter(tekens)
    if len(tellingen) < 8 or max(tellingen.values()) * 3 > len(tekens):
        return 0.0
    # the shortest pattern the key repeats at least twice (abcabcab: abc), else the whole key
    periode = next(
        (p for p in range(1, len(tekens) // 2 + 1) if all(tekens[i] == tekens[i - p] for i in range(p, len(tekens)))),
        len(tekens),
    )
    if set(tekens) <= _HEX:
        alfabet = 16
    else:
        alfabet = sum(
            n for n, klasse in ((10, str.isdigit), (26, str.islower), (26, str.isupper)) if any(klasse(c) for c in tekens)
        ) + (33 if any(not (c.isascii() and c.isalnum()) for c in tekens) else 0)
    return periode * math.log2(alfabet)


def laad_sleutel(sleutel: str | KeyProvider | None) -> bytes:
    """The key as bytes, from a value or a provider; refused when missing or guessable (`sleutel_bits`)."""
    value = sleutel() if callable(sleutel) else sleutel
    if not value:
        raise WijkprofielError("no pseudonymisation key given; person-level data is not loaded without one")
    if sleutel_bits(value) < MIN_BITS:
        raise WijkprofielError(
            f"the pseudonymisation key is too weak (it needs about {MIN_BITS} bits, e.g. 32 random hexadecimal "
            "characters; no repeated patterns): make one with `wijkprofiel key new`"
        )
    return value.encode("utf-8")


def sleutel_vingerafdruk(sleutel: bytes) -> str:
    """Which key pseudonymised a load, recorded in meta.loads so that a load under another key is refused (the
    same people would count twice). A keyed hash of a fixed text, not a hash of the key: it says nothing about the
    key outside wijkprofiel, and 16 hex characters (64 bits) tell keys apart."""
    return hmac_hex(sleutel, "wijkprofiel-key-fingerprint")[:16]


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

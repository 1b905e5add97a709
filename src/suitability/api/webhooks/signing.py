"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>`, sent as `Suitability-Signature: t=<ts>,v1=<hex>`.

A receiver recomputes the HMAC with the shared secret, compares in constant time and refuses a timestamp
older than its tolerance (replays). `verify` is what a receiver written in Python can use as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Suitability-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp + "." + body`."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for one delivery attempt."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={signature(secret, ts, body)}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = TOLERANCE_SECONDS,
           now: float | None = None) -> bool:
    """True if the header carries a valid, recent signature of this body."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        ts = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = signature(secret, ts, body)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))

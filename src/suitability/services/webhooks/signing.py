"""Webhook signatures in the Standard Webhooks scheme (https://www.standardwebhooks.com/).

Each delivery carries `webhook-id` (the event id, the same on every retry), `webhook-timestamp` (Unix seconds
of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the
bytes of the secret `whsec_<base64>`. Any receiver verifies it with a Standard Webhooks library (in Python:
`standardwebhooks.Webhook(secret).verify(body, headers)`); `verify` here does the same without that package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER = "webhook-id", "webhook-timestamp", "webhook-signature"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = (24, 64)  # the scheme's recommended key length
TOLERANCE_SECONDS = 300


class SecretError(ValueError):
    """A webhook secret that is not `whsec_` followed by the base64 of 24 to 64 bytes."""


def new_secret() -> str:
    """A fresh secret to share with receivers: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a `whsec_<base64>` secret stands for; SecretError (never quoting it) if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise SecretError(f"a webhook secret starts with {SECRET_PREFIX} followed by base64")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("the part after whsec_ is not valid base64") from None
    low, high = SECRET_BYTES
    if not low <= len(key) <= high:
        raise SecretError(f"a webhook secret holds {low} to {high} bytes, base64-encoded")
    return key


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`."""
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three headers of one delivery attempt."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {ID_HEADER: msg_id, TIMESTAMP_HEADER: str(ts),
            SIGNATURE_HEADER: signature(secret_key(secret), msg_id, ts, body)}


def verify(secret: str, body: bytes, headers: Mapping[str, str], *, tolerance: int = TOLERANCE_SECONDS,
           now: float | None = None) -> bool:
    """True if the headers carry a valid, recent signature of this body (header names in any case)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, given = lower.get(ID_HEADER, ""), lower.get(SIGNATURE_HEADER, "")
    try:
        ts = int(lower.get(TIMESTAMP_HEADER, ""))
        key = secret_key(secret)
    except ValueError:
        return False
    if not msg_id or abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = signature(key, msg_id, ts, body)
    return any(hmac.compare_digest(expected, each) for each in given.split(" ") if each)

"""API keys: create one (the token is shown once), revoke it, list them, and check a presented token.

A token is `sk_<prefix>_<secret>`: the prefix finds the row, the sha256 of the whole token is compared in
constant time. The secret carries 256 random bits, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

from ..errors import SuitabilityError
from ..storage import Session
from ..storage.api_keys import all_keys, key_by_name_or_prefix, key_by_prefix, key_named
from ..storage.integration_models import ApiKey
from ..storage.types import utcnow

# What a key may do. "screen": every screening, case, check-in, rule and FHIR path, the one scope every key had
# before keys had scopes, so a key without stored scopes (None) keeps exactly that. "analytics": the aggregate
# figures of practitioners' decisions, only ever granted by name (`suitability keys add NAME --scope analytics`).
SCOPES = ("screen", "analytics")
DEFAULT_SCOPES = frozenset({"screen"})
TOKEN = re.compile(r"^sk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")


class ApiKeyError(SuitabilityError):
    """A key cannot be created or found as asked (a bad or taken name, no such key)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_of(key: ApiKey) -> frozenset[str]:
    """The scopes a key has: the stored ones, or the default scopes when none were stored."""
    if key.scopes is None:
        return DEFAULT_SCOPES
    return frozenset(scope for scope in key.scopes.split() if scope in SCOPES)


def add_key(session: Session, name: str, *, rate_limit: int | None = None,
            scopes: Sequence[str] | None = None) -> tuple[ApiKey, str]:
    """Create and commit a key for one integration; returns the row and the token (never stored, shown once).

    `scopes` None or empty: the default scopes; otherwise exactly those named (see SCOPES).
    """
    if not NAME.match(name):
        raise ApiKeyError("a key name is 1-100 letters, digits, spaces, dots, dashes or underscores")
    if key_named(session, name) is not None:
        raise ApiKeyError(f"there is already a key named {name!r}")
    if rate_limit is not None and rate_limit < 1:
        raise ApiKeyError("the rate limit is a whole number of requests per minute, at least 1")
    unknown = sorted(set(scopes or ()) - set(SCOPES))
    if unknown:
        raise ApiKeyError(f"a scope is one of {', '.join(SCOPES)}")
    stored = " ".join(scope for scope in SCOPES if scope in set(scopes)) if scopes else None
    prefix = secrets.token_hex(6)
    token = f"sk_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name, prefix=prefix, secret_hash=_digest(token), rate_limit=rate_limit, scopes=stored)
    session.add(key)
    session.commit()
    return key, token


def revoke_key(session: Session, name_or_prefix: str) -> ApiKey:
    """Revoke a key by name or prefix, at once and for good; commits."""
    key = key_by_name_or_prefix(session, name_or_prefix)
    if key is None:
        raise ApiKeyError(f"no key named {name_or_prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.commit()
    return key


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, live or revoked, oldest first."""
    return all_keys(session)


def verify_key(session: Session, token: str) -> ApiKey | None:
    """The live key this token belongs to, or None (unknown, malformed or revoked)."""
    match = TOKEN.match(token)
    if match is None:
        return None
    key = key_by_prefix(session, match[1])
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(token)) or key.revoked_at is not None:
        return None
    return key

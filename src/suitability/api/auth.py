"""Every API and FHIR request but the public ones needs a live API key (`Authorization: Bearer sk_...`) and is
counted against that key's per-minute limit.

The hot path is one database statement: a key verified in the last few seconds is remembered (key_cache), and
the count checks the key is still live as it counts (services.rate_limit), so a revoked key is refused at once."""

from __future__ import annotations

from flask import Response, current_app, g, request

from ..services.api_keys import scopes_of, verify_key
from ..services.rate_limit import KeyNotLive, hit
from ..settings import defaults
from . import db
from .key_cache import DEFAULT_SECONDS, Grant, KeyCache
from .problems import Problem

PUBLIC = {"api.health", "api.openapi", "api.docs"}
# The scope each endpoint needs; every other non-public endpoint needs "screen".
SCOPE_OF = {"api.analytics_rules": "analytics"}
CACHE = "suitability.api_key_cache"
DEFAULT_RATE_LIMIT = defaults()["API_RATE_LIMIT"]  # per key per minute, unless the key or API_RATE_LIMIT says


def bearer_token() -> str | None:
    """The token of the request's `Authorization: Bearer` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate() -> None:
    """before_request: resolve the key (401 if none), then count the request (429 past the limit)."""
    if request.endpoint in PUBLIC:
        return
    token = bearer_token()
    keys = key_cache()
    grant = keys.get(token) if token else None
    session = db.session()
    if grant is None and token:
        key = verify_key(session, token)
        if key is not None:
            grant = Grant(key.id, key.rate_limit, scopes_of(key))
            keys.put(token, grant)
        session.rollback()  # end the read: the count below is a write of its own
    if grant is None:
        raise _unauthorized()
    limit = grant.rate_limit or int(current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    try:
        verdict = hit(session, grant.key_id, limit)
    except KeyNotLive:
        assert token is not None
        keys.forget(token)
        raise _unauthorized() from None
    g.api_key_id, g.rate = grant.key_id, verdict
    if not verdict.allowed:
        raise Problem(429, "rate-limited", f"This key may make {limit} requests a minute.",
                      headers={"Retry-After": str(verdict.reset_after)})
    needed = SCOPE_OF.get(request.endpoint or "", "screen")
    if needed not in grant.scopes:
        raise Problem(403, "forbidden", f"This key does not have the {needed} scope.")


def _unauthorized() -> Problem:
    return Problem(401, "unauthorized", "Send a live API key as 'Authorization: Bearer <key>'.",
                   headers={"WWW-Authenticate": 'Bearer realm="suitability"'})


def key_cache() -> KeyCache:
    """This app's cache of verified keys (API_KEY_CACHE_SECONDS), made on first use."""
    found = current_app.extensions.get(CACHE)
    if found is None:
        seconds = float(current_app.config.get("API_KEY_CACHE_SECONDS", DEFAULT_SECONDS))
        found = current_app.extensions.setdefault(CACHE, KeyCache(seconds))
    assert isinstance(found, KeyCache)
    return found


def rate_headers(response: Response) -> Response:
    """after_request: tell the client where it stands (IETF RateLimit header fields)."""
    verdict = g.get("rate")
    if verdict is not None:
        response.headers["RateLimit-Limit"] = str(verdict.limit)
        response.headers["RateLimit-Remaining"] = str(verdict.remaining)
        response.headers["RateLimit-Reset"] = str(verdict.reset_after)
    return response

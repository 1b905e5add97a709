"""Every API and FHIR request but the public ones needs a live API key (`Authorization: Bearer sk_...`) and is
counted against that key's per-minute limit."""

from __future__ import annotations

from flask import Response, current_app, g, request

from . import db
from .keys import verify_key
from .problems import Problem
from .ratelimit import hit

PUBLIC = {"api.health", "api.openapi", "api.docs"}
DEFAULT_RATE_LIMIT = 120  # requests per key per minute, unless the key or API_RATE_LIMIT says otherwise


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate() -> None:
    """before_request: resolve the key (401 if none), then count the request (429 past the limit)."""
    if request.endpoint in PUBLIC:
        return
    token = bearer_token()
    session = db.session()
    key = verify_key(session, token) if token else None
    if key is None:
        session.rollback()
        raise Problem(401, "unauthorized", "Send a live API key as 'Authorization: Bearer <key>'.",
                      headers={"WWW-Authenticate": 'Bearer realm="suitability"'})
    key_id, limit = key.id, key.rate_limit or int(current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    session.rollback()  # end the read: the count below starts with a write (no SQLite lock upgrade)
    verdict = hit(session, key_id, limit)
    g.api_key_id, g.rate = key_id, verdict
    if not verdict.allowed:
        raise Problem(429, "rate-limited", f"This key may make {limit} requests a minute.",
                      headers={"Retry-After": str(verdict.reset_after)})


def rate_headers(response: Response) -> Response:
    """after_request: tell the client where it stands (IETF RateLimit header fields)."""
    verdict = g.get("rate")
    if verdict is not None:
        response.headers["RateLimit-Limit"] = str(verdict.limit)
        response.headers["RateLimit-Remaining"] = str(verdict.remaining)
        response.headers["RateLimit-Reset"] = str(verdict.reset_after)
    return response

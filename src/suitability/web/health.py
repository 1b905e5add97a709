"""`/healthz`: is this server able to take a submission? (database reachable and writable, rule set loaded)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..services.health import RULESET_HEADER, storage_state
from .database import get_db
from .rules_reload import ruleset_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while it can screen and store; "stale" (still 200) when edited rules were refused; else 503."""
    rules = ruleset_state()
    storage = storage_state(get_db())
    ok = storage == "ok" and rules.version is not None
    status = ("stale" if rules.status == "stale" else "ok") if ok else "unavailable"
    body = {"status": status, "database": storage != "unreachable", "storage": storage,
            "ruleset_version": rules.version, "ruleset_status": rules.status, "ruleset_error": rules.error,
            "ruleset_source": rules.source, "ruleset_pending": rules.pending}
    response = jsonify(body)
    response.headers[RULESET_HEADER] = rules.status
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ok else 503

"""`/healthz`: is this server able to take a submission? (database reachable and writable, rule set loaded)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, jsonify

from ..storage import Database
from .database import get_db
from .rules_reload import ruleset_state

bp = Blueprint("health", __name__)
RULESET_HEADER = "Suitability-Ruleset-Status"  # current | stale | unavailable, for load balancers' checks
MIN_FREE_BYTES = 1 << 20  # room for a submission's pages, its WAL frames and the journal


def storage_state(db: Database) -> str:
    """Can a submission be written? "ok", "unreachable", or for an SQLite file "read-only" or "full" (a ping
    only reads, so it passes on a full disk where every submission would fail)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return "ok" if db.ping() else "unreachable"  # PostgreSQL minds its own disk: a failed write is a 503
    path = Path(url.database.removeprefix("file:").split("?", 1)[0])
    try:
        room = os.statvfs(path.parent)
    except OSError:
        return "unreachable"
    if url.query.get("mode") == "ro" or room.f_flag & os.ST_RDONLY \
            or (path.exists() and not os.access(path, os.W_OK)):
        return "read-only"
    if not db.ping():
        return "unreachable"
    return "full" if room.f_bavail * room.f_frsize < MIN_FREE_BYTES else "ok"


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

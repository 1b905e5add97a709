"""`/healthz`: is this server able to take a submission? (database reachable, rule set loaded)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..errors import SuitabilityError
from ..screening import default_screener
from .database import get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        ruleset = default_screener().ruleset.version
    except SuitabilityError:
        ruleset = None
    database = get_db().ping()
    ok = database and ruleset is not None
    body = {"status": "ok" if ok else "unavailable", "database": database, "ruleset_version": ruleset}
    return jsonify(body), 200 if ok else 503

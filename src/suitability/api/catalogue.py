"""GET /api/v1/rules, /api/v1/schema/intake and /api/v1/health: what this server screens with, and whether it can."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from ..fhir.codes import package_version
from ..intake import Intake
from ..services.health import RULESET_HEADER, storage_state
from . import db


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def rules() -> Response:
    ruleset = db.screener().ruleset
    return _json({
        "name": ruleset.name, "version": ruleset.version, "profile": ruleset.profile,
        "rules": [{"id": r.id, "title": r.title, "topic": r.topic,
                   "outcome": r.outcome.value if r.outcome else None, "depth_cap_mm": r.depth_cap_mm,
                   "sources": list(r.sources)} for r in ruleset.rules],
    })


def intake_schema() -> Response:
    return _json(Intake.model_json_schema())


def health() -> Response:
    """200 "ok"; 200 "stale" when edited rules were refused and the last good ones serve; 503 "degraded"."""
    rules = db.ruleset_state()
    version = rules.version or "unavailable"
    storage = storage_state(db.database())
    ok = storage == "ok" and rules.version is not None
    status = ("stale" if rules.status == "stale" else "ok") if ok else "degraded"
    body = {"status": status, "version": package_version(), "ruleset_version": version,
            "ruleset_status": rules.status, "ruleset_error": rules.error, "database": storage != "unreachable",
            "storage": storage}
    response = _json(body, 200 if ok else 503)
    response.headers["Cache-Control"] = "no-store"
    response.headers[RULESET_HEADER] = rules.status
    return response

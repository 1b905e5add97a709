"""GET /api/v1/rules, /api/v1/schema/intake and /api/v1/health: what this server screens with, and whether it can."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from ..errors import SuitabilityError
from ..fhir.codes import package_version
from ..intake import Intake
from ..screening import default_screener
from ..web.database import get_db


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def rules() -> Response:
    ruleset = default_screener().ruleset
    return _json({
        "name": ruleset.name, "version": ruleset.version, "profile": ruleset.profile,
        "rules": [{"id": r.id, "title": r.title, "topic": r.topic,
                   "outcome": r.outcome.value if r.outcome else None, "depth_cap_mm": r.depth_cap_mm,
                   "sources": list(r.sources)} for r in ruleset.rules],
    })


def intake_schema() -> Response:
    return _json(Intake.model_json_schema())


def health() -> Response:
    try:
        version = default_screener().ruleset.version
    except SuitabilityError:
        version = "unavailable"
    database = get_db().ping()
    ok = database and version != "unavailable"
    body = {"status": "ok" if ok else "degraded", "version": package_version(), "ruleset_version": version,
            "database": database}
    response = _json(body, 200 if ok else 503)
    response.headers["Cache-Control"] = "no-store"
    return response

"""POST /api/v1/screenings and GET /api/v1/screenings/{id}: translators between HTTP and the service."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g, request, url_for

from ..decision import Decision
from ..services.observe import observed
from ..services.submission import Case, Source, api_key, intake_of, owned_case, submit
from ..wording.language import localised, page_language
from . import db
from .problems import Problem
from .service import check_idempotency_key, parse_screening


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json", headers=headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def case_link(case: Case) -> dict[str, str]:
    return {"id": case.id, "reference": case.reference, "url": url_for("api.get_screening", case_id=case.id)}


def create_screening() -> Response:
    """Screen an intake; with "store": true also keep it as a case (once per Idempotency-Key). The patient texts
    are in the language Accept-Language asks for (said in Content-Language); the case keeps the English."""
    key = check_idempotency_key(request.headers.get("Idempotency-Key"))
    call = parse_screening(request.get_data(cache=False), current_app.config["CLINIC_ZONE"])
    screener = observed("api", db.screener(), db.metrics())
    if not call.store:
        decision: Decision = screener.screen(call.intake)
        return _json({"decision": localised(decision, db.screener(), call.intake).model_dump(mode="json")}, 200)
    done = submit(db.database(), call.intake, screener=screener, events=db.events(), source=Source.API,
                  idempotency_key=api_key(Source.API, g.api_key_id, key), body_hash=call.digest,
                  actor=f"api-key:{g.api_key_id}", api_key_id=g.api_key_id,
                  language=page_language(), external_reference=call.external_reference)
    case = done.case
    body = {"decision": localised(done.decision, db.screener(), call.intake).model_dump(mode="json"),
            "case": case_link(case)}
    headers = {"Location": case_link(case)["url"]}
    if not done.created:
        headers["Idempotent-Replayed"] = "true"
    return _json(body, 201, headers)


def get_screening(case_id: str) -> Response:
    """A case this key stored: its decision and review status (404 for any other id, so ids cannot be probed)."""
    case = owned_case(db.session(), case_id, g.api_key_id)
    if case is None:
        raise Problem(404, None, "There is no case with this id for this API key.")
    decision = localised(Decision.model_validate(case.decision), db.screener(), intake_of(case))
    return _json({
        "id": case.id, "reference": case.reference, "created_at": case.created_at.isoformat(),
        "source": case.source.value, "outcome": case.outcome.value, "needs_review": case.needs_review,
        "review_status": case.review_status.value, "external_reference": case.external_reference,
        "decision": decision.model_dump(mode="json"),
    }, 200)

"""POST /api/v1/screenings and GET /api/v1/screenings/{id}: translators between HTTP and the service."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g, request, url_for
from sqlalchemy import select

from ..decision import Decision
from ..storage import Case, Source, get_case
from ..web.observe import observed
from . import db
from .models import ApiSubmission
from .problems import Problem
from .service import check_idempotency_key, parse_screening, store


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json", headers=headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def case_link(case: Case) -> dict[str, str]:
    return {"id": case.id, "reference": case.reference, "url": url_for("api.get_screening", case_id=case.id)}


def create_screening() -> Response:
    """Screen an intake; with "store": true also keep it as a case (once per Idempotency-Key)."""
    key = check_idempotency_key(request.headers.get("Idempotency-Key"))
    call = parse_screening(request.get_data(cache=False), current_app.config["CLINIC_ZONE"])
    decision: Decision = observed("api")(call.intake)
    if not call.store:
        return _json({"decision": decision.model_dump(mode="json")}, 200)
    case, created, stored = store(db.session(), call.intake, decision, api_key_id=g.api_key_id,
                                  idempotency_key=key, digest=call.digest, source=Source.API,
                                  external_reference=call.external_reference)
    body = {"decision": stored.model_dump(mode="json"), "case": case_link(case)}
    headers = {"Location": case_link(case)["url"]}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return _json(body, 201, headers)


def get_screening(case_id: str) -> Response:
    """A case this key stored: its decision and review status (404 for any other id, so ids cannot be probed)."""
    session = db.session()
    owner = session.scalar(select(ApiSubmission.api_key_id).where(ApiSubmission.case_id == case_id))
    case = get_case(session, case_id) if owner == g.api_key_id else None
    if case is None:
        raise Problem(404, None, "There is no case with this id for this API key.")
    decision = Decision.model_validate(case.decision)
    return _json({
        "id": case.id, "reference": case.reference, "created_at": case.created_at.isoformat(),
        "source": case.source.value, "outcome": case.outcome.value, "needs_review": case.needs_review,
        "review_status": case.review_status.value, "external_reference": case.external_reference,
        "decision": decision.model_dump(mode="json"),
    }, 200)

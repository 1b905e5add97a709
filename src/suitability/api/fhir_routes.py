"""GET /fhir/Questionnaire/microneedling-prescreen and POST /fhir/QuestionnaireResponse (application/fhir+json)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g, request, url_for

from ..fhir import FHIR_JSON, ResponseInvalid, decision_to_fhir, intake_from_response, questionnaire
from ..fhir.codes import BASE
from ..fhir.questionnaire import Wording
from ..services.observe import observed
from ..services.submission import Source, api_key, submit
from ..wording.labels import LABELS
from ..wording.language import LANGUAGES, translator
from . import db
from .problems import Problem
from .service import canonical_hash, check_idempotency_key, parse_external_reference, read_json


def _fhir(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype=FHIR_JSON, headers=headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def get_questionnaire() -> Response:
    """The Questionnaire in English with every text's translation; options worded as the web form words them."""
    words = Wording(labels=LABELS, translations={code: translator(code) for code in LANGUAGES if code != "en"})
    return _fhir(questionnaire(db.screener().ruleset.version, words))


def _posted() -> Any:
    if request.mimetype not in (FHIR_JSON, "application/json"):
        raise Problem(415, None, "Send the QuestionnaireResponse as application/fhir+json.")
    try:
        return read_json(request.get_data(cache=False))
    except (ValueError, RecursionError):
        raise Problem(400, None, "The body is not valid JSON.") from None


def _identifier(qr: dict[str, Any]) -> str | None:
    """QuestionnaireResponse.identifier.value: the caller's own reference for the case, stored with it."""
    identifier = qr.get("identifier")
    value = identifier.get("value") if isinstance(identifier, dict) else None
    if value is None:
        return None
    try:
        return parse_external_reference(value)
    except ValueError as exc:
        raise Problem(422, None, "The QuestionnaireResponse cannot be screened.",
                      errors=[{"field": "QuestionnaireResponse.identifier.value", "message": str(exc)}]) from None


def post_response() -> Response:
    """Screen a QuestionnaireResponse; with ?store=true also keep the case. The decision comes back as a Bundle."""
    key = check_idempotency_key(request.headers.get("Idempotency-Key"))
    posted = _posted()
    try:
        intake = intake_from_response(posted, current_app.config["CLINIC_ZONE"])
    except ResponseInvalid as exc:
        raise Problem(422, None, "The QuestionnaireResponse cannot be screened.", errors=exc.errors) from None
    screener = observed("fhir", db.screener(), db.metrics())
    qr = posted if isinstance(posted, dict) else {}
    subject = qr.get("subject") if isinstance(qr.get("subject"), dict) else None
    basis = {"reference": f"QuestionnaireResponse/{qr['id']}"} if isinstance(qr.get("id"), str) else None
    if request.args.get("store") != "true":
        return _fhir(decision_to_fhir(screener.screen(intake), subject=subject, basis=basis))
    external = _identifier(qr)
    done = submit(db.database(), intake, screener=screener, events=db.events(), source=Source.FHIR,
                  idempotency_key=api_key(Source.FHIR, g.api_key_id, key), body_hash=canonical_hash(posted),
                  actor=f"api-key:{g.api_key_id}", api_key_id=g.api_key_id,
                  external_reference=external)
    case, created, stored = done.case, done.created, done.decision
    identifiers = [{"system": f"{BASE}/case-id", "value": case.id},
                   {"system": f"{BASE}/case-reference", "value": case.reference}]
    headers = {"Location": url_for("api.get_screening", case_id=case.id)}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return _fhir(decision_to_fhir(stored, subject=subject, basis=basis, identifiers=identifiers), 201, headers)

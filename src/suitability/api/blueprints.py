"""The API and FHIR blueprints, their guards, and `register(app)` (called by `suitability.api.init_app`; the app
factory exempts both from CSRF)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app
from werkzeug.exceptions import HTTPException, InternalServerError

from . import analytics, auth, catalogue, checkin, db, docs, fhir_routes, problems, screenings
from .webhooks.runtime import DEFAULTS as WEBHOOK_DEFAULTS
from .webhooks.runtime import ensure_sender

api = Blueprint("api", __name__, url_prefix="/api/v1")
fhir = Blueprint("fhir", __name__, url_prefix="/fhir")
NO_OPTIONS: dict[str, Any] = {"provide_automatic_options": False}  # OPTIONS would answer an empty HTML page

api.add_url_rule("/screenings", view_func=screenings.create_screening, methods=["POST"], **NO_OPTIONS)
api.add_url_rule("/screenings/<case_id>", view_func=screenings.get_screening, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/cases/<case_id>/check-in", view_func=checkin.get_check_in, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/cases/<case_id>/check-in", view_func=checkin.post_check_in, methods=["POST"], **NO_OPTIONS)
api.add_url_rule("/analytics/rules", view_func=analytics.analytics_rules, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/rules", view_func=catalogue.rules, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/schema/intake", view_func=catalogue.intake_schema, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/health", view_func=catalogue.health, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/openapi.json", view_func=docs.openapi, methods=["GET"], **NO_OPTIONS)
api.add_url_rule("/docs", view_func=docs.docs, methods=["GET"], **NO_OPTIONS)
fhir.add_url_rule("/Questionnaire/microneedling-prescreen", view_func=fhir_routes.get_questionnaire,
                  methods=["GET"], **NO_OPTIONS)
fhir.add_url_rule("/QuestionnaireResponse", view_func=fhir_routes.post_response, methods=["POST"], **NO_OPTIONS)

for bp in (api, fhir):
    bp.before_request(auth.authenticate)
    bp.after_request(auth.rate_headers)
    bp.teardown_request(db.close)
    for exc in (Exception, HTTPException, InternalServerError):
        bp.register_error_handler(exc, problems.handle)


@api.before_app_request
def _start_sender() -> None:
    ensure_sender(current_app._get_current_object())  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    """Register the API and FHIR blueprints on the app, with their configuration defaults."""
    for key, value in WEBHOOK_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_RATE_LIMIT", auth.DEFAULT_RATE_LIMIT)
    app.register_blueprint(api)
    app.register_blueprint(fhir)
    problems.install(app)


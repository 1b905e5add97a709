"""Errors of the API and FHIR endpoints: one table from exception to status, two renderings, never HTML.

`/api/` paths answer RFC 9457 problem details (`application/problem+json`); `/fhir/` paths answer an
OperationOutcome (`application/fhir+json`). Every field error is listed and no message quotes the input.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import SuitabilityError, where_it_failed
from ..fhir.codes import FHIR_JSON
from ..fhir.outcome import operation_outcome
from ..services.errors import IdempotencyConflict, StorageError, failure_kinds
from .service import InvalidRequest

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
PREFIXES = ("/api/", "/fhir/")
DOCS = "/api/v1/docs"
# The problem types this API defines; each has an anchor on the docs page.
TYPES = {
    "invalid-request": "The request is not valid",
    "unauthorized": "A valid API key is required",
    "forbidden": "The API key may not do this",
    "rate-limited": "Too many requests",
    "idempotency-conflict": "The idempotency key was used for a different request",
    "unavailable": "The service is temporarily unavailable",
}
FHIR_CODE = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
             413: "too-costly", 415: "not-supported", 422: "invalid", 429: "throttled", 503: "transient"}


class Problem(Exception):
    """An error answer: status, a type from TYPES (or a plain HTTP one), detail, field errors, headers."""

    def __init__(self, status: int, kind: str | None = None, detail: str | None = None, *,
                 errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> None:
        self.status, self.kind, self.detail = status, kind, detail
        self.errors, self.headers = errors, headers or {}
        super().__init__(detail or kind or str(status))


def render(problem: Problem) -> Response:
    """The problem as problem+json, or as an OperationOutcome on FHIR paths."""
    if request.path.startswith("/fhir/"):
        errors = problem.errors or [{"field": request.path, "message": problem.detail or _title(problem)}]
        body: dict[str, Any] = operation_outcome(errors, FHIR_CODE.get(problem.status, "processing"))
        mimetype = FHIR_JSON
    else:
        body = {"type": f"{DOCS}#{problem.kind}" if problem.kind else "about:blank", "title": _title(problem),
                "status": problem.status}
        if problem.detail:
            body["detail"] = problem.detail
        if problem.errors is not None:
            body["errors"] = problem.errors
        mimetype = PROBLEM_JSON
    response = Response(json.dumps(body), status=problem.status, mimetype=mimetype)
    response.headers.update(problem.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _title(problem: Problem) -> str:
    if problem.kind:
        return TYPES[problem.kind]
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(problem.status, "Error")


def as_problem(exc: BaseException) -> Problem:
    """The one exception-to-status table."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, InvalidRequest):
        return Problem(exc.status, "invalid-request", f"{len(exc.errors)} problem(s); see errors.",
                       errors=exc.errors)
    if isinstance(exc, IdempotencyConflict):
        return Problem(422, "idempotency-conflict", "Send a new Idempotency-Key for a different request.")
    if isinstance(exc, (StorageError, SQLAlchemyError)):  # logged by type only: the text quotes parameters
        log.error("database error, 503 on %s %s: %s", request.method, request.path, failure_kinds(exc))
        return Problem(503, "unavailable", "Nothing was stored. Try again with the same Idempotency-Key.",
                       headers={"Retry-After": "5"})
    if isinstance(exc, SuitabilityError):  # e.g. no rule set can be loaded: cannot screen now, nothing stored
        log.error("cannot answer on %s %s: %s", request.method, request.path, type(exc).__name__)
        return Problem(503, "unavailable", "The service cannot screen now; nothing was stored. Try again later.",
                       headers={"Retry-After": "30"})
    if isinstance(exc, HTTPException):
        headers = {"Allow": ", ".join(exc.valid_methods)} if isinstance(exc, MethodNotAllowed) and \
            exc.valid_methods else {}
        return Problem(exc.code or 500, None, exc.description, headers=headers)
    log.error("unhandled error on %s %s: %s", request.method, request.path, where_it_failed(exc))
    return Problem(500, None, "Something went wrong on our side; nothing about it was shown to anyone.")


def handle(exc: BaseException) -> Response:
    return render(as_problem(exc))


def _is_ours() -> bool:
    return request.path.startswith(PREFIXES) or request.path in ("/api", "/fhir")


def install(app: Flask) -> None:
    """App-wide guards for our paths: routing errors (404/405) and any HTML that would otherwise escape."""

    @app.before_request
    def _routing_errors() -> Response | None:
        error = request.routing_exception
        if error is not None and _is_ours():
            return handle(error)
        return None

    @app.after_request
    def _never_html(response: Response) -> Response:
        if _is_ours() and response.mimetype not in ("application/json", PROBLEM_JSON, FHIR_JSON) \
                and request.endpoint != "api.docs":
            return render(Problem(response.status_code if response.status_code >= 400 else 500))
        return response

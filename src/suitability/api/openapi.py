"""The OpenAPI 3.1 document, generated from the pydantic models (Intake, Decision, the API's own documents)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..decision import Decision
from ..fhir.codes import FHIR_JSON, QUESTIONNAIRE_ID, package_version
from ..intake import Intake
from .analytics_schemas import ANALYTICS_MODELS, analytics_paths
from .checkin_schemas import CHECKIN_MODELS, checkin_paths
from .problems import PROBLEM_JSON, TYPES
from .schemas import CaseView, Health, Problem, RuleCatalogue, ScreeningRequest, ScreeningResult

REF = "#/components/schemas/{model}"
EXAMPLE_INTAKE: dict[str, Any] = {
    "date_of_birth": "1990-05-17", "fitzpatrick": "III", "pregnant": "no", "breastfeeding": "no",
    "isotretinoin": "no", "retinoid": "yes", "cold_sore_history": "yes", "setting": "clinic",
    "modality": "mechanical", "treatments": [{"area": "cheeks", "concern": "acne_scars"}],
    "screening_date": "2026-03-02", "appointment_date": "2026-03-20",
}
MODELS: list[tuple[type[BaseModel], Any]] = [
    (ScreeningRequest, "validation"), (ScreeningResult, "serialization"), (CaseView, "serialization"),
    (RuleCatalogue, "serialization"), (Health, "serialization"), (Problem, "serialization"),
    (Intake, "validation"), (Decision, "serialization"), *CHECKIN_MODELS, *ANALYTICS_MODELS,
]
FHIR_RESOURCE = {"type": "object", "required": ["resourceType"], "properties": {"resourceType": {"type": "string"}}}
# The intake's own schema keywords (intake.question: the form's page, when a follow-up is asked, what a blank
# date means) are not OpenAPI keywords: in this document they are `x-` extensions, which tools accept.
EXTENSIONS = {"topic": "x-topic", "enable_when": "x-enable-when", "blank_means": "x-blank-means"}
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
LICENSE = {"name": "Apache-2.0", "identifier": "Apache-2.0"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _ref("Problem")}}}


def _fhir(description: str, resource: str) -> dict[str, Any]:
    schema = {**FHIR_RESOURCE, "properties": {"resourceType": {"const": resource}}}
    return {"description": description, "content": {FHIR_JSON: {"schema": schema}}}


def _json(description: str, schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


AUTH_ERRORS = {"401": _problem("No live API key."), "429": _problem("Rate limit reached; see Retry-After.")}
# Health and this document need no key and read no input, so no refusal is expected; any there were would
# come in the API's one error format.
PUBLIC_REFUSAL = _problem("A refused request (none expected: no key and no input are needed here).")
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "description": "With store: a retry with the same key returns the first response and stores "
                              "nothing twice; the same key with a different body is refused (422).",
               "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[\\x21-\\x7e]+$"}}


def as_extensions(schema: Any) -> Any:
    """A copy of a JSON Schema with the intake's keywords renamed to their `x-` form (property names kept)."""
    if isinstance(schema, list):
        return [as_extensions(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    renamed: dict[str, Any] = {}
    for key, value in schema.items():
        key = str(key)
        if key in SCHEMA_MAPS and isinstance(value, dict):
            renamed[key] = {name: as_extensions(sub) for name, sub in value.items()}
        elif key in ("example", "examples", "default", "const", "enum"):
            renamed[key] = value  # data, not schema
        else:
            renamed[EXTENSIONS.get(key, key)] = as_extensions(value)
    return renamed


def _operations(example_decision: dict[str, Any] | None) -> dict[str, Any]:
    fhir_errors = {code: _fhir(text, "OperationOutcome") for code, text in (
        ("401", "No live API key."), ("429", "Rate limit reached."), ("404", "Not found."))}
    result = {"decision": example_decision} if example_decision else None
    return {
        "/api/v1/screenings": {"post": {
            "operationId": "createScreening", "summary": "Screen an intake (and store it as a case with store: true)",
            "parameters": [IDEMPOTENCY],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("ScreeningRequest"), "example": {"intake": EXAMPLE_INTAKE, "store": False}}}},
            "responses": {
                "200": _json("The decision (nothing stored).", _ref("ScreeningResult"), result),
                "201": {**_json("The decision and the stored case.", _ref("ScreeningResult")),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                "400": _problem("The body is not JSON, or the Idempotency-Key is malformed."),
                "413": _problem("The body is too large."),
                "422": _problem("The intake is not valid (every field error is listed), or the "
                                "Idempotency-Key was used for a different body."),
                "503": _problem("The case could not be stored; nothing was. Retry with the same key."),
                **AUTH_ERRORS}}},
        "/api/v1/screenings/{case_id}": {"get": {
            "operationId": "getScreening", "summary": "A case stored with this key: decision and review status",
            "parameters": [{"name": "case_id", "in": "path", "required": True,
                            "schema": {"type": "string", "maxLength": 64}}],
            "responses": {"200": _json("The case.", _ref("CaseView")),
                          "404": _problem("No case with this id for this key."), **AUTH_ERRORS}}},
        "/api/v1/rules": {"get": {
            "operationId": "listRules", "summary": "The rule catalogue and its version",
            "responses": {"200": _json("The rules in use.", _ref("RuleCatalogue")), **AUTH_ERRORS}}},
        "/api/v1/schema/intake": {"get": {
            "operationId": "intakeSchema", "summary": "The intake as JSON Schema (2020-12)",
            "responses": {"200": _json("The JSON Schema.", {"type": "object"}), **AUTH_ERRORS}}},
        "/api/v1/health": {"get": {
            "operationId": "health", "summary": "Can this server screen and store?", "security": [],
            "responses": {"200": _json("Ready.", _ref("Health")), "503": _json("Not ready.", _ref("Health")),
                          "4XX": PUBLIC_REFUSAL}}},
        "/api/v1/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document", "security": [],
            "responses": {"200": _json("OpenAPI 3.1.", {"type": "object"}), "4XX": PUBLIC_REFUSAL}}},
        f"/fhir/Questionnaire/{QUESTIONNAIRE_ID}": {"get": {
            "operationId": "fhirQuestionnaire", "summary": "The intake as an SDC Questionnaire (FHIR R4)",
            "responses": {"200": _fhir("The Questionnaire.", "Questionnaire"), **fhir_errors}}},
        "/fhir/QuestionnaireResponse": {"post": {
            "operationId": "fhirScreen", "summary": "Screen a QuestionnaireResponse; the decision as a FHIR Bundle",
            "parameters": [IDEMPOTENCY, {"name": "store", "in": "query", "required": False,
                                         "description": "true: also store a case (as POST /screenings).",
                                         "schema": {"type": "string", "enum": ["true", "false"]}}],
            "requestBody": {"required": True, "content": {FHIR_JSON: {"schema": {
                **FHIR_RESOURCE, "properties": {"resourceType": {"const": "QuestionnaireResponse"}}}}}},
            "responses": {"200": _fhir("The decision (nothing stored).", "Bundle"),
                          "201": _fhir("The decision; the case is stored.", "Bundle"),
                          "400": _fhir("Not JSON.", "OperationOutcome"),
                          "413": _fhir("Too large.", "OperationOutcome"),
                          "415": _fhir("Send application/fhir+json or application/json.", "OperationOutcome"),
                          "422": _fhir("Every problem with the response.", "OperationOutcome"),
                          "503": _fhir("Not stored; retry.", "OperationOutcome"), **fhir_errors}}},
        **checkin_paths(_ref, _problem, _json, AUTH_ERRORS),
        **analytics_paths(_ref, _problem, _json, AUTH_ERRORS),
    }


def openapi_document(example_decision: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole document; `example_decision` (the example intake's decision) is shown as a response example."""
    _, schemas = models_json_schema(MODELS, ref_template=REF)
    problems = "\n".join(f"- `{kind}`: {title}" for kind, title in TYPES.items())
    return {
        "openapi": "3.1.0",
        "info": {"title": "suitability API", "version": package_version(), "license": LICENSE,
                 "description": "Pre-screening for microneedling. Authenticate with `Authorization: Bearer "
                                "<key>` (`suitability keys add NAME`). Errors are RFC 9457 problem details "
                                "(FHIR paths: OperationOutcome). Problem types, under `/api/v1/docs#`:\n"
                                + problems},
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "paths": _operations(example_decision),
        "components": {"schemas": as_extensions(schemas.get("$defs", {})),
                       "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                                      "description": "An API key: sk_<prefix>_<secret>."}}},
    }

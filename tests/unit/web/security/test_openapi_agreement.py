"""The OpenAPI document and the handlers agree on the requests schemathesis found them disagreeing on: what
the document calls valid is accepted, what it calls invalid is refused."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.common.security_support import api_key, example_intake


def document(client: FlaskClient) -> dict[str, Any]:
    return dict(client.get("/api/v1/openapi.json").get_json())


def test_a_whole_number_written_with_a_fraction_is_a_valid_integer(app: Flask, client: FlaskClient) -> None:
    auth = api_key(app)
    response = client.post("/api/v1/cases/no-such-case/check-in", headers=auth,
                           json={"on": "2026-03-02", "answers": {}, "version": 268435457.0})
    assert response.status_code == 404  # read as version 268435457, then the case is not found
    response = client.post("/api/v1/screenings", headers=auth, json={"intake": example_intake(age=35.0, date_of_birth=None)})
    assert response.status_code == 200, response.get_json()
    response = client.post("/api/v1/screenings", headers=auth, json={"intake": example_intake(age=35.5, date_of_birth=None)})
    assert response.status_code == 422


def test_a_check_in_version_is_bounded_in_the_document_and_the_handler(app: Flask, client: FlaskClient) -> None:
    version = document(client)["components"]["schemas"]["CheckInRequest"]["properties"]["version"]
    assert version["anyOf"][0]["maximum"] == 2 ** 31 - 1
    response = client.post("/api/v1/cases/no-such-case/check-in", headers=api_key(app),
                           json={"on": "2026-03-02", "answers": {}, "version": 10 ** 12})
    assert response.status_code == 422


def test_treatments_listed_twice_are_invalid_by_the_document_too(client: FlaskClient) -> None:
    intake = document(client)["components"]["schemas"]["Intake"]["properties"]
    assert intake["treatments"]["uniqueItems"] is True and intake["melasma_areas"]["uniqueItems"] is True


def test_an_empty_check_in_day_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/cases/no-such-case/check-in", query_string={"on": ""}, headers=api_key(app))
    assert response.status_code == 400


def test_the_fhir_body_must_be_a_questionnaire_response_by_the_document_too(client: FlaskClient) -> None:
    body = document(client)["paths"]["/fhir/QuestionnaireResponse"]["post"]["requestBody"]
    schema = body["content"]["application/fhir+json"]["schema"]
    assert schema["properties"]["resourceType"] == {"const": "QuestionnaireResponse"}
    assert schema["required"] == ["resourceType"]


def test_an_unknown_check_in_answer_name_is_not_echoed(app: Flask, client: FlaskClient) -> None:
    auth = api_key(app)
    stored = client.post("/api/v1/screenings", headers=auth, json={"intake": example_intake(), "store": True})
    assert stored.status_code == 201
    case_id = stored.get_json()["case"]["id"]
    response = client.post(f"/api/v1/cases/{case_id}/check-in", headers=auth,
                           json={"on": "2030-01-01", "answers": {"pregnant": "no", "Jane Doe is pregnant": "yes"}})
    assert response.status_code == 422
    assert "Jane Doe" not in response.get_data(as_text=True)
    assert any(e["field"] == "answers" and "unknown field (key " in e["message"]
               for e in response.get_json()["errors"])

"""Odd input at every door gets a 4xx that names the problem and never quotes what was sent: each test here is
one input that gave a 5xx, an echo, or an acceptance it should not have."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.security_support import (
    api_key,
    assert_refused_quietly,
    example_intake,
    make_user,
    sign_in,
    store_case,
)

from suitability.fhir import response_from_intake
from suitability.fhir.codes import QUESTIONNAIRE_URL
from suitability.intake import parse_intake

FHIR = "application/fhir+json"
CHUNKED = {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""}  # what gunicorn hands on for a chunked body


def fhir_response(**changes: Any) -> dict[str, Any]:
    return response_from_intake(parse_intake(example_intake(**changes)))


def test_a_questionnaire_response_nested_150_deep_is_refused_not_a_crash(app: Flask, client: FlaskClient) -> None:
    item: dict[str, Any] = {"linkId": "deepest"}
    for depth in range(150):
        item = {"linkId": f"level-{depth}", "item": [item]}
    posted = {"resourceType": "QuestionnaireResponse", "questionnaire": QUESTIONNAIRE_URL,
              "status": "completed", "item": [item]}
    response = client.post("/fhir/QuestionnaireResponse", json=posted, headers=api_key(app),
                           content_type=FHIR)
    assert_refused_quietly(response, "level-1", "deepest")
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_a_questionnaire_response_nested_a_little_is_still_screened(app: Flask, client: FlaskClient) -> None:
    response = client.post("/fhir/QuestionnaireResponse", json=fhir_response(), headers=api_key(app),
                           content_type=FHIR)
    assert response.status_code == 200, response.get_json()


def test_a_questionnaire_response_without_resource_type_is_refused(app: Flask, client: FlaskClient) -> None:
    posted = fhir_response()
    del posted["resourceType"]
    response = client.post("/fhir/QuestionnaireResponse", json=posted, headers=api_key(app), content_type=FHIR)
    assert response.status_code == 422
    assert "resourceType" in response.get_data(as_text=True)


def test_another_resource_type_is_refused(app: Flask, client: FlaskClient) -> None:
    posted = {**fhir_response(), "resourceType": "Patient"}
    response = client.post("/fhir/QuestionnaireResponse", json=posted, headers=api_key(app), content_type=FHIR)
    assert response.status_code == 422


@pytest.mark.parametrize("next_page", ["/practitioner/\r\nSet-Cookie: evil=1", "/practitioner/queue\n",
                                       "/practitioner/\x00", "https://evil.example/practitioner/"])
def test_an_unsafe_next_page_refuses_the_sign_in_before_anything_else(app: Flask, client: FlaskClient,
                                                                      next_page: str) -> None:
    make_user(app)
    response = sign_in(client, next=next_page)
    assert_refused_quietly(response, "evil", status=400)
    assert client.get("/practitioner/").status_code == 302  # not signed in
    assert "Set-Cookie: evil" not in str(response.headers)


def test_a_safe_next_page_is_followed(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    response = sign_in(client, next="/practitioner/export")
    assert response.status_code == 303 and response.headers["Location"].endswith("/practitioner/export")


def test_the_sign_in_page_does_not_carry_an_unsafe_next_page(client: FlaskClient) -> None:
    response = client.get("/practitioner/sign-in", query_string={"next": "/practitioner/\r\nevil-header"})
    assert response.status_code == 200
    assert "evil-header" not in response.get_data(as_text=True)


@pytest.mark.parametrize("start,end", [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01"),
                                       ("9999-12-30", "9999-12-31")])
def test_the_export_at_the_ends_of_the_calendar_is_refused_not_a_crash(signed_in: FlaskClient, start: str,
                                                                     end: str) -> None:
    response = signed_in.get("/practitioner/export", query_string={"start": start, "end": end})
    assert_refused_quietly(response, status=400)


@pytest.mark.parametrize("version", ["9" * 25, "9" * 12, "2147483648", "²", "١"])
def test_a_case_version_out_of_range_is_refused(app: Flask, signed_in: FlaskClient, version: str) -> None:
    case = store_case(app)
    response = signed_in.post(f"/practitioner/case/{case.id}/decide", data={"version": version,
                                                                          "action": "approve"})
    assert_refused_quietly(response, version if len(version) > 2 else "\x00", status=(400, 409))


@pytest.mark.parametrize("version", ["9" * 25, "²"])
def test_a_check_in_version_out_of_range_is_refused(app: Flask, signed_in: FlaskClient, version: str) -> None:
    case = store_case(app)
    response = signed_in.post(f"/practitioner/case/{case.id}/check-in",
                              data={"version": version, "on": "2026-03-01"})
    assert_refused_quietly(response, status=(400, 404, 409))


@pytest.mark.parametrize("age", ["²", "١٢", "３４", "1²", "9" * 30])
def test_an_age_in_other_digits_gets_the_form_error_and_is_never_logged(
        client: FlaskClient, caplog: pytest.LogCaptureFixture, age: str) -> None:
    assert client.post("/start", data={"consent": "yes"}).status_code == 302
    with caplog.at_level(logging.DEBUG):
        response = client.post("/questions/about-you", data={"age": age, "fitzpatrick": "II"})
    assert response.status_code == 400
    assert "Enter a whole number" in response.get_data(as_text=True)
    assert not any(age in record.getMessage() or age in (record.exc_text or "") for record in caplog.records)


def test_an_unexpected_error_is_logged_without_its_message(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise ValueError("invalid literal for int() with base 10: 'the patient is pregnant'")

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "ValueError" in logged and "pregnant" not in logged


SECRET_KEYS = ["Jane Doe is pregnant", "k" * 50_000]


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_an_unknown_answer_name_is_not_echoed(app: Flask, client: FlaskClient, key: str) -> None:
    response = client.post("/api/v1/screenings", json={"intake": {**example_intake(), key: "yes"}},
                           headers=api_key(app))
    assert_refused_quietly(response, key[:40], status=422)
    assert len(response.get_data()) < 2000
    assert any("unknown field" in e["message"] for e in response.get_json()["errors"])


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_an_unknown_envelope_name_is_not_echoed(app: Flask, client: FlaskClient, key: str) -> None:
    response = client.post("/api/v1/screenings", json={"intake": example_intake(), key: 1}, headers=api_key(app))
    assert_refused_quietly(response, key[:40], status=422)
    assert any("unknown field" in e["message"] for e in response.get_json()["errors"])


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_an_unknown_element_or_link_id_in_fhir_is_not_echoed(app: Flask, client: FlaskClient, key: str) -> None:
    posted = {**fhir_response(), key: "yes"}
    response = client.post("/fhir/QuestionnaireResponse", json=posted, headers=api_key(app), content_type=FHIR)
    assert_refused_quietly(response, key[:40], status=422)
    posted = fhir_response()
    posted["item"][0]["item"].append({"linkId": key, "answer": [{"valueBoolean": True}]})
    response = client.post("/fhir/QuestionnaireResponse", json=posted, headers=api_key(app), content_type=FHIR)
    assert_refused_quietly(response, key[:40], status=422)
    assert "unknown" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/screenings", "/fhir/QuestionnaireResponse"])
def test_a_10_mb_chunked_body_is_too_large_not_bad(app: Flask, client: FlaskClient, path: str) -> None:
    body = b'{"intake": {"notes": "' + b"x" * (10 * 1024 * 1024) + b'"}}'
    response = client.post(path, input_stream=io.BytesIO(body),
                           headers={**api_key(app), "Transfer-Encoding": "chunked",
                                    "Content-Type": "application/json"},
                           environ_overrides=CHUNKED)
    assert response.status_code == 413


def test_a_small_chunked_body_is_read_whole(app: Flask, client: FlaskClient) -> None:
    body = json.dumps({"intake": example_intake()}).encode()
    response = client.post("/api/v1/screenings", input_stream=io.BytesIO(body),
                           headers={**api_key(app), "Transfer-Encoding": "chunked",
                                    "Content-Type": "application/json"},
                           environ_overrides=CHUNKED)
    assert response.status_code == 200, response.get_json()


def test_the_same_melasma_area_twice_is_refused(app: Flask, client: FlaskClient) -> None:
    intake = example_intake(melasma="yes", melasma_areas=["cheeks", "cheeks"])
    response = client.post("/api/v1/screenings", json={"intake": intake}, headers=api_key(app))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["intake.melasma_areas"]

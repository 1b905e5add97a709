"""No HTML page and no stack trace ever leaves the API or FHIR paths: 404, 405, 413, 500 are problem details."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from suitability.api import auth as auth_module


def assert_problem(response: object, status: int, mimetype: str = "application/problem+json") -> None:
    assert response.status_code == status
    assert response.mimetype == mimetype
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower() and "Traceback" not in text


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/screenings", "/api/", "/api",
                                  "/api/v1/screenings/a/b"])
def test_unknown_api_paths_are_404_problems(client: FlaskClient, path: str) -> None:
    assert_problem(client.get(path), 404)


def test_unknown_fhir_paths_are_404_operation_outcomes(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.get("/fhir/Patient/1", headers=auth)
    assert_problem(response, 404, "application/fhir+json")
    assert response.get_json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/v1/rules"), ("PUT", "/api/v1/screenings"),
                                              ("GET", "/api/v1/screenings"), ("OPTIONS", "/api/v1/rules"),
                                              ("PATCH", "/fhir/QuestionnaireResponse")])
def test_wrong_methods_are_405_with_allow(client: FlaskClient, auth: dict[str, str], method: str,
                                          path: str) -> None:
    response = client.open(path, method=method, headers=auth)
    assert response.status_code == 405 and response.headers["Allow"]
    assert "<html" not in response.get_data(as_text=True).lower()


def test_a_bug_in_a_view_is_a_500_problem_without_a_trace(app: Flask, client: FlaskClient,
                                                          auth: dict[str, str]) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.view_functions["api.rules"] = boom
    app.view_functions["fhir.get_questionnaire"] = boom
    response = client.get("/api/v1/rules", headers=auth)
    assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert_problem(client.get("/fhir/Questionnaire/microneedling-prescreen", headers=auth), 500,
                   "application/fhir+json")


def test_a_database_outage_is_a_503_problem(client: FlaskClient, auth: dict[str, str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: object) -> None:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(auth_module, "verify_key", down)
    response = client.get("/api/v1/rules", headers=auth)
    assert_problem(response, 503)
    assert "connection refused" not in response.get_data(as_text=True)


def test_a_body_too_large_is_a_413_problem(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/screenings", data=b"{" + b" " * 200_000 + b"}", headers=auth,
                           content_type="application/json")
    assert_problem(response, 413)


def test_the_web_pages_still_get_html_errors(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_docs_page_is_html_and_loads_no_script(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "<script" not in text and "POST /api/v1/screenings" in text and 'id="idempotency-conflict"' in text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]

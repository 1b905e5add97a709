"""API keys: none, a wrong one and a revoked one get 401; each key has its own per-minute limit (429)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.api_examples import example
from tests.common.api_support import BOTH_BACKENDS, get_db_of, new_key

from suitability.services.api_keys import revoke_key

PROTECTED = [("GET", "/api/v1/rules"), ("GET", "/api/v1/schema/intake"), ("GET", "/api/v1/screenings/x"),
             ("POST", "/api/v1/screenings"), ("GET", "/fhir/Questionnaire/microneedling-prescreen"),
             ("POST", "/fhir/QuestionnaireResponse")]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_without_a_key_every_protected_path_is_401(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, json={"intake": example({})})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype in ("application/problem+json", "application/fhir+json")


@pytest.mark.parametrize("header", ["Bearer sk_000000000000_" + "A" * 43, "Bearer nonsense", "Basic dXNlcjpwdw==",
                                    "Bearer", ""])
def test_a_wrong_key_is_401(client: FlaskClient, token: str, header: str) -> None:
    response = client.get("/api/v1/rules", headers={"Authorization": header})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_401(client: FlaskClient, token: str) -> None:
    forged = token[: -4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/api/v1/rules", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert client.get("/api/v1/rules", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@BOTH_BACKENDS
def test_a_revoked_key_is_401_at_once(app: Flask, client: FlaskClient, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/rules", headers=headers).status_code == 200
    with get_db_of(app).session() as session:
        revoke_key(session, "booking-system")
    assert client.get("/api/v1/rules", headers=headers).status_code == 401


def test_public_paths_need_no_key(client: FlaskClient) -> None:
    for path in ("/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs"):
        assert client.get(path).status_code == 200, path


@BOTH_BACKENDS
def test_past_the_limit_a_key_gets_429_with_retry_after(app: Flask, client: FlaskClient) -> None:
    headers = {"Authorization": f"Bearer {new_key(app, 'small', rate_limit=3)}"}
    other = {"Authorization": f"Bearer {new_key(app, 'other', rate_limit=3)}"}
    statuses = [client.get("/api/v1/rules", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/rules", headers=headers)
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert client.get("/api/v1/rules", headers=other).status_code == 200  # limits are per key

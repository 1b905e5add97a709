"""An integration's own reference for a case: `external_reference` in the JSON envelope and
QuestionnaireResponse.identifier in FHIR are stored with the case, read back, and refused without being echoed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.api_examples import example
from tests.common.api_support import BOTH_BACKENDS, get_db_of

from suitability.fhir import response_from_intake
from suitability.intake import parse_intake
from suitability.storage import Case

FHIR = "application/fhir+json"


def stored_references(app: Flask) -> list[str | None]:
    with get_db_of(app).session() as session:
        return list(session.scalars(select(Case.external_reference)))


@BOTH_BACKENDS
def test_a_json_caller_stores_its_own_reference_with_the_case(app: Flask, client: FlaskClient,
                                                              auth: dict[str, str]) -> None:
    body = {"intake": example({"fitzpatrick": "V"}), "store": True, "external_reference": "  EHR-000123/7 "}
    response = client.post("/api/v1/screenings", json=body, headers=auth)
    assert response.status_code == 201
    read = client.get(response.get_json()["case"]["url"], headers=auth).get_json()
    assert read["external_reference"] == "EHR-000123/7"
    assert stored_references(app) == ["EHR-000123/7"]


def test_without_store_the_reference_is_not_kept(app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    body = {"intake": example({}), "external_reference": "EHR-1"}
    assert client.post("/api/v1/screenings", json=body, headers=auth).status_code == 200
    assert stored_references(app) == []


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, "line\nbreak-SECRET", 42, ["EHR"], {"v": "EHR"}])
def test_an_unusable_reference_is_refused_without_echoing_it(app: Flask, client: FlaskClient,
                                                             auth: dict[str, str], bad: Any) -> None:
    body = {"intake": example({}), "store": True, "external_reference": bad}
    response = client.post("/api/v1/screenings", json=body, headers=auth)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "external_reference" in text and "SECRET" not in text and "x" * 201 not in text
    assert stored_references(app) == []


def test_a_fhir_identifier_is_the_cases_external_reference(app: Flask, client: FlaskClient,
                                                           auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example({"pregnant": "yes"})))
    qr["identifier"] = {"system": "https://clinic.example/ehr", "value": "QR-2026-0042"}
    response = client.post("/fhir/QuestionnaireResponse?store=true", json=qr, headers={**auth, "Content-Type": FHIR})
    assert response.status_code == 201
    case = client.get(response.headers["Location"], headers=auth).get_json()
    assert case["external_reference"] == "QR-2026-0042" and case["source"] == "fhir"


def test_an_unusable_fhir_identifier_is_refused_and_nothing_is_stored(app: Flask, client: FlaskClient,
                                                                      auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example({})))
    qr["identifier"] = {"value": "Q" * 300 + "SECRET"}
    response = client.post("/fhir/QuestionnaireResponse?store=true", json=qr, headers={**auth, "Content-Type": FHIR})
    assert response.status_code == 422 and "SECRET" not in response.get_data(as_text=True)
    assert stored_references(app) == []

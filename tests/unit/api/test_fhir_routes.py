"""The FHIR endpoints: the Questionnaire, and a QuestionnaireResponse screened into a Bundle as the JSON API does."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from flask.testing import FlaskClient

from tests.common.api_examples import SPEC_EXAMPLES, example

from suitability.fhir import outcome_of, response_from_intake
from suitability.intake import parse_intake

FHIR = "application/fhir+json"


def post_qr(client: FlaskClient, auth: dict[str, str], qr: Any, query: str = "", **headers: str) -> Any:
    return client.post(f"/fhir/QuestionnaireResponse{query}", json=qr,
                       headers={**auth, "Content-Type": FHIR, **headers})


def test_the_questionnaire_is_served_as_fhir_json(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.get("/fhir/Questionnaire/microneedling-prescreen", headers=auth)
    assert response.status_code == 200 and response.mimetype == FHIR
    assert Questionnaire.model_validate(response.get_json()).status == "active"


@pytest.mark.parametrize(("name", "changes", "outcome", "earliest"), SPEC_EXAMPLES, ids=[e[0] for e in SPEC_EXAMPLES])
def test_fhir_and_json_give_the_same_decision(client: FlaskClient, auth: dict[str, str], name: str,
                                              changes: dict[str, Any], outcome: str, earliest: str | None) -> None:
    data = example(changes)
    as_json = client.post("/api/v1/screenings", json={"intake": data}, headers=auth).get_json()["decision"]
    response = post_qr(client, auth, response_from_intake(parse_intake(data)))
    assert response.status_code == 200 and response.mimetype == FHIR
    bundle = response.get_json()
    Bundle.model_validate(bundle)
    assert outcome_of(bundle).value == as_json["outcome"] == outcome
    params = {p["name"]: p for p in bundle["entry"][0]["resource"]["contained"][0]["parameter"]}
    assert params.get("earliestDate", {}).get("valueDate") == as_json["earliest_date"] == earliest
    rules = [p["outcome"]["coding"][0]["code"] for p in bundle["entry"][1]["resource"].get("prediction", [])]
    assert rules == [f["rule_id"] for f in as_json["findings"]]


def test_store_keeps_a_case_once_per_idempotency_key(client: FlaskClient, auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example({"pregnant": "yes"})))
    first = post_qr(client, auth, qr, "?store=true", **{"Idempotency-Key": "qr-1"})
    again = post_qr(client, auth, qr, "?store=true", **{"Idempotency-Key": "qr-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    ids = {i["system"].rsplit("/", 1)[-1]: i["value"] for i in first.get_json()["entry"][0]["resource"]["identifier"]}
    case = client.get(first.headers["Location"], headers=auth).get_json()
    assert case["id"] == ids["case-id"] and case["reference"] == ids["case-reference"]
    assert case["source"] == "fhir" and case["outcome"] == "not_suitable"


def test_an_invalid_response_gets_an_operation_outcome_listing_every_issue(client: FlaskClient,
                                                                          auth: dict[str, str]) -> None:
    qr = response_from_intake(parse_intake(example({})))
    qr["item"][0]["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 44}]})
    qr["item"][0]["item"].append({"linkId": "mood", "answer": [{"valueString": "private words"}]})
    response = post_qr(client, auth, qr)
    assert response.status_code == 422 and response.mimetype == FHIR
    outcome = response.get_json()
    assert outcome["resourceType"] == "OperationOutcome"
    last = len(qr["item"][0]["item"]) - 1  # unknown linkIds are given by position, never by name
    assert {i["expression"][0] for i in outcome["issue"]} == {
        f"QuestionnaireResponse.item[0].item[{n}].linkId" for n in (last - 1, last)}
    for sent in ("private words", "shoe_size", "mood"):
        assert sent not in response.get_data(as_text=True)


def test_not_json_and_wrong_media_types_are_operation_outcomes(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post("/fhir/QuestionnaireResponse", data=b"<xml/>", headers={**auth, "Content-Type": FHIR})
    assert response.status_code == 400 and response.mimetype == FHIR
    response = client.post("/fhir/QuestionnaireResponse", data=b"<xml/>",
                           headers={**auth, "Content-Type": "application/fhir+xml"})
    assert response.status_code == 415 and response.mimetype == FHIR

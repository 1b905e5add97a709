"""POST /api/v1/screenings: decisions, stored cases, idempotent retries, and problem details that list every
field error without quoting the patient's answers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.common.api_examples import example
from tests.common.api_support import BOTH_BACKENDS, get_db_of

from suitability.storage import Case


def post(client: FlaskClient, auth: dict[str, str], body: Any, key: str | None = None) -> Any:
    headers = {**auth, **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/v1/screenings", json=body, headers=headers)


def cases(app: Flask) -> int:
    with get_db_of(app).session() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def test_an_intake_gets_its_decision_and_nothing_is_stored(app: Flask, client: FlaskClient,
                                                           auth: dict[str, str]) -> None:
    response = post(client, auth, {"intake": example({"pregnant": "yes"})})
    assert response.status_code == 200
    assert response.get_json()["decision"]["outcome"] == "not_suitable"
    assert "case" not in response.get_json()
    assert cases(app) == 0


@BOTH_BACKENDS
def test_with_store_a_case_is_created_and_can_be_read_back(app: Flask, client: FlaskClient,
                                                           auth: dict[str, str]) -> None:
    response = post(client, auth, {"intake": example({"fitzpatrick": "V"}), "store": True})
    assert response.status_code == 201
    case = response.get_json()["case"]
    assert case["reference"].startswith("MN-") and response.headers["Location"] == case["url"]
    read = client.get(case["url"], headers=auth).get_json()
    assert read["review_status"] == "open" and read["needs_review"] is True
    assert read["decision"] == response.get_json()["decision"]
    assert read["outcome"] == "review" and read["source"] == "api"


@BOTH_BACKENDS
def test_same_idempotency_key_twice_gives_one_case_and_the_same_body(app: Flask, client: FlaskClient,
                                                                     auth: dict[str, str]) -> None:
    body = {"intake": example({}), "store": True}
    first = post(client, auth, body, key="order-1234")
    again = post(client, auth, body, key="order-1234")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert cases(app) == 1


@BOTH_BACKENDS
def test_same_idempotency_key_with_a_different_body_is_refused(app: Flask, client: FlaskClient,
                                                               auth: dict[str, str]) -> None:
    assert post(client, auth, {"intake": example({}), "store": True}, key="k-1").status_code == 201
    response = post(client, auth, {"intake": example({"pregnant": "yes"}), "store": True}, key="k-1")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("#idempotency-conflict")
    assert cases(app) == 1


def test_the_same_client_key_from_two_integrations_makes_two_cases(app: Flask, client: FlaskClient,
                                                                   auth: dict[str, str]) -> None:
    from tests.common.api_support import new_key

    other = {"Authorization": f"Bearer {new_key(app, 'other-system')}"}
    body = {"intake": example({}), "store": True}
    first = post(client, auth, body, key="1")
    second = post(client, other, body, key="1")
    assert first.get_json()["case"]["id"] != second.get_json()["case"]["id"]
    assert client.get(first.get_json()["case"]["url"], headers=other).status_code == 404  # not its case


def test_a_malformed_idempotency_key_is_a_problem(client: FlaskClient, auth: dict[str, str]) -> None:
    response = post(client, auth, {"intake": example({}), "store": True}, key="has spaces in it")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_every_field_error_is_listed_and_no_answer_is_echoed(client: FlaskClient, auth: dict[str, str]) -> None:
    intake = example({"pregnant": "perhaps-xyzzy", "age": 187, "date_of_birth": "1999-02-31",
                      "isotretinoin_last_dose": "2030-07-19", "favourite": "secret-plugh"})
    del intake["setting"]
    response = post(client, auth, {"intake": intake, "store": "yes-please"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert {"type", "title", "status", "errors"} <= set(problem) and problem["status"] == 422
    fields = {e["field"] for e in problem["errors"]}
    assert {"store", "intake", "intake.pregnant", "intake.age", "intake.date_of_birth", "intake.setting"} <= fields
    assert any(e["field"] == "intake" and "unknown field" in e["message"] for e in problem["errors"])
    text = response.get_data(as_text=True)
    for sent in ("perhaps-xyzzy", "187", "1999-02-31", "yes-please", "favourite", "secret-plugh"):
        assert sent not in text


def test_model_level_errors_are_listed_per_field_without_the_dates(client: FlaskClient,
                                                                   auth: dict[str, str]) -> None:
    intake = example({"isotretinoin": "past", "isotretinoin_last_dose": "2030-07-19",
                      "appointment_date": "2020-01-01"})
    response = post(client, auth, {"intake": intake})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"intake.isotretinoin_last_dose", "intake.appointment_date"} <= fields
    assert "2030-07-19" not in response.get_data(as_text=True)


def test_a_body_that_is_not_json_is_a_problem(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/screenings", data=b"{not json", headers=auth,
                           content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_body_that_is_not_an_object_is_a_problem(client: FlaskClient, auth: dict[str, str]) -> None:
    for body in ([], "intake", 3, [{"intake": {}}]):
        response = post(client, auth, body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"


def test_an_unknown_case_id_is_not_found(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.get("/api/v1/screenings/not-a-case", headers=auth)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"

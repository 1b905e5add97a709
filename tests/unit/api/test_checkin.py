"""The check-in through the API: GET lists only the due questions (patient wording), POST screens again with the
new answers; blank is "not sure"; other answers refused; only the key's own cases; conflicts refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.checkin_support import api_key, make_api_app, store_by_api, stored_state
from tests.common.minimal import SCREENING, minimal_intake

from suitability.api.webhooks.runtime import stop_sender
from suitability.deciding.validity import questions_to_reask
from suitability.screening import default_screener
from suitability.web.database import get_db
from suitability.web.patient.questions import QUESTIONS

ON = SCREENING + dt.timedelta(days=15)
DUE = questions_to_reask(minimal_intake(), ON, ruleset=default_screener().ruleset)
DATES = ("_date", "_last_use", "_last_dose")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_api_app(tmp_path)
    yield application
    stop_sender(application)
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(app: Flask) -> dict[str, str]:
    return api_key(app)


def url(case_id: str) -> str:
    return f"/api/v1/cases/{case_id}/check-in"


def all_no(**changes: Any) -> dict[str, Any]:
    return {**{q: "no" for q in DUE if not q.endswith(DATES)}, **changes}


def test_get_lists_only_the_due_questions_in_the_patients_words(client: FlaskClient, auth: dict[str, str]) -> None:
    case_id = store_by_api(client, auth)
    response = client.get(f"{url(case_id)}?on={ON.isoformat()}", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert tuple(q["name"] for q in body["questions"]) == DUE
    pregnant = next(q for q in body["questions"] if q["name"] == "pregnant")
    assert pregnant["text"] == QUESTIONS["pregnant"].text
    assert {"value": "not_sure", "label": "Not sure"} in pregnant["options"]
    tan_date = next(q for q in body["questions"] if q["name"] == "tan_date")
    assert (tan_date["follow_up_of"], tan_date["follow_up_when"]) == ("tan", ["yes"])
    assert body["valid_until"] == (SCREENING + dt.timedelta(days=7)).isoformat() and body["version"] == 0
    valid = client.get(f"{url(case_id)}?on={SCREENING.isoformat()}", headers=auth).get_json()
    assert valid["questions"] == []


def test_a_new_tan_at_check_in_changes_the_outcome_and_earliest_date(
        app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    case_id = store_by_api(client, auth)
    tan_date = (ON - dt.timedelta(days=2)).isoformat()
    response = client.post(url(case_id), json={"on": ON.isoformat(), "version": 0,
                                               "answers": all_no(tan="yes", tan_date=tan_date)}, headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["change"]["previous_outcome"] == "suitable" and body["change"]["outcome_changed"]
    assert body["decision"]["outcome"] == "defer" and body["decision"]["earliest_date"] > ON.isoformat()
    assert body["change"]["newly_applies"] and body["asked"] == list(DUE) and body["version"] == 1
    intake, decision, version, history = stored_state(app, case_id)
    assert (intake["tan_date"], decision["outcome"], version, history) == (tan_date, "defer", 1, 2)


@pytest.mark.parametrize("blank", ["", None, "left out"])
def test_a_blank_answer_is_not_sure_never_the_old_answer(
        app: Flask, client: FlaskClient, auth: dict[str, str], blank: Any) -> None:
    case_id = store_by_api(client, auth)
    answers = all_no()
    if blank == "left out":
        del answers["pregnant"]
    else:
        answers["pregnant"] = blank
    response = client.post(url(case_id), json={"on": ON.isoformat(), "answers": answers}, headers=auth)
    assert response.status_code == 201
    assert response.get_json()["decision"]["outcome"] == "review"
    assert stored_state(app, case_id)[0].get("pregnant") is None


def test_an_answer_to_a_question_not_due_or_not_allowed_is_refused_and_nothing_is_stored(
        app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    case_id = store_by_api(client, auth)
    before = stored_state(app, case_id)
    for answers, field in ((all_no(keloid="yes"), "answers.keloid"), (all_no(pregnant="perhapsXYZ"), "answers.pregnant")):
        response = client.post(url(case_id), json={"on": ON.isoformat(), "answers": answers}, headers=auth)
        assert response.status_code == 422
        assert field in {e["field"] for e in response.get_json()["errors"]}
        assert "perhapsXYZ" not in response.get_data(as_text=True)
    early = {"on": (SCREENING - dt.timedelta(days=1)).isoformat(), "answers": {}}
    assert client.post(url(case_id), json=early, headers=auth).status_code == 422
    for bad in ({"answers": {}}, {"on": "31-02-2026"}, {"on": ON.isoformat(), "extra": 1}, []):
        assert client.post(url(case_id), json=bad, headers=auth).status_code == 422, bad
    assert client.post(url(case_id), data=b"{", headers=auth).status_code == 400
    assert stored_state(app, case_id) == before


def test_a_stale_version_is_refused(app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    case_id = store_by_api(client, auth)
    first = {"on": ON.isoformat(), "answers": all_no(), "version": 0}
    assert client.post(url(case_id), json=first, headers=auth).status_code == 201
    after = stored_state(app, case_id)
    again = {"on": ON.isoformat(), "answers": all_no(pregnant="yes"), "version": 0}
    response = client.post(url(case_id), json=again, headers=auth)
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert stored_state(app, case_id) == after


def test_a_key_reaches_only_its_own_cases_and_a_key_is_required(
        app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    case_id = store_by_api(client, auth)
    other = api_key(app, "another-clinic")
    body = {"on": ON.isoformat(), "answers": all_no()}
    assert client.get(url(case_id), headers=other).status_code == 404
    assert client.post(url(case_id), json=body, headers=other).status_code == 404
    assert client.get(url("no-such-case"), headers=auth).status_code == 404
    assert client.get(url(case_id)).status_code == 401
    assert client.post(url(case_id), json=body).status_code == 401
    assert stored_state(app, case_id)[3] == 1


def test_the_openapi_document_describes_both_operations(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    operations = doc["paths"]["/api/v1/cases/{case_id}/check-in"]
    assert operations["get"]["operationId"] == "checkInQuestions" and operations["post"]["operationId"] == "checkIn"
    assert {"CheckInRequest", "CheckInQuestions", "CheckInResult"} <= set(doc["components"]["schemas"])

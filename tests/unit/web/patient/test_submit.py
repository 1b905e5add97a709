"""Sending the answers: stored before the result is shown, once per click, honest when storage fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from tests.common.patient_form import (
    answer_all,
    example_answers,
    make_app,
    stored,
    stored_case,
    submit,
    submit_token,
)
from tests.common.references import shows_a_reference

from suitability.storage import StorageError
from suitability.storage.database import SQLITE_FILE


def case_id_of(response_location: str) -> str:
    return response_location.rsplit("/", 1)[1]


def test_a_submission_is_stored_with_its_audit_event_before_the_result_is_shown(
        app: Flask, client: FlaskClient) -> None:
    response = submit(client, example_answers())
    assert response.status_code == 303 and response.location.startswith("/result/")
    assert stored(app) == (1, 1)
    case = stored_case(app, case_id_of(response.location))
    assert case.source.value == "web" and case.idempotency_key and case.idempotency_key.startswith("web:")
    assert client.get(response.location).status_code == 200


def test_a_double_click_stores_one_case(app: Flask, client: FlaskClient) -> None:
    answer_all(client, example_answers())
    token = submit_token(client)
    first = client.post("/submit", data={"token": token})
    second = client.post("/submit", data={"token": token})  # the same button, again, after the first landed
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert stored(app) == (1, 1)


def test_a_browser_retry_with_the_old_cookie_stores_one_case(app: Flask, client: FlaskClient) -> None:
    answer_all(client, example_answers())
    token = submit_token(client)
    cookie = client.get_cookie("suitability_session")
    assert cookie is not None
    first = client.post("/submit", data={"token": token})
    client.set_cookie(cookie.key, cookie.value)  # the retry carries the cookie from before the first answer
    second = client.post("/submit", data={"token": token})
    assert first.location == second.location
    assert stored(app) == (1, 1)


def test_cases_that_are_not_suitable_are_marked_for_review(app: Flask, client: FlaskClient) -> None:
    data = example_answers() | {"pregnant": "yes"}
    case = stored_case(app, case_id_of(submit(client, data).location))
    assert case.outcome.value == "not_suitable" and case.needs_review


def test_a_plainly_suitable_case_is_not_marked_for_review(app: Flask, client: FlaskClient) -> None:
    data = example_answers() | {"cold_sore_history": "no", "retinoid": "no", "fitzpatrick": "II",
                                "treatments": [{"area": "cheeks", "concern": "rejuvenation"}]}
    case = stored_case(app, case_id_of(submit(client, data).location))
    assert case.needs_review is (case.outcome.value != "suitable")


def test_a_failing_store_shows_the_honest_page_and_stores_nothing(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_events", {}, Exception("disk I/O error"))

    monkeypatch.setattr("suitability.storage.cases.record_event", broken)  # fails after the case row is added
    answer_all(client, example_answers())
    response = client.post("/submit", data={"token": submit_token(client)})
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "your answers were not saved" in text.lower()
    assert "reference code" not in text.lower() and not shows_a_reference(text)
    monkeypatch.undo()
    assert stored(app) == (0, 0)
    # the answers are still there, and "try again" resends under the same token
    again = re.search(r'name="token" value="([^"]+)"', text)
    assert again is not None
    retry = client.post("/submit", data={"token": again.group(1)})
    assert retry.status_code == 303 and stored(app) == (1, 1)


def test_a_read_only_database_shows_the_honest_page(tmp_path: Path) -> None:
    writable = make_app(tmp_path)  # creates and migrates the SQLite file
    database = tmp_path / SQLITE_FILE
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///file:{database}?mode=ro&uri=true")
    client = app.test_client()
    answer_all(client, example_answers())
    response = client.post("/submit", data={"token": submit_token(client)})
    assert response.status_code == 503
    assert "not saved" in response.get_data(as_text=True)
    assert stored(writable) == (0, 0)


def test_a_database_that_is_down_shows_the_honest_page(tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    client = app.test_client()
    answer_all(client, example_answers())
    response = client.post("/submit", data={"token": submit_token(client)})
    assert response.status_code == 503
    assert "not saved" in response.get_data(as_text=True)


def test_rules_that_cannot_load_show_the_honest_page(app: Flask, client: FlaskClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rules(*args: object, **kwargs: object) -> None:
        raise StorageError("stand-in for any package error before storing")

    answer_all(client, example_answers())
    monkeypatch.setattr("suitability.web.patient.submit_views.submit", no_rules)
    response = client.post("/submit", data={"token": submit_token(client)})
    assert response.status_code == 503 and stored(app) == (0, 0)


def test_the_result_is_only_shown_to_the_browser_that_sent_it(app: Flask, client: FlaskClient) -> None:
    location = submit(client, example_answers()).location
    assert client.get(location).status_code == 200
    stranger = app.test_client()
    response = stranger.get(location)
    assert response.status_code == 404
    assert not shows_a_reference(response.get_data(as_text=True))


def test_answers_changed_after_the_check_page_are_not_sent_under_the_old_token(
        app: Flask, client: FlaskClient) -> None:
    answer_all(client, example_answers())
    token = submit_token(client)
    client.post("/submit", data={"token": token})
    answer_all(client, example_answers() | {"smoker": "yes"})  # back in the same browser, changed, old page
    response = client.post("/submit", data={"token": token})
    assert response.status_code == 302 and response.location.endswith("/check")
    assert stored(app) == (1, 1)
    page = client.get("/check").get_data(as_text=True)
    assert "changed" in page


def test_a_forged_token_is_not_accepted(app: Flask, client: FlaskClient) -> None:
    answer_all(client, example_answers())
    response = client.post("/submit", data={"token": "made-up"})
    assert response.status_code == 302 and stored(app) == (0, 0)


def test_incomplete_answers_cannot_be_sent(app: Flask, client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    page = client.get("/check")
    text = page.get_data(as_text=True)
    assert "There is a problem" in text and 'name="token"' not in text
    assert re.search(r'href="/questions/request\?return=check#q-treatments"', text)
    token = re.search(r"x", "x")  # there is no form: a made-up post is refused too
    assert token and client.post("/submit", data={"token": "x"}).status_code == 302
    assert stored(app) == (0, 0)

"""The practitioner's check-in page: only the due questions, in the patient's words; blank is "not sure"; the
new decision and what changed; sign-in and CSRF required; nothing overwritten."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.checkin_support import field_names, make_app, signed_in_client, store, stored_state
from tests.common.minimal import SCREENING, minimal_intake

from suitability.deciding.validity import questions_to_reask
from suitability.screening import default_screener
from suitability.services.checkin import CHECKED_IN
from suitability.storage import ReviewStatus, events_for, get_case
from suitability.web.database import get_db
from suitability.web.patient.questions import QUESTIONS

ON = SCREENING + dt.timedelta(days=15)
DUE = questions_to_reask(minimal_intake(), ON, ruleset=default_screener().ruleset)
DATES = ("_date", "_last_use", "_last_dose")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return signed_in_client(app)


def page(client: FlaskClient, case_id: str, on: dt.date = ON) -> str:
    response = client.get(f"/practitioner/case/{case_id}/check-in?on={on.isoformat()}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client: FlaskClient, case_id: str, version: int = 0, **answers: str) -> tuple[int, str]:
    response = client.post(f"/practitioner/case/{case_id}/check-in",
                           data={"on": ON.isoformat(), "version": str(version), **answers})
    return response.status_code, response.location or response.get_data(as_text=True)


def all_no(**changes: str) -> dict[str, str]:
    return {**{q: "no" for q in DUE if not q.endswith(DATES)}, **changes}


def test_the_page_shows_valid_until_and_only_the_due_questions_in_the_patients_words(
        app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    html = page(client, case_id)
    _, decision, _, _ = stored_state(app, case_id)
    assert re.search(r'id="valid-until">[^<]*\b' + str(int(decision["valid_until"][8:10])), html)
    assert field_names(html, f"/practitioner/case/{case_id}/check-in") == set(DUE)
    text = html_lib.unescape(html)
    for name in DUE:
        assert QUESTIONS[name].text in text, name
    pregnant = html.split('id="group-pregnant"', 1)[1].split("</fieldset>", 1)[0]
    assert 'value="not_sure"' in pregnant and "Not sure" in pregnant  # offered where the intake allows it
    assert QUESTIONS["keloid"].text not in text


def test_nothing_is_asked_while_the_decision_is_valid(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    html = page(client, case_id, SCREENING + dt.timedelta(days=1))
    assert 'id="checkin-none"' in html
    assert field_names(html, f"/practitioner/case/{case_id}/check-in") == set()


def test_a_check_in_shows_the_new_decision_and_what_changed(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    status, location = post(client, case_id, **all_no(pregnant="yes"))
    assert (status, location) == (303, f"/practitioner/case/{case_id}/check-in/result")
    html = html_lib.unescape(client.get(location).get_data(as_text=True))
    assert re.search(r'id="new-outcome">Not suitable<', html)
    assert "from suitable to not suitable" in html and "→" not in html
    answers = html.split('id="checkin-answers"', 1)[1].split("</table>", 1)[0]
    assert QUESTIONS["pregnant"].text in answers and "<td>No</td><td>Yes</td>" in answers
    intake, decision, version, history = stored_state(app, case_id)
    assert (intake["pregnant"], decision["outcome"], version, history) == ("yes", "not_suitable", 1, 2)
    with app.app_context(), get_db().session() as session:
        (event,) = [e for e in events_for(session, case_id) if e.action == CHECKED_IN]
    assert event.actor == "practitioner:pat"


def test_a_blank_answer_at_check_in_is_not_sure_never_the_old_answer(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    answers = all_no()
    answers["pregnant"] = ""  # left blank; the patient had said "no"
    assert post(client, case_id, **answers)[0] == 303
    intake, decision, _, _ = stored_state(app, case_id)
    assert intake.get("pregnant") is None and decision["outcome"] == "review"
    with app.app_context(), get_db().session() as session:
        case = get_case(session, case_id)
        assert case is not None and case.review_status is ReviewStatus.OPEN and case.needs_review


def test_an_answer_to_a_question_not_asked_again_is_refused_and_nothing_is_stored(
        app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    before = stored_state(app, case_id)
    status, body = post(client, case_id, keloid="yes", **all_no())
    assert status == 400 and "Not asked again at check-in" in html_lib.unescape(body)
    status, body = post(client, case_id, **all_no(pregnant="perhaps"))
    assert status == 400 and "Select one of the answers" in body
    assert stored_state(app, case_id) == before


def test_a_check_in_on_a_stale_page_is_refused(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    assert post(client, case_id, **all_no())[0] == 303
    after_first = stored_state(app, case_id)
    status, body = post(client, case_id, version=0, **all_no(pregnant="yes"))
    assert status == 409 and 'id="conflict"' in body
    assert stored_state(app, case_id) == after_first


def test_the_result_page_before_any_check_in_says_so(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    html = client.get(f"/practitioner/case/{case_id}/check-in/result").get_data(as_text=True)
    assert 'id="checkin-none-yet"' in html
    assert client.get("/practitioner/case/nope/check-in").status_code == 404
    assert client.get(f"/practitioner/case/{case_id}/check-in?on=31-02-2026").status_code == 400
    before_screening = (SCREENING - dt.timedelta(days=1)).isoformat()
    assert client.get(f"/practitioner/case/{case_id}/check-in?on={before_screening}").status_code == 400
    assert post(client, case_id, on=before_screening)[0] == 400


def test_check_in_needs_a_signed_in_practitioner(app: Flask) -> None:
    case_id = store(app)
    anonymous = app.test_client()
    for method, path in (("GET", f"/practitioner/case/{case_id}/check-in"),
                         ("POST", f"/practitioner/case/{case_id}/check-in"),
                         ("GET", f"/practitioner/case/{case_id}/check-in/result")):
        response = anonymous.open(path, method=method, data={"on": ON.isoformat(), "version": "0", **all_no()})
        assert response.status_code in (302, 303) and response.location.startswith("/practitioner/sign-in")
    assert stored_state(app, case_id)[3] == 1


def test_the_check_in_form_needs_its_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = signed_in_client(app)
    case_id = store(app)
    assert post(client, case_id, **all_no())[0] == 400
    assert stored_state(app, case_id)[3] == 1
    html = page(client, case_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html.split('method="post"', 1)[1])
    assert token is not None
    assert post(client, case_id, csrf_token=token.group(1), **all_no())[0] == 303
    assert stored_state(app, case_id)[3] == 2
    with app.app_context():
        get_db().dispose()


def test_the_case_page_links_to_the_check_in_and_shows_it_in_the_history(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)
    before = client.get(f"/practitioner/case/{case_id}").get_data(as_text=True)
    assert f'href="/practitioner/case/{case_id}/check-in"' in before.split('id="checkin-link"', 1)[1]
    assert "checked in" not in before
    assert post(client, case_id, **all_no(pregnant="yes"))[0] == 303
    after = client.get(f"/practitioner/case/{case_id}").get_data(as_text=True)
    assert re.search(r'id="engine-outcome"><strong>Not suitable</strong><', after)
    assert "Checked in" in after and "case: checked in" not in after


def test_the_case_page_warns_when_answers_have_run_out_and_a_check_in_clears_it(
        app: Flask, client: FlaskClient) -> None:
    today = dt.date.today()
    fresh = store(app, minimal_intake(screening_date=today.isoformat()))
    assert 'id="answers-run-out"' not in client.get(f"/practitioner/case/{fresh}").get_data(as_text=True)
    stale = store(app)  # screened on SCREENING, long before today
    html = client.get(f"/practitioner/case/{stale}").get_data(as_text=True)
    assert f'href="/practitioner/case/{stale}/check-in"' in html.split('id="answers-run-out"', 1)[1]
    due = questions_to_reask(minimal_intake(), today, ruleset=default_screener().ruleset)
    answers = {q: "no" for q in due if not q.endswith(DATES)}
    response = client.post(f"/practitioner/case/{stale}/check-in",
                           data={"on": today.isoformat(), "version": "0", **answers})
    assert response.status_code == 303
    assert 'id="answers-run-out"' not in client.get(f"/practitioner/case/{stale}").get_data(as_text=True)


def test_a_check_in_that_needs_review_shows_the_case_in_the_open_queue(app: Flask, client: FlaskClient) -> None:
    case_id = store(app)  # suitable: not in the queue
    with app.app_context(), get_db().session() as session:
        case = get_case(session, case_id)
        assert case is not None
        reference = case.reference
    assert reference not in client.get("/practitioner/").get_data(as_text=True)
    answers = all_no()
    del answers["pregnant"]  # not sure
    assert post(client, case_id, **answers)[0] == 303
    assert reference in client.get("/practitioner/").get_data(as_text=True)


def test_a_follow_up_hidden_by_the_new_answer_is_dropped_by_the_form_not_refused(
        app: Flask, client: FlaskClient) -> None:
    # "yes" then "no" to tanning: the date typed under the first answer is hidden, and the form drops it itself
    assert "tan_date" in DUE
    case_id = store(app)
    stale = (ON - dt.timedelta(days=1)).isoformat()
    status, _ = post(client, case_id, **all_no(tan="no", tan_date=stale))
    assert status == 303
    intake, decision, _, _ = stored_state(app, case_id)
    assert intake.get("tan") == "no" and intake.get("tan_date") is None and decision["outcome"] == "suitable"


def test_a_check_in_before_the_earliest_date_says_first_that_it_is_too_early(
        app: Flask, client: FlaskClient) -> None:
    # at check-in the patient used a retinoid two days ago: treatment today is inside its 10-day stop
    assert {"retinoid", "retinoid_last_use"} <= set(DUE)
    case_id = store(app)
    used = (ON - dt.timedelta(days=2)).isoformat()
    status, location = post(client, case_id, **all_no(retinoid="yes", retinoid_last_use=used))
    assert status == 303
    html = html_lib.unescape(client.get(location).get_data(as_text=True))
    assert 'id="appointment-too-early"' in html
    _, decision, _, _ = stored_state(app, case_id)
    assert decision["outcome"] == "defer" and decision["headline"].startswith("Your appointment on ")
    assert decision["headline"] in html

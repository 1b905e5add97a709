"""The patient form through the test client: every question lands in the right Intake field, and the decision
shown is the core's decision on the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.common.patient_form import answer_all, example_answers, stored_case, submit
from tests.common.strategies import intakes

from suitability import Intake, screen
from suitability.intake import MAX_TREATMENTS, parse_intake
from suitability.storage import decision_of, intake_of
from suitability.vocabulary import Area, Concern
from suitability.web.patient import state
from suitability.web.patient.answers import is_asked
from suitability.web.patient.present import HEADLINES
from suitability.web.patient.questions import PAGES, QUESTIONS

TODAY = dt.date.today()


def coverage_answers(round_: int) -> dict[str, Any]:
    """Answers where each choice takes its `round_`-th option (cycling), so a few rounds cover every option of
    every question; asked follow-up dates get distinct past dates; the treatments cycle areas and concerns."""
    data: dict[str, Any] = {}
    for offset, (name, question) in enumerate(QUESTIONS.items()):
        if not is_asked(question, data):
            continue
        if question.kind == "choice":
            # a follow-up is asked in every third round only: shift it so those rounds still cover its options
            index = round_ + round_ // 3 if question.parent else round_
            data[name] = question.options[index % len(question.options)].value
        elif question.kind == "date" and name == "appointment_date":
            data[name] = (TODAY + dt.timedelta(days=10 + round_)).isoformat()
        elif question.kind == "date" and name != "date_of_birth":
            data[name] = (TODAY - dt.timedelta(days=3 + offset + round_)).isoformat()
        elif question.kind == "areas":
            data[name] = [a.value for i, a in enumerate(Area) if i % 3 == (round_ // 3) % 3]
    born = dt.date(TODAY.year - 30 - round_, 1, 1)
    if round_ % 2:
        data["date_of_birth"] = born.isoformat()
    if round_ % 3:
        data["age"] = TODAY.year - born.year - 1 + (TODAY >= born.replace(year=TODAY.year))
    rows = MAX_TREATMENTS if round_ == 6 else 3
    areas, concerns = list(Area), list(Concern)
    data["treatments"] = [{"area": areas[(3 * round_ + i) % len(areas)].value,
                           "concern": concerns[(3 * round_ + i) % len(concerns)].value} for i in range(rows)]
    return data


ROUNDS = range(max(len(q.options) for q in QUESTIONS.values()))


def test_the_rounds_cover_every_option_of_every_question() -> None:
    seen: dict[str, set[Any]] = {}
    for round_ in ROUNDS:
        for name, value in coverage_answers(round_).items():
            values = value if isinstance(value, list) else [value]
            seen.setdefault(name, set()).update(v if isinstance(v, str) else repr(v) for v in values)
    for name, question in QUESTIONS.items():
        assert name in seen, f"{name} is never answered"
        if question.kind == "choice":
            assert seen[name] >= {o.value for o in question.options}, name
    assert seen["melasma_areas"] == {a.value for a in Area}


@pytest.mark.parametrize("round_", ROUNDS)
def test_every_answer_lands_in_its_intake_field_and_the_decision_is_the_cores(
        app: Flask, client: FlaskClient, round_: int) -> None:
    data = coverage_answers(round_)
    response = submit(client, data)
    assert response.status_code == 303
    case_id = response.location.rsplit("/", 1)[1]
    case = stored_case(app, case_id)
    expected = parse_intake({**data, "screening_date": TODAY.isoformat()})
    stored_intake = intake_of(case)
    assert stored_intake.model_dump() == expected.model_dump()
    decision = screen(expected)
    assert decision_of(case) == decision

    page = client.get(response.location)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert str(escape(HEADLINES[decision.outcome])) in text
    for finding in decision.findings:
        assert str(escape(finding.patient_text)) in text
    assert case.reference in text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(intake=intakes(consistent=True))
def test_any_valid_intake_survives_the_form(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                            intake: Intake) -> None:
    monkeypatch.setattr(state, "today", lambda: intake.screening_date)
    client = app.test_client()
    data = intake.model_dump(mode="json", exclude={"screening_date"})
    for name, question in QUESTIONS.items():  # the form asks every choice; unanswered means "not sure"
        if question.kind == "choice" and data.get(name) is None and is_asked(question, data):
            data[name] = "not_sure"
    response = submit(client, data)
    assert response.status_code == 303
    case = stored_case(app, response.location.rsplit("/", 1)[1])
    got = intake_of(case).model_dump(mode="json")
    want = parse_intake({**data, "screening_date": intake.screening_date.isoformat()}).model_dump(mode="json")
    assert sorted(got.pop("melasma_areas")) == sorted(want.pop("melasma_areas"))  # a set, shown in form order
    assert got == want


def test_follow_ups_are_ignored_when_their_parent_does_not_call_for_them(app: Flask,
                                                                        client: FlaskClient) -> None:
    data = example_answers()
    data.update(retinoid="no", retinoid_last_use=(TODAY - dt.timedelta(days=2)).isoformat(),
                melasma="no", melasma_areas=["cheeks"])
    response = submit(client, data)
    intake = intake_of(stored_case(app, response.location.rsplit("/", 1)[1]))
    assert intake.retinoid_last_use is None and intake.melasma_areas == ()


def test_a_blank_still_using_date_stays_blank(app: Flask, client: FlaskClient) -> None:
    data = example_answers()  # retinoid: yes, no date: still using
    response = submit(client, data)
    intake = intake_of(stored_case(app, response.location.rsplit("/", 1)[1]))
    assert intake.retinoid.value == "yes" and intake.retinoid_last_use is None


def test_every_question_with_a_not_sure_answer_offers_it(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    for page in PAGES:
        text = client.get(f"/questions/{page.slug}").get_data(as_text=True)
        for question in page.all_questions():
            if question.kind == "choice" and any(o.value == "not_sure" for o in question.options):
                assert f'name="{question.name}" value="not_sure"' in text
                assert "Not sure" in text


def test_pages_follow_the_topics_in_order() -> None:
    from suitability.intake import TOPICS

    order = list(dict.fromkeys(page.topic for page in PAGES))
    assert order == list(TOPICS)
    assert all(len(page.questions) <= 8 for page in PAGES)


@given(st.sampled_from(PAGES))
def test_every_page_needs_consent_first(page: Any) -> None:
    import tempfile
    from pathlib import Path

    from tests.common.patient_form import make_app

    with tempfile.TemporaryDirectory() as folder:
        application = make_app(Path(folder))
        response = application.test_client().get(f"/questions/{page.slug}")
        assert response.status_code == 302 and response.location.endswith("/")


def test_the_session_cookie_stays_small_with_every_answer_given(client: FlaskClient) -> None:
    answer_all(client, coverage_answers(6))  # twelve treatments, every follow-up date
    client.get("/check")
    cookie = client.get_cookie("suitability_session")
    assert cookie is not None and len(cookie.value) < 3000


def test_a_page_with_mistakes_comes_back_with_a_summary_and_the_other_answers_kept(
        client: FlaskClient) -> None:
    from tests.common.patient_form import errors_in

    client.post("/start", data={"consent": "yes"})
    response = client.post("/questions/about-you", data={"fitzpatrick": "II", "age": "abc",
                                                          "expects_complete_result": "no"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text
    assert errors_in(response) == [
        f"{QUESTIONS['age'].text} – Enter a whole number, like 34",
        f"{QUESTIONS['smoker'].text} – Select an answer (or ‘Not sure’)",
    ]
    assert 'href="#q-age"' in text and 'href="#q-smoker"' in text
    assert 'value="abc"' in text  # what was typed is shown again, to be corrected
    assert 'id="q-fitzpatrick-II" name="fitzpatrick" value="II" checked' in text
    assert 'id="q-expects_complete_result-no" name="expects_complete_result" value="no" checked' in text
    again = client.get("/questions/about-you").get_data(as_text=True)  # the good answers were saved
    assert 'value="II" checked' in again


def test_an_age_that_contradicts_the_date_of_birth_is_caught_on_its_page(client: FlaskClient) -> None:
    from tests.common.patient_form import errors_in

    client.post("/start", data={"consent": "yes"})
    form = {"date_of_birth": "1990-01-01", "age": "5", "fitzpatrick": "II", "smoker": "no",
            "expects_complete_result": "no"}
    response = client.post("/questions/about-you", data=form)
    assert response.status_code == 400
    assert errors_in(response) == [f"{QUESTIONS['age'].text} – Your age does not match your date of birth"]

"""The grouped form loses and changes no answer: walked screen by screen as a browser does (the boxes ticked,
then the details screen with only the controls it shows), it keeps the Intake the per-question answers make."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings

from tests.common.app_support import group_ticks
from tests.common.patient_form import errors_in
from tests.common.strategies import intakes

from suitability import Intake
from suitability.intake import parse_intake
from suitability.web.patient import state
from suitability.web.patient.answers import to_intake
from suitability.web.patient.groups import GROUPS
from suitability.web.patient.questions import PAGES, QUESTIONS, Page, is_asked


def per_question_answers(intake: Intake) -> dict[str, Any]:
    """What a patient answers question by question for this intake: every choice that applies ("not sure"
    where the intake has none), no age beside a date of birth (the form asks the age only without one)."""
    data = intake.model_dump(mode="json", exclude={"screening_date"})
    if data.get("date_of_birth"):
        data["age"] = None
    for name, question in QUESTIONS.items():
        if question.kind == "choice" and data.get(name) is None and is_asked(question, data):
            data[name] = "not_sure"
    return data


def controls(question_names: list[str], data: dict[str, Any]) -> dict[str, Any]:
    """The form fields of these questions, as the controls on screen send them."""
    form: dict[str, Any] = {}
    for name in question_names:
        question, value = QUESTIONS[name], data.get(name)
        if value is None:
            continue
        if question.kind == "treatments":
            for i, item in enumerate(value):
                form[f"{name}-{i}-area"], form[f"{name}-{i}-concern"] = item["area"], item["concern"]
        elif question.in_three_parts:
            year, month, day = value.split("-")
            form.update({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})
        elif question.kind == "areas":
            form[name] = list(value)
        else:
            form[name] = str(value)
    return form


def walk(client: FlaskClient, page: Page, data: dict[str, Any]) -> None:
    """One page as a browser: the main screen's controls, then the details screen's, if it is shown."""
    main = client.post(f"/questions/{page.slug}", data={
        **group_ticks(page, data), **controls([q.name for q in page.screen_questions()], data)})
    assert main.status_code == 302, (page.slug, errors_in(main))
    if main.location.endswith(f"/questions/{page.slug}/details"):
        html = client.get(main.location).get_data(as_text=True)
        shown = [n for n in dict.fromkeys(re.findall(r'name="([a-z_]+)(?:-day)?"', html)) if n in QUESTIONS]
        more = client.post(main.location, data=controls(shown, data))
        assert more.status_code == 302, (page.slug, errors_in(more))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(intake=intakes(consistent=True))
def test_the_grouped_form_gives_the_intake_of_the_per_question_answers(
        app: Flask, monkeypatch: pytest.MonkeyPatch, intake: Intake) -> None:
    monkeypatch.setattr(state, "today", lambda: intake.screening_date)
    client = app.test_client()
    data = per_question_answers(intake)
    assert client.post("/start", data={"consent": "yes"}).status_code == 302
    for page in PAGES:
        walk(client, page, data)
    with client.session_transaction() as session:
        answers = dict(session["answers"])
    got = to_intake(answers, intake.screening_date).model_dump(mode="json")
    want = parse_intake({**data, "screening_date": intake.screening_date.isoformat()}).model_dump(mode="json")
    assert sorted(got.pop("melasma_areas")) == sorted(want.pop("melasma_areas"))  # a set, shown in form order
    assert got == want
    assert client.get("/check").status_code == 200 and not errors_in(client.get("/check"))


def test_every_yes_no_question_of_the_intake_is_in_a_group_or_asked_alone() -> None:
    grouped = {name for group in GROUPS for name in group.fields}
    for page in PAGES:
        for question in page.questions:
            on_screen = question in page.screen_questions()
            assert (question.name in grouped) != on_screen or question.name == "age", question.name


def test_an_unticked_group_is_never_read_as_no(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    response = client.post("/questions/health", data={"diabetes": "no"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        answers = session["answers"]
    assert all(name not in answers for name in GROUPS[-1].fields)


def test_none_of_these_beside_a_tick_is_refused(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    response = client.post("/questions/health", data={"diabetes": "no",
                                                      "health-group": ["none", "bleeding_disorder"]})
    assert response.status_code == 400
    assert errors_in(response) == [
        "Do any of these apply to you? – Select ‘None of these’ on its own, or only the ones that apply to you"]


def test_not_sure_asks_the_unticked_ones_one_by_one_and_keeps_the_ticked_yes(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    response = client.post("/questions/health", data={"diabetes": "no",
                                                      "health-group": ["bleeding_disorder", "not_sure"]})
    assert response.location.endswith("/questions/health/details")
    html = client.get("/questions/health/details").get_data(as_text=True)
    names = set(GROUPS[-1].fields) - {"bleeding_disorder"}
    for name in names:
        assert f'name="{name}" value="not_sure"' in html
    assert 'name="bleeding_disorder"' not in html
    with client.session_transaction() as session:
        answers = session["answers"]
    assert answers["bleeding_disorder"] == "yes" and not names & set(answers)
    response = client.post("/questions/health/details", data={n: "not_sure" for n in names})
    assert response.status_code == 302
    with client.session_transaction() as session:
        answers = session["answers"]
    assert all(answers[n] == "not_sure" for n in names) and answers["bleeding_disorder"] == "yes"


def test_a_box_ticked_from_the_check_page_asks_its_follow_up_then_returns(client: FlaskClient) -> None:
    from tests.common.patient_form import answer_all, example_answers

    data = {**example_answers(), "retinoid": "no", "retinoid_last_use": None}
    answer_all(client, data)
    change = client.get("/check").get_data(as_text=True)
    assert 'href="/questions/medicines?return=check#q-medicines-group"' in change
    form = {"isotretinoin": "no", "medicines-group": ["retinoid"], "return_to": "check"}
    response = client.post("/questions/medicines", data=form)
    assert response.location.endswith("/questions/medicines/details?return=check")
    html = client.get(response.location).get_data(as_text=True)
    assert 'name="retinoid_last_use"' in html and 'name="return_to" value="check"' in html
    response = client.post("/questions/medicines/details", data={"retinoid_last_use": "", "return_to": "check"})
    assert response.location.endswith("/check")

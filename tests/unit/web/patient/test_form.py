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

from tests.common.patient_form import answer_all, example_answers, page_form, stored_case, submit
from tests.common.strategies import intakes

from suitability import Intake, screen
from suitability.intake import MAX_TREATMENTS, parse_intake
from suitability.storage import decision_of, intake_of
from suitability.vocabulary import Area, Concern
from suitability.web.patient import state
from suitability.web.patient.present import HEADLINES
from suitability.web.patient.questions import PAGES, QUESTIONS, is_asked


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


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
            data[name] = (current_day() + dt.timedelta(days=10 + round_)).isoformat()
        elif question.kind == "date" and name != "date_of_birth":
            data[name] = (current_day() - dt.timedelta(days=3 + offset + round_)).isoformat()
        elif question.kind == "areas":
            data[name] = [a.value for i, a in enumerate(Area) if i % 3 == (round_ // 3) % 3]
    born = dt.date(current_day().year - 30 - round_, 1, 1)
    if round_ % 2:
        data["date_of_birth"] = born.isoformat()
    elif round_ % 3:  # the age is asked only without a date of birth
        data["age"] = current_day().year - born.year - 1 + (current_day() >= born.replace(year=current_day().year))
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
    expected = parse_intake({**data, "screening_date": current_day().isoformat()})
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
    if data.get("date_of_birth"):  # the form asks the age only without a date of birth
        data["age"] = None
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
    data.update(retinoid="no", retinoid_last_use=(current_day() - dt.timedelta(days=2)).isoformat(),
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
    """On its own screen as a "Not sure" answer; in a checkbox group as "I am not sure about some of these",
    which asks each unticked question one by one, with "Not sure" (and a ticked one's follow-ups likewise)."""
    client.post("/start", data={"consent": "yes"})
    offered: set[str] = set()
    for page in PAGES:
        text = client.get(f"/questions/{page.slug}").get_data(as_text=True)
        for question in page.screen_questions():
            if f'name="{question.name}" value="not_sure"' in text:
                offered.add(question.name)
        for group in page.groups:
            assert f'name="{group.key}" value="not_sure"' in text
        form = {**page_form(page, {}), **{g.key: ["not_sure"] for g in page.groups}}
        assert client.post(f"/questions/{page.slug}", data=form).status_code in (302, 400)
        if page.groups:
            more = client.get(f"/questions/{page.slug}/details").get_data(as_text=True)
            offered |= {q.name for q in QUESTIONS.values() if f'name="{q.name}" value="not_sure"' in more}
            form = {**page_form(page, {}), **{g.key: list(g.names) for g in page.groups}}
            client.post(f"/questions/{page.slug}", data=form)
            more = client.get(f"/questions/{page.slug}/details").get_data(as_text=True)
            offered |= {q.name for q in QUESTIONS.values() if f'name="{q.name}" value="not_sure"' in more}
    wanted = {q.name for q in QUESTIONS.values()
              if q.kind == "choice" and any(o.value == "not_sure" for o in q.options)}
    assert wanted == offered


def test_pages_follow_the_topics_in_order_and_every_group_offers_none_and_not_sure() -> None:
    from suitability.intake import TOPICS

    order = [q.topic for page in PAGES for q in page.questions]
    assert list(dict.fromkeys(order)) == list(TOPICS)
    assert len(PAGES) <= 6
    assert all(len(page.screen_questions()) <= 8 for page in PAGES)


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
    response = client.post("/questions/about-you", data={"fitzpatrick": "II", "date_of_birth-day": "12",
                                                          "date_of_birth-month": "", "date_of_birth-year": "1990"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text
    assert errors_in(response) == [
        f"{QUESTIONS['date_of_birth'].text} – Enter a day, a month and a year",
        "Do any of these apply to you? – Select the ones that apply to you, or ‘None of these’",
    ]
    assert 'href="#q-date_of_birth"' in text and 'href="#q-about-you-group"' in text
    assert 'name="date_of_birth-day"\n                 value="12"' in text  # shown again, to be corrected
    assert 'id="q-fitzpatrick-II" name="fitzpatrick" value="II" checked' in text
    again = client.get("/questions/about-you").get_data(as_text=True)  # the good answers were saved
    assert 'value="II" checked' in again


def test_the_age_is_asked_only_without_a_date_of_birth(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    base = {"fitzpatrick": "II", "about-you-group": "none"}
    born = {"date_of_birth-day": "2", "date_of_birth-month": "4", "date_of_birth-year": "1988"}
    response = client.post("/questions/about-you", data={**base, **born, "age": "5"})
    assert response.status_code == 302 and response.location.endswith("/questions/your-skin")
    assert 'name="age"' not in client.get("/questions/about-you").get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["answers"]["date_of_birth"] == "1988-04-02" and "age" not in session["answers"]
    response = client.post("/questions/about-you", data=base)
    assert response.location.endswith("/questions/about-you/details")
    assert 'name="age"' in client.get("/questions/about-you/details").get_data(as_text=True)
    response = client.post("/questions/about-you/details", data={"age": "abc"})
    assert response.status_code == 400
    response = client.post("/questions/about-you/details", data={"age": "36"})
    assert response.location.endswith("/questions/your-skin")


@pytest.mark.parametrize("sent", ["zqechoqzzz", "2020-13-45", "１９９０-01-01"])
def test_a_date_of_birth_sent_as_ten_characters_that_are_not_a_date_is_refused_not_a_crash(
        client: FlaskClient, sent: str) -> None:
    client.post("/start", data={"consent": "yes"})
    page = next(p for p in PAGES if any(q.name == "date_of_birth" for q in p.all_questions()))
    response = client.post(f"/questions/{page.slug}", data={"date_of_birth": sent})
    assert response.status_code == 400
    assert sent not in response.get_data(as_text=True)

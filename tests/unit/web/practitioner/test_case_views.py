"""The case page and the decide form: every action, the override rules (hazard H14: a decision less cautious
than the rules is recorded only with a coded reason and a note), optimistic concurrency, and the webhook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from tests.common.review_support import decide, errors_in, make_app, make_user, sign_in, store_case

from suitability.screening import default_screener
from suitability.storage import AuditEvent, Case, ReviewStatus, decision_of
from suitability.storage.integration_models import WebhookDelivery
from suitability.storage.review_models import OverrideReason, Review, ReviewAction
from suitability.web.database import get_db
from suitability.web.patient.questions import QUESTIONS

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def reviews(app: Flask, case: Case) -> list[Review]:
    with app.app_context(), get_db().session() as session:
        return list(session.scalars(select(Review).where(Review.case_id == case.id).order_by(Review.id)))


def current(app: Flask, case: Case) -> Case:
    with app.app_context(), get_db().session() as session:
        found = session.get(Case, case.id)
        assert found is not None
        return found


def engine_limits(case: Case) -> dict[str, str]:
    return {f"depth-{limit.treatment}": f"{limit.limit_mm:g}" for limit in decision_of(case).depth_limits}


def test_the_case_page_shows_the_decision_its_reasons_sources_and_answers(
        app: Flask, signed_in: FlaskClient) -> None:
    # an appointment inside the retinoid's 10-day stop: an earliest date, and the appointment is too early
    soon = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    case = store_case(app, "defer", appointment_date=soon)
    decision = decision_of(case)
    html = signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert case.reference in html and case.ruleset_version in html and "profile conservative" in html
    for finding in decision.findings:
        assert finding.rule_id in html
        assert str(escape(finding.rationale)) in html
        for source in finding.sources:
            assert f"<code>{source}</code>" in html
    titles = {rule.id: rule.title for rule in default_screener().ruleset.rules}
    for limit in decision.depth_limits:  # the rule that set each limit, by its title
        assert str(escape(titles[limit.set_by])) in html and f"<code>{limit.set_by}</code>" not in html
    assert decision.earliest_date is not None and "Earliest date" in html
    assert decision.headline is not None and 'id="appointment-too-early"' in html
    assert str(escape(decision.headline)) in html
    assert "Cheeks: acne scars" in html  # the answers in the patient's words
    assert str(escape(QUESTIONS["cold_sore_now"].text)) in html
    assert "Answers sent" in html and "case: submitted" not in html  # the history starts with the submission


@pytest.mark.parametrize("outcome", ["review", "suitable_with_precautions"])
def test_approving_within_the_rules_needs_no_override(app: Flask, signed_in: FlaskClient, outcome: str) -> None:
    case = store_case(app, outcome)
    response = decide(signed_in, case, action="approve", **engine_limits(case))
    assert response.status_code == 303
    [review] = reviews(app, case)
    assert review.action is ReviewAction.APPROVE and review.override_reason is None
    assert review.depth_limits == {k.removeprefix("depth-"): float(v) for k, v in engine_limits(case).items()}
    assert review.case_outcome.value == outcome and review.ruleset_version == case.ruleset_version
    assert current(app, case).review_status is ReviewStatus.DECIDED
    assert current(app, case).review_version == 1


def test_a_shallower_limit_than_the_rules_is_not_an_override(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    assert decide(signed_in, case, action="approve", **{"depth-0": "0.25", "depth-1": "0.25"}).status_code == 303
    assert reviews(app, case)[0].override_reason is None


OVERRIDES = {
    "approving a not suitable case": ("not_suitable", {}, {"depth-0": "0.5", "depth-1": "0.5"}),
    "approving a deferred case": ("defer", {}, None),
    "a deeper limit than the rules": ("review", {}, {"depth-0": "2.5", "depth-1": "0.5"}),
    "approving before the earliest date": ("suitable_with_precautions", {"appointment_date": None}, None),
}


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_an_override_without_a_coded_reason_and_a_note_is_refused_and_nothing_is_stored(
        app: Flask, signed_in: FlaskClient, name: str) -> None:
    outcome, changes, depths = OVERRIDES[name]
    case = store_case(app, outcome, **changes)
    depths = depths or engine_limits(case)
    for extra in ({}, {"override_reason": "clinical-judgement"}, {"override_note": "seen the patient"},
                  {"override_reason": "clinical-judgement", "override_note": "   "}):
        response = decide(signed_in, case, action="approve", **depths, **extra)
        assert response.status_code == 400
        assert any("disagrees with the rules" in e for e in errors_in(response))
    assert reviews(app, case) == []
    assert current(app, case).review_status is ReviewStatus.OPEN and current(app, case).review_version == 0


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_an_override_with_a_coded_reason_and_a_note_is_recorded_with_both(
        app: Flask, signed_in: FlaskClient, name: str) -> None:
    outcome, changes, depths = OVERRIDES[name]
    case = store_case(app, outcome, **changes)
    response = decide(signed_in, case, action="approve_with_conditions", note="Patch test first",
                      override_reason="patient-informed-consent", override_note="Discussed risks in person",
                      **(depths or engine_limits(case)))
    assert response.status_code == 303
    [review] = reviews(app, case)
    assert review.override_reason is OverrideReason.PATIENT_INFORMED_CONSENT
    assert review.override_note == "Discussed risks in person" and review.note == "Patch test first"
    assert review.case_outcome.value == outcome
    with app.app_context(), get_db().session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.reviewed"))
    assert event is not None and event.actor == "pat" and event.case_id == case.id
    assert event.detail["override_reason"] == "patient-informed-consent" and event.detail["overrides"] >= 1
    assert event.ruleset_version == case.ruleset_version
    page = signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert "override: patient-informed-consent (Discussed risks in person)" in page


def test_an_unknown_override_reason_is_refused(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "not_suitable")
    response = decide(signed_in, case, action="approve", override_reason="because", override_note="x",
                      **{"depth-0": "0.5", "depth-1": "0.5"})
    assert response.status_code == 400 and reviews(app, case) == []


@pytest.mark.parametrize("form, field", [
    ({"action": "approve"}, "Give a depth limit for treatment 1"),
    ({"action": "approve", "depth-0": "0", "depth-1": "0.5"}, "more than 0"),
    ({"action": "approve", "depth-0": "9", "depth-1": "0.5"}, "at most"),
    ({"action": "approve", "depth-0": "deep", "depth-1": "0.5"}, "millimetres"),
    ({"action": "approve_with_conditions", "depth-0": "0.5", "depth-1": "0.5"}, "conditions"),
    ({"action": "request_information"}, "information"),
    ({"action": "defer"}, "date after today"),
    ({"action": "defer", "defer_until": dt.date.today().isoformat()}, "date after today"),
    ({"action": "defer", "defer_until": "31/02/2027"}, "real date"),
    ({"action": "pardon"}, "Choose what to do"),
    ({}, "Choose what to do"),
])
def test_an_incomplete_decision_is_refused_with_a_message_on_its_field(
        app: Flask, signed_in: FlaskClient, form: dict[str, str], field: str) -> None:
    case = store_case(app, "review")
    response = decide(signed_in, case, **form)
    assert response.status_code == 400
    assert any(field in e for e in errors_in(response)), errors_in(response)
    assert reviews(app, case) == []


def test_decline_defer_and_request_information_are_recorded(app: Flask, signed_in: FlaskClient) -> None:
    declined, deferred, asked = (store_case(app, "review") for _ in range(3))
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    assert decide(signed_in, declined, action="decline", note="Not for us").status_code == 303
    assert decide(signed_in, deferred, action="defer", defer_until=later).status_code == 303
    assert decide(signed_in, asked, action="request_information", note="Which retinoid?").status_code == 303
    assert [r.action for r in reviews(app, declined)] == [ReviewAction.DECLINE]
    assert reviews(app, deferred)[0].defer_until == dt.date.fromisoformat(later)
    assert reviews(app, asked)[0].note == "Which retinoid?"
    assert current(app, asked).review_status is ReviewStatus.NEEDS_INFORMATION
    assert current(app, declined).review_status is ReviewStatus.DECIDED


def test_deferring_to_before_the_rules_earliest_date_is_an_override(app: Flask, signed_in: FlaskClient) -> None:
    # the retinoid's 10-day stop runs past an appointment in 5 days: the rules' earliest date is in 10 days
    case = store_case(app, "defer", appointment_date=(dt.date.today() + dt.timedelta(days=5)).isoformat())
    earliest = decision_of(case).earliest_date
    assert earliest is not None and earliest > dt.date.today() + dt.timedelta(days=1)
    assert decide(signed_in, case, action="defer", defer_until=TOMORROW).status_code == 400
    assert decide(signed_in, case, action="defer", defer_until=earliest.isoformat()).status_code == 303


def test_a_later_decision_is_a_new_record_and_the_first_stays(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    assert decide(signed_in, case, action="request_information", note="Skin type?").status_code == 303
    assert decide(signed_in, case, version=1, action="approve", **engine_limits(case)).status_code == 303
    assert [(r.action, r.case_version) for r in reviews(app, case)] == [
        (ReviewAction.REQUEST_INFORMATION, 1), (ReviewAction.APPROVE, 2)]


def test_a_second_practitioner_deciding_from_the_same_view_sees_a_conflict_and_overwrites_nothing(
        app: Flask, signed_in: FlaskClient) -> None:
    make_user(app, "sam", display_name="Sam Second")
    second = app.test_client()
    sign_in(second, "sam")
    case = store_case(app, "review")
    for client in (signed_in, second):  # both open the case at version 0
        assert 'name="version" value="0"' in client.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert decide(signed_in, case, action="decline", note="first").status_code == 303
    response = decide(second, case, action="approve", **engine_limits(case))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else decided this case" in html and 'name="version" value="1"' in html
    [review] = reviews(app, case)
    assert review.action is ReviewAction.DECLINE and review.note == "first"
    assert current(app, case).review_status is ReviewStatus.DECIDED and current(app, case).review_version == 1


def test_a_decision_queues_a_review_decided_webhook_without_answers_or_notes(tmp_path: Path) -> None:
    app = make_app(tmp_path, WEBHOOK_URLS=["http://127.0.0.1:9/hook"], WEBHOOK_SENDER=False)
    make_user(app)
    client = app.test_client()
    sign_in(client)
    case = store_case(app, "not_suitable")
    assert decide(client, case, action="approve", override_reason="engine-error", override_note="secret note",
                  **{"depth-0": "0.5", "depth-1": "0.5"}).status_code == 303
    with app.app_context(), get_db().session() as session:
        rows = list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_type == "review.decided")))
        assert session.scalar(select(func.count()).select_from(Review)) == 1
    assert len(rows) == 1
    body = json.loads(rows[0].body)["data"]
    assert body["case_id"] == case.id and body["action"] == "approve" and body["overridden"] is True
    assert body["override_reason"] == "engine-error" and body["engine_outcome"] == "not_suitable"
    assert "secret note" not in rows[0].body and "pregnant" not in rows[0].body
    with app.app_context():
        get_db().dispose()


def test_a_refused_or_conflicting_decision_queues_no_webhook(tmp_path: Path) -> None:
    app = make_app(tmp_path, WEBHOOK_URLS=["http://127.0.0.1:9/hook"], WEBHOOK_SENDER=False)
    make_user(app)
    client = app.test_client()
    sign_in(client)
    case = store_case(app, "not_suitable")
    assert decide(client, case, action="approve", **{"depth-0": "0.5", "depth-1": "0.5"}).status_code == 400
    assert decide(client, case, action="decline").status_code == 303
    assert decide(client, case, action="decline").status_code == 409
    with app.app_context(), get_db().session() as session:
        kinds = list(session.scalars(select(WebhookDelivery.event_type)))
    assert kinds.count("review.decided") == 1
    with app.app_context():
        get_db().dispose()


def test_a_missing_case_is_a_404_and_a_missing_version_a_400(signed_in: FlaskClient, app: Flask) -> None:
    assert signed_in.get("/practitioner/case/nothing-here").status_code == 404
    assert signed_in.post("/practitioner/case/nothing-here/decide",
                          data={"version": "0", "action": "decline"}).status_code == 404
    case = store_case(app, "review")
    assert signed_in.post(f"/practitioner/case/{case.id}/decide", data={"action": "decline"}).status_code == 400

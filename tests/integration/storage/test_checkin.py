"""The check-in service on SQLite and on a real PostgreSQL: it asks again only what has run out, screens again,
and keeps every earlier decision and answer (issue 7, hazard H07: a stale decision used at the appointment)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from tests.common.minimal import SCREENING, minimal_intake

from suitability import Intake, Outcome
from suitability.deciding.validity import questions_to_reask
from suitability.screening import Screener, default_screener
from suitability.services.checkin import CHECKED_IN, check_in, due_questions
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import AuditEvent, Case, Database, ReviewStatus, events_for, get_case
from suitability.storage.errors import CaseNotFound, CheckInConflict, CheckInRefused
from suitability.storage.history import DecisionReason, history_of

DAY_AFTER_VALIDITY = SCREENING + dt.timedelta(days=15)  # past every 7- and 14-day period of the shipped table
DATE_SUFFIXES = ("_date", "_last_use", "_last_dose")


def stored(db: Database, intake: Intake | None = None) -> str:
    return submit(db, intake or minimal_intake(), idempotency_key=None, body_hash=None, source="web",
                  events=NO_EVENTS, screener=default_screener()).case.id


def all_no(questions: tuple[str, ...], **changes: Any) -> dict[str, Any]:
    """'No' to every due yes/no question (follow-up dates left out), with `changes`."""
    return {**{q: "no" for q in questions if not q.endswith(DATE_SUFFIXES)}, **changes}


def snapshot(db: Database, case_id: str) -> tuple[dict[str, Any], dict[str, Any], int, int, int]:
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None
        return (case.intake, case.decision, case.review_version, len(history_of(session, case_id)),
                len(events_for(session, case_id)))


def test_while_the_decision_is_valid_nothing_is_asked_again(db: Database, screener: Screener) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, SCREENING)
    assert due.valid_until is not None and due.valid_until > SCREENING
    assert due_questions(db, screener, case_id, due.valid_until).questions == ()


def test_only_the_questions_whose_answers_have_run_out_are_asked(db: Database, screener: Screener) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY)
    assert due.questions == questions_to_reask(minimal_intake(), DAY_AFTER_VALIDITY, ruleset=screener.ruleset)
    assert {"pregnant", "tan", "tan_date", "retinoid"} <= set(due.questions)
    not_time_sensitive = {"keloid", "fitzpatrick", "age", "treatments", "setting", "diabetes"}
    assert not set(due.questions) & not_time_sensitive
    assert set(due.questions) < set(Intake.model_fields)


def test_an_answer_to_a_question_not_asked_again_is_refused_and_nothing_is_stored(
        db: Database, screener: Screener) -> None:
    case_id = stored(db)
    before = snapshot(db, case_id)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    with pytest.raises(CheckInRefused, match="keloid"):
        check_in(db, screener, case_id, all_no(due, keloid="yes"), DAY_AFTER_VALIDITY, "practitioner:pat",
                 0, events=NO_EVENTS)
    on_valid_day = SCREENING + dt.timedelta(days=1)
    with pytest.raises(CheckInRefused, match="pregnant"):  # not due yet: its 7 days have not run out
        check_in(db, screener, case_id, {"pregnant": "yes"}, on_valid_day, "practitioner:pat", 0,
                 events=NO_EVENTS)
    assert snapshot(db, case_id) == before


def test_an_answer_the_intake_does_not_allow_is_refused_without_echoing_it(db: Database, screener: Screener) -> None:
    case_id = stored(db)
    before = snapshot(db, case_id)
    with pytest.raises(CheckInRefused) as caught:
        check_in(db, screener, case_id, {"pregnant": "perhapsXYZ"}, DAY_AFTER_VALIDITY, "practitioner:pat",
                 0, events=NO_EVENTS)
    assert "pregnant" in caught.value.problems and "perhapsXYZ" not in str(caught.value)
    with pytest.raises(CheckInRefused, match="before the pre-screen"):
        check_in(db, screener, case_id, {}, SCREENING - dt.timedelta(days=1), "practitioner:pat", 0,
                 events=NO_EVENTS)
    assert snapshot(db, case_id) == before


@pytest.mark.parametrize("changes", [
    {"tan": "yes", "tan_date": (DAY_AFTER_VALIDITY - dt.timedelta(days=2)).isoformat()},
    {"retinoid": "yes"},  # no last-use date: still using it
])
def test_a_new_tan_or_retinoid_at_check_in_changes_the_outcome_and_earliest_date(
        db: Database, screener: Screener, changes: dict[str, str]) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    done = check_in(db, screener, case_id, all_no(due, **changes), DAY_AFTER_VALIDITY, "practitioner:pat",
                    0, events=NO_EVENTS)
    assert done.previous["outcome"] == Outcome.SUITABLE.value and done.previous["earliest_date"] is None
    assert done.decision.outcome is not Outcome.SUITABLE
    assert done.decision.earliest_date is not None and done.decision.earliest_date > DAY_AFTER_VALIDITY
    assert done.decision.screening_date == DAY_AFTER_VALIDITY
    assert done.difference.changed_outcome and done.difference.changed_dates
    assert done.difference.new_earliest == done.decision.earliest_date
    assert set(done.difference.newly_fired) == {f.rule_id for f in done.decision.findings}
    # the same as screening the merged answers directly: nothing hand-made about the check-in's decision
    merged = {**minimal_intake().model_dump(mode="json"), **all_no(due, **changes),
              "screening_date": DAY_AFTER_VALIDITY.isoformat(), "appointment_date": DAY_AFTER_VALIDITY.isoformat()}
    expected = screener.screen(Intake.model_validate_json(json.dumps(merged)))
    assert done.decision == expected


def test_a_check_in_appends_to_the_history_and_the_audit_and_overwrites_nothing(
        db: Database, screener: Screener) -> None:
    case_id = stored(db)
    old_intake, old_decision, version, _, _ = snapshot(db, case_id)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    answers = all_no(due, pregnant="yes")
    done = check_in(db, screener, case_id, answers, DAY_AFTER_VALIDITY, "practitioner:pat", version,
                    events=NO_EVENTS)
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None
        first, second = history_of(session, case_id)
        assert (first.reason, first.decision) == (DecisionReason.SUBMITTED, old_decision)
        assert first.previous_intake is None
        assert second.reason is DecisionReason.CHECKIN and second.actor == "practitioner:pat"
        assert second.previous_intake == old_intake  # the answers the check-in replaced are kept
        assert second.decision == case.decision == json.loads(done.decision.model_dump_json())
        assert case.intake["pregnant"] == "yes" and case.intake["keloid"] == old_intake["keloid"]
        assert case.outcome is Outcome.NOT_SUITABLE and case.needs_review
        assert case.review_version == version + 1 == done.version
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                            AuditEvent.action == CHECKED_IN))
    assert event.actor == "practitioner:pat"
    assert event.detail["asked"] == list(due) and event.detail["on"] == DAY_AFTER_VALIDITY.isoformat()
    assert (event.detail["old_outcome"], event.detail["new_outcome"]) == ("suitable", "not_suitable")
    assert "yes" not in json.dumps(event.detail) and "answers" not in event.detail  # names, never answers


def test_a_question_asked_again_and_left_blank_is_not_sure_never_the_old_answer(
        db: Database, screener: Screener) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    answers = {k: v for k, v in all_no(due).items() if k != "pregnant"}  # the old answer was "no"
    done = check_in(db, screener, case_id, answers, DAY_AFTER_VALIDITY, "practitioner:pat", 0,
                    events=NO_EVENTS)
    assert done.decision.outcome is Outcome.REVIEW
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None and case.intake.get("pregnant") is None


def test_a_follow_up_the_new_answer_no_longer_calls_for_is_refused_naming_it(db: Database, screener: Screener) -> None:
    # clinical-rules.md §1a: contradicting answers are refused, never silently dropped (the check-in form drops
    # a hidden follow-up itself: tests/unit/web/practitioner/test_checkin_views.py)
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    stale_date = (DAY_AFTER_VALIDITY - dt.timedelta(days=1)).isoformat()
    with pytest.raises(CheckInRefused) as caught:
        check_in(db, screener, case_id, all_no(due, tan_date=stale_date), DAY_AFTER_VALIDITY, "p", 0,
                 events=NO_EVENTS)
    assert "tan_date" in caught.value.problems and "tan" in caught.value.problems["tan_date"]
    assert stale_date not in str(caught.value.problems)
    with db.session() as session:  # nothing stored
        assert CHECKED_IN not in [e.action for e in events_for(session, case_id)]


def test_a_check_in_that_needs_review_puts_a_decided_case_back_in_the_open_queue(
        db: Database, screener: Screener) -> None:
    case_id = stored(db)
    with db.session() as session:  # as if a practitioner had decided it (reviews.py moves these two)
        session.execute(Case.__table__.update().where(Case.id == case_id)
                        .values(review_status=ReviewStatus.DECIDED.value, review_version=1))
        session.commit()
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    done = check_in(db, screener, case_id, all_no(due, retinoid="yes"), DAY_AFTER_VALIDITY, "p", 1,
                    events=NO_EVENTS)
    assert done.reopened and done.decision.needs_review
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None and case.review_status is ReviewStatus.OPEN
        actions = [e.action for e in events_for(session, case_id)]
    assert actions[-2:] == [CHECKED_IN, "case.reopened"]


def test_a_check_in_that_needs_no_review_leaves_the_practitioners_decision_standing(
        db: Database, screener: Screener) -> None:
    case_id = stored(db)
    with db.session() as session:
        session.execute(Case.__table__.update().where(Case.id == case_id)
                        .values(review_status=ReviewStatus.DECIDED.value, review_version=1))
        session.commit()
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    done = check_in(db, screener, case_id, all_no(due), DAY_AFTER_VALIDITY, "p", 1, events=NO_EVENTS)
    assert not done.reopened and done.decision.outcome is Outcome.SUITABLE
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None and case.review_status is ReviewStatus.DECIDED


def test_a_check_in_on_a_stale_version_is_refused_and_stores_nothing(db: Database, screener: Screener) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    check_in(db, screener, case_id, all_no(due), DAY_AFTER_VALIDITY, "p", 0, events=NO_EVENTS)
    before = snapshot(db, case_id)
    with pytest.raises(CheckInConflict):
        check_in(db, screener, case_id, all_no(due, pregnant="yes"), DAY_AFTER_VALIDITY, "p", 0,
                 events=NO_EVENTS)
    assert snapshot(db, case_id) == before
    with pytest.raises(CaseNotFound):
        check_in(db, screener, "no-such-case", {}, DAY_AFTER_VALIDITY, "p", 0, events=NO_EVENTS)


def test_a_second_check_in_builds_on_the_first_and_both_are_kept(db: Database, screener: Screener) -> None:
    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    first = check_in(db, screener, case_id, all_no(due, pregnant="yes"), DAY_AFTER_VALIDITY, "p", 0,
                     events=NO_EVENTS)
    later = DAY_AFTER_VALIDITY + dt.timedelta(days=8)
    again = due_questions(db, screener, case_id, later)
    assert again.valid_until == first.decision.valid_until and "pregnant" in again.questions
    second = check_in(db, screener, case_id, all_no(again.questions), later, "p", again.version,
                      events=NO_EVENTS)
    assert second.previous == json.loads(first.decision.model_dump_json())
    assert second.decision.outcome is Outcome.SUITABLE
    with db.session() as session:
        rows = history_of(session, case_id)
    assert [r.reason for r in rows] == [DecisionReason.SUBMITTED, DecisionReason.CHECKIN, DecisionReason.CHECKIN]
    assert rows[2].previous_intake is not None and rows[2].previous_intake["pregnant"] == "yes"


def test_a_checked_in_decision_reproduces_from_the_archived_rule_set(db: Database, screener: Screener) -> None:
    from suitability.services.reproduce import reproduce

    case_id = stored(db)
    due = due_questions(db, screener, case_id, DAY_AFTER_VALIDITY).questions
    check_in(db, screener, case_id, all_no(due, retinoid="yes"), DAY_AFTER_VALIDITY, "p", 0, events=NO_EVENTS)
    with db.session() as session:
        case = get_case(session, case_id)
        assert case is not None
        reference = case.reference
    again = reproduce(db, reference)
    assert again.matches, again.differing_fields

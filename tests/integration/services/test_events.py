"""Webhooks come from an explicit call in each service, written in the transaction that stores the change: a
submission, a review and a check-in each emit theirs, and a change rolled back emits nothing (hazard H25)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.common.minimal import SCREENING, minimal_intake
from tests.common.rulesets import library_rulesets

from suitability.screening import default_screener
from suitability.services.checkin import check_in, due_questions
from suitability.services.events import NO_EVENTS, Outbox, RecordingEvents
from suitability.services.review import Proposal, record_review
from suitability.services.submission import submit
from suitability.storage import Case, Database, store_submission
from suitability.storage.accounts import add_user
from suitability.storage.integration_models import WebhookDelivery
from suitability.storage.review_models import ReviewAction

URL = "http://127.0.0.1:9/hook"
LATER = SCREENING + dt.timedelta(days=15)  # every time-limited answer has run out


class Failing(Outbox):
    """Writes its rows into the transaction, then fails before the commit (as a later write could)."""

    def emit(self, session: Session, type: str, payload: dict[str, Any]) -> int:
        super().emit(session, type, payload)
        session.flush()  # the rows really are in the transaction before it fails
        raise RuntimeError("the transaction fails after the event was written")


def deliveries(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return [(row.event_type, row.url) for row in rows]


def count_cases(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def test_a_submission_a_review_and_a_check_in_each_write_their_webhook(db: Database) -> None:
    outbox = Outbox(lambda: (URL,))
    woken: list[str] = []
    outbox.listeners.append(lambda: woken.append("wake"))
    case = submit(db, minimal_intake(), screener=default_screener(), events=outbox, source="web").case
    assert deliveries(db) == [("screening.cleared", URL)] and woken == ["wake"]
    due = due_questions(db, default_screener(), case.id, LATER)
    answers = {q: "no" for q in due.questions if not q.endswith(("_date", "_last_use", "_last_dose"))}
    done = check_in(db, default_screener(), case.id, answers, LATER, "practitioner:pat", due.version,
                    events=outbox)
    assert [t for t, _ in deliveries(db)] == ["screening.cleared", "case.checked_in"] and len(woken) == 2
    with db.session() as session:
        user = add_user(session, "pat", "a long enough password 1")
        record_review(session, case.id, user.id, Proposal(ReviewAction.REQUEST_INFORMATION,
                                                          note="which cream?"),
                      expected_version=done.version, events=outbox)
    assert [t for t, _ in deliveries(db)] == ["screening.cleared", "case.checked_in", "review.decided"]
    assert len(woken) == 3


def test_a_submission_rolled_back_after_its_event_leaves_neither_case_nor_event(db: Database) -> None:
    with pytest.raises(RuntimeError):
        submit(db, minimal_intake(), screener=default_screener(), events=Failing(lambda: (URL,)),
               source="api",
               idempotency_key="api:1:k", body_hash="h")
    assert count_cases(db) == 0 and deliveries(db) == []
    again = submit(db, minimal_intake(), screener=default_screener(), events=NO_EVENTS, source="api",
                   idempotency_key="api:1:k", body_hash="h")
    assert again.created  # the key was not taken by the rolled-back attempt


def test_a_review_or_check_in_rolled_back_after_its_event_emits_nothing(db: Database) -> None:
    case = submit(db, minimal_intake(), screener=default_screener(), events=NO_EVENTS, source="web").case
    failing = Failing(lambda: (URL,))
    due = due_questions(db, default_screener(), case.id, LATER)
    answers = {q: "no" for q in due.questions if not q.endswith(("_date", "_last_use", "_last_dose"))}
    with pytest.raises(RuntimeError):
        check_in(db, default_screener(), case.id, answers, LATER, "practitioner:pat", due.version,
                 events=failing)
    with db.session() as session:
        user = add_user(session, "pat", "a long enough password 1")
        with pytest.raises(RuntimeError):
            record_review(session, case.id, user.id, Proposal(ReviewAction.REQUEST_INFORMATION,
                                                              note="which cream?"),
                          expected_version=0, events=failing)
        session.rollback()
    assert deliveries(db) == []
    with db.session() as session:
        stored = session.get(Case, case.id)
        assert stored is not None and stored.review_version == 0  # neither change landed


def test_a_refused_review_emits_nothing_and_wakes_no_one(db: Database) -> None:
    case = submit(db, minimal_intake(), screener=default_screener(), events=NO_EVENTS, source="web").case
    events = RecordingEvents()
    with db.session() as session:
        user = add_user(session, "pat", "a long enough password 1")
        with pytest.raises(Exception, match="information"):
            record_review(session, case.id, user.id, Proposal(ReviewAction.REQUEST_INFORMATION),
                          expected_version=0, events=events)
    assert events.events == [] and events.wakes == 0


def test_storing_a_case_without_the_service_emits_no_webhook(db: Database) -> None:
    """No listener on sessions turns a stored case into an event behind the caller's back."""
    intake = minimal_intake()
    with db.session() as session:
        store_submission(session, intake, default_screener().screen(intake), idempotency_key=None,
                         body_hash=None,
                         source="web", rulesets=library_rulesets)
    assert count_cases(db) == 1 and deliveries(db) == []

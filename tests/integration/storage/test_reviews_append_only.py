"""Reviews and the audit trail are append-only, on SQLite and on a real PostgreSQL: the ORM refuses a change,
and underneath it the database triggers refuse raw SQL. Concurrent decisions on one case: exactly one lands."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.common.review_support import PASSWORD, intake_data

from suitability.errors import ReviewConflict
from suitability.intake import parse_intake
from suitability.storage import AppendOnlyViolation, AuditEvent, Case, Database, submit
from suitability.storage.accounts import add_user
from suitability.storage.review_models import OverrideReason, Review, ReviewAction
from suitability.storage.reviews import Proposal, record_review


def new_case(db: Database, **changes: object) -> str:
    intake = parse_intake(intake_data(**changes))
    return submit(db, intake, idempotency_key=None, body_hash=None, source="web").case.id


@pytest.fixture
def reviewed(db: Database) -> tuple[str, int]:
    """A not-suitable case approved with an override; returns (case id, review id)."""
    case_id = new_case(db, pregnant="yes")
    with db.session() as session:
        user = add_user(session, "pat", PASSWORD)
        review = record_review(session, case_id, user.id,
                               Proposal(ReviewAction.APPROVE, {0: 0.5, 1: 0.5},
                                        override_reason=OverrideReason.CLINICAL_JUDGEMENT,
                                        override_note="confirmed not pregnant"),
                               expected_version=0)
        return case_id, review.id


def test_an_override_is_stored_with_its_reason_note_and_the_rules_at_the_time(
        db: Database, reviewed: tuple[str, int]) -> None:
    with db.session() as session:
        review = session.get(Review, reviewed[1])
        assert review is not None and review.override_reason is OverrideReason.CLINICAL_JUDGEMENT
        assert review.override_note == "confirmed not pregnant" and review.case_outcome.value == "not_suitable"
        assert review.depth_limits == {"0": 0.5, "1": 0.5}


def test_the_orm_refuses_to_change_or_delete_a_review(db: Database, reviewed: tuple[str, int]) -> None:
    with db.session() as session:
        review = session.get(Review, reviewed[1])
        assert review is not None
        review.override_note = "rewritten"
        with pytest.raises(AppendOnlyViolation):
            session.commit()
    with db.session() as session:
        session.delete(session.get(Review, reviewed[1]))
        with pytest.raises(AppendOnlyViolation):
            session.commit()
    with db.session() as session:
        with pytest.raises(AppendOnlyViolation):
            session.execute(update(Review).values(note="x"))
        with pytest.raises(AppendOnlyViolation):
            session.execute(delete(Review))
        with pytest.raises(AppendOnlyViolation):
            session.execute(update(AuditEvent).values(actor="x"))


@pytest.mark.parametrize("statement", [
    "UPDATE reviews SET override_note = 'rewritten'",
    "UPDATE reviews SET action = 'decline'",
    "DELETE FROM reviews",
    "UPDATE audit_events SET actor = 'someone else' WHERE action = 'case.reviewed'",
    "DELETE FROM audit_events WHERE action = 'case.reviewed'",
])
def test_the_database_refuses_raw_sql_that_changes_a_review_or_its_audit_event(
        db: Database, reviewed: tuple[str, int], statement: str) -> None:
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError):
            connection.execute(text(statement))
        connection.rollback()
    with db.session() as session:
        review = session.get(Review, reviewed[1])
        assert review is not None and review.override_note == "confirmed not pregnant"
        assert review.action is ReviewAction.APPROVE
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "case.reviewed")) == 1


def test_postgresql_also_refuses_truncating_reviews(db: Database, reviewed: tuple[str, int]) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError):
            connection.execute(text("TRUNCATE reviews"))
        connection.rollback()


def test_concurrent_decisions_on_one_version_land_exactly_once(db: Database) -> None:
    case_id = new_case(db, fitzpatrick="not_sure")
    with db.session() as session:
        ids = [add_user(session, f"p{n}", PASSWORD).id for n in range(4)]
    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def decide(user_id: int) -> None:
        with db.session() as session:
            barrier.wait()
            try:
                record_review(session, case_id, user_id, Proposal(ReviewAction.DECLINE, note=f"by {user_id}"),
                              expected_version=0)
                outcomes.append("stored")
            except ReviewConflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * (len(ids) - 1) + ["stored"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 1
        case = session.get(Case, case_id)
        assert case is not None and case.review_version == 1

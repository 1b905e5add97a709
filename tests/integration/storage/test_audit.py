"""The audit trail is append-only: refused by the ORM and, underneath, by a database trigger."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from tests.common.storage_samples import screened

from suitability.storage import AppendOnlyViolation, AuditEvent, Database, events_for, record_event, submit


@pytest.fixture
def event_id(db: Database) -> int:
    intake, _ = screened()
    case_id = submit(db, intake, idempotency_key=None, body_hash=None, source="web").case.id
    with db.session() as session:
        record_event(session, action="case.viewed", actor="practitioner:1", case_id=case_id,
                     detail={"why": "test"})
        session.commit()
        return events_for(session, case_id)[-1].id


def test_events_can_be_added_and_read(db: Database, event_id: int) -> None:
    with db.session() as session:
        event = session.get(AuditEvent, event_id)
        assert event is not None and event.action == "case.viewed" and event.detail == {"why": "test"}


def test_the_orm_refuses_to_change_an_event(db: Database, event_id: int) -> None:
    with db.session() as session:
        event = session.get(AuditEvent, event_id)
        assert event is not None
        event.actor = "someone else"
        with pytest.raises(AppendOnlyViolation):
            session.commit()


def test_the_orm_refuses_to_delete_an_event(db: Database, event_id: int) -> None:
    with db.session() as session:
        session.delete(session.get(AuditEvent, event_id))
        with pytest.raises(AppendOnlyViolation):
            session.commit()


def test_the_orm_refuses_bulk_changes(db: Database, event_id: int) -> None:
    with db.session() as session:
        with pytest.raises(AppendOnlyViolation):
            session.execute(update(AuditEvent).values(actor="x"))
        with pytest.raises(AppendOnlyViolation):
            session.execute(delete(AuditEvent))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'x'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_raw_sql_that_changes_events(db: Database, event_id: int,
                                                          statement: str) -> None:
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
        connection.rollback()
    with db.session() as session:
        assert session.get(AuditEvent, event_id).actor == "practitioner:1"  # type: ignore[union-attr]


def test_postgresql_also_refuses_truncate(db: Database, event_id: int) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE audit_events CASCADE"))
        connection.rollback()

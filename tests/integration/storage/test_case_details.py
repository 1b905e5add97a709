"""Migration 0009_case_details on a database with cases: each stored case gets its intake's appointment date,
new cases carry theirs, and the migration goes down again (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from suitability.storage import Case, Database, make_engine, upgrade
from suitability.storage.migrate import alembic_config

ADD = ("INSERT INTO cases (id, reference, created_at, source, intake, decision, outcome, ruleset_version, "
       "profile, needs_review, review_status, review_version) VALUES (:id, :ref, CURRENT_TIMESTAMP, 'web', "
       ":intake, '{}', 'suitable', 'v', 'conservative', :no, 'open', 0)")


def _add(connection, case_id: str, intake: object) -> None:  # type: ignore[no-untyped-def]
    connection.execute(text(ADD), {"id": case_id, "ref": case_id.upper(), "intake": json.dumps(intake),
                                   "no": False})


def test_cases_stored_before_the_migration_get_their_appointment_date(empty_url: str) -> None:
    engine = make_engine(empty_url)
    upgrade(engine, "0008_session_generation")
    with engine.begin() as connection:
        _add(connection, "dated", {"appointment_date": "2027-01-15"})
        _add(connection, "undated", {"appointment_date": None})
        _add(connection, "garbled", {"appointment_date": "15/01/2027"})
    upgrade(engine)
    with Session(engine) as session:
        dates = {case.id: case.appointment_date for case in session.query(Case)}
    assert dates == {"dated": dt.date(2027, 1, 15), "undated": None, "garbled": None}
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0008_session_generation")
    with engine.connect() as connection:
        assert sorted(connection.execute(text("SELECT id FROM cases")).scalars()) == ["dated", "garbled", "undated"]
    engine.dispose()


def test_the_newest_schema_has_the_case_details_and_key_scopes(db: Database) -> None:
    with db.engine.connect() as connection:
        cases = connection.execute(text(
            "SELECT appointment_date, language, external_reference, contact_name, contact_detail FROM cases"))
        keys = connection.execute(text("SELECT scopes FROM api_keys"))
        assert cases.fetchall() == [] and keys.fetchall() == []

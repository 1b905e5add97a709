"""The decision history and the rule-set archive are append-only, in the ORM and in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.common.old_cases import insert_old_case
from tests.common.rescreen_samples import sample_intake

from suitability import screen
from suitability.screening import Screener, default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import (
    AppendOnlyViolation,
    Database,
    database_url,
    make_engine,
    upgrade,
)
from suitability.storage.archive import RulesetSnapshot, archived_files, load_archived
from suitability.storage.history import CaseDecision, history_of


@pytest.fixture
def case_id(db: Database) -> str:
    return submit(db, sample_intake(), screener=default_screener(), events=NO_EVENTS, idempotency_key=None,
                  body_hash=None, source="web").case.id


def test_a_submission_starts_the_history_and_archives_its_rule_set_once(
        db: Database, case_id: str, shipped_screener: Screener) -> None:
    submit(db, sample_intake(pregnant="yes"), screener=default_screener(), events=NO_EVENTS,
           idempotency_key=None, body_hash=None, source="api")
    version = shipped_screener.ruleset.version
    with db.session() as session:
        (row,) = history_of(session, case_id)
        assert row.reason.value == "submitted" and row.ruleset_version == version and row.actor == "patient"
        assert session.scalar(select(func.count()).select_from(RulesetSnapshot)) == 1
        assert archived_files(session, version) == dict(shipped_screener.ruleset.files)
        assert load_archived(session, version, "conservative").version == version


@pytest.mark.parametrize("model", [CaseDecision, RulesetSnapshot])
def test_the_orm_refuses_to_change_or_delete_history_and_archive(db: Database, case_id: str,
                                                                 model: type) -> None:
    with db.session() as session:
        row = session.scalars(select(model)).first()
        assert row is not None
        session.delete(row)
        with pytest.raises(AppendOnlyViolation):
            session.commit()
        session.rollback()
        with pytest.raises(AppendOnlyViolation):
            session.execute(update(model).values(stored_at=None) if model is RulesetSnapshot
                            else update(model).values(actor="x"))
        with pytest.raises(AppendOnlyViolation):
            session.execute(delete(model))


@pytest.mark.parametrize("statement", [
    "UPDATE case_decisions SET actor = 'x'",
    "DELETE FROM case_decisions",
    "UPDATE rulesets SET name = 'x'",
    "DELETE FROM rulesets",
])
def test_the_database_refuses_raw_sql_that_changes_history_or_archive(db: Database, case_id: str,
                                                                      statement: str) -> None:
    with db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
        connection.rollback()
    with db.session() as session:
        assert [h.actor for h in history_of(session, case_id)] == ["patient"]


def test_postgresql_also_refuses_truncate(db: Database, case_id: str) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in ("case_decisions", "rulesets"):
        with db.engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(f"TRUNCATE {table} CASCADE"))
            connection.rollback()


def test_the_migration_gives_cases_stored_before_it_their_history(tmp_path: Path) -> None:
    engine = make_engine(database_url(None, tmp_path))
    upgrade(engine, "0003_practitioner")
    intake = sample_intake()
    decision = json.loads(screen(intake).model_dump_json())
    insert_old_case(engine, "old-case", "MN-AAAA-AAAA", json.loads(intake.model_dump_json()), decision)
    # a case stored before 0004 (no history row), with the columns its revision had
    upgrade(engine)
    with Session(engine) as session:
        (row,) = history_of(session, "old-case")
        assert (row.reason.value, row.actor, row.decision) == ("submitted", "migration:0004", decision)
    engine.dispose()

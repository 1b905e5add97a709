"""Migration 0005_checkin on a database with history: rows kept, 'checkin' allowed, other reasons still
refused, and the history still append-only (SQLite rebuilds the table, so its triggers are made again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tests.common.minimal import minimal_intake
from tests.common.old_cases import insert_old_case
from tests.common.pg import ServerInfo

from suitability import screen
from suitability.storage import database_url, make_engine, upgrade
from suitability.storage.history import history_of

INSERT = ("INSERT INTO case_decisions (case_id, decision, outcome, ruleset_version, profile, reason, actor, at) "
          "VALUES ('old-case', :decision, :outcome, :version, 'conservative', :reason, 'patient', "
          "CURRENT_TIMESTAMP)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return database_url(None, tmp_path)
    server: ServerInfo = request.getfixturevalue("postgres_server")
    return server.create_database()


def test_the_history_survives_the_migration_and_stays_append_only(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, "0004_rescreen")
    intake = minimal_intake()
    decision = json.loads(screen(intake).model_dump_json())
    insert_old_case(engine, "old-case", "MN-AAAA-AAAA", json.loads(intake.model_dump_json()), decision)
    values = {"decision": json.dumps(decision), "outcome": decision["outcome"],
              "version": decision["ruleset_version"]}
    with engine.begin() as connection:
        connection.execute(text(INSERT), {**values, "reason": "submitted"})
        # before the migration, a check-in is not a reason
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(INSERT), {**values, "reason": "checkin"})
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(INSERT), {**values, "reason": "checkin"})
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(INSERT), {**values, "reason": "whim"})
    for statement in ("UPDATE case_decisions SET actor = 'x'", "DELETE FROM case_decisions"):
        with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()
    with Session(engine) as session:
        rows = history_of(session, "old-case")
        assert [(r.reason.value, r.actor, r.previous_intake) for r in rows] == [
            ("submitted", "patient", None), ("checkin", "patient", None)]
        assert rows[0].decision == decision
    engine.dispose()

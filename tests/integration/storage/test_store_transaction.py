"""Storing a keyed submission is one transaction (look the key up, write the case) that never keeps other
writers waiting once it has found the key stored, and the documents it stores are the models' own JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from sqlalchemy import event

from tests.common.rulesets import library_rulesets
from tests.common.storage_samples import screened
from tests.common.strategies import intakes

from suitability import Decision, Intake, screen
from suitability.storage import Database, store_submission


def _statements(db: Database) -> list[str]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split(None, 2)[0] + (" IMMEDIATE" if "IMMEDIATE" in statement else ""))

    event.listen(db.engine, "before_cursor_execute", note)
    return seen


def test_a_new_keyed_submission_looks_up_and_writes_in_one_transaction(db: Database) -> None:
    intake, decision = screened()
    for warm_up in ("web:first", "web:second"):  # until the process knows its rule set is archived
        with db.session() as warm:
            store_submission(warm, intake, decision, idempotency_key=warm_up, body_hash="h", source="web", rulesets=library_rulesets)
    seen = _statements(db)
    with db.session() as session:
        store_submission(session, intake, decision, idempotency_key="web:one", body_hash="h", source="web", rulesets=library_rulesets)
    begins = [s for s in seen if s.startswith("BEGIN")]
    if db.dialect == "sqlite":
        assert begins == ["BEGIN IMMEDIATE"]  # the write lock taken first: the lookup sees every commit
    else:
        assert begins == []  # psycopg begins implicitly; one commit below is one transaction
    assert seen.count("SELECT") == 1 and seen.count("ROLLBACK") == 0


def test_a_replayed_key_lets_other_writers_go_at_once(db: Database) -> None:
    intake, decision = screened()
    with db.session() as session:
        store_submission(session, intake, decision, idempotency_key="web:k", body_hash="h", source="web", rulesets=library_rulesets)
    with db.session() as replaying:
        _case, created = store_submission(replaying, intake, decision, idempotency_key="web:k", body_hash="h",
                                         source="web", rulesets=library_rulesets)
        assert not created
        assert not replaying.in_transaction()  # nothing held while the caller goes on with this session
        with db.session() as other:  # another request writing meanwhile is not kept waiting
            if db.dialect == "sqlite":
                other.connection().exec_driver_sql("PRAGMA busy_timeout=200")
            store_submission(other, intake, decision, idempotency_key="web:other", body_hash="h", source="web", rulesets=library_rulesets)


@settings(max_examples=60, deadline=None)
@given(intakes())
def test_stored_documents_are_the_models_json_and_read_back_as_the_same_decision(intake: Intake) -> None:
    decision = screen(intake)
    assert intake.model_dump(mode="json") == json.loads(intake.model_dump_json())
    assert decision.model_dump(mode="json") == json.loads(decision.model_dump_json())
    assert Decision.model_validate_json(json.dumps(decision.model_dump(mode="json"))) == decision

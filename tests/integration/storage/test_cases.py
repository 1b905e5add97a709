"""The case repository on SQLite and PostgreSQL: stored once, read back exactly, never half-written."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from tests.common.rulesets import library_rulesets
from tests.common.storage_samples import screened

from suitability import Outcome
from suitability.screening import default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import (
    AuditEvent,
    Case,
    Database,
    IdempotencyConflict,
    ReviewStatus,
    StorageError,
    body_hash,
    decision_of,
    events_for,
    find_by_idempotency_key,
    get_case,
    get_case_by_reference,
    intake_of,
    list_cases,
    normalise_reference,
    store_submission,
)
from suitability.storage.cases import REFERENCE_ALPHABET


def count(db: Database, model: type[Case | AuditEvent]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_stored_case_reads_back_as_the_same_intake_and_decision(db: Database) -> None:
    intake, decision = screened()
    with db.session() as session:
        case, created = store_submission(session, intake, decision, idempotency_key="web:a", body_hash="h",
                                         source="web", rulesets=library_rulesets)
    assert created
    with db.session() as session:
        again = get_case(session, case.id)
        assert again is not None
        assert intake_of(again) == intake
        assert decision_of(again) == decision
        assert again.outcome is decision.outcome
        assert again.ruleset_version == decision.ruleset_version and again.profile == decision.profile
        assert again.review_status is ReviewStatus.OPEN
        assert again.created_at.tzinfo is not None and again.created_at.utcoffset() == dt.timedelta(0)
        assert abs(again.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_every_case_gets_a_submitted_audit_event_in_the_same_transaction(db: Database) -> None:
    intake, decision = screened()
    with db.session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None,
                                   source="api", actor="api:key-1", rulesets=library_rulesets)
    with db.session() as session:
        events = events_for(session, case.id)
    assert [(e.action, e.actor, e.ruleset_version) for e in events] == [
        ("case.submitted", "api:key-1", decision.ruleset_version)]
    assert events[0].detail["outcome"] == decision.outcome.value
    assert "pregnant" not in str(events[0].detail)  # no answers in the audit trail


def test_a_repeated_key_with_the_same_body_returns_the_first_case(db: Database) -> None:
    intake, _decision = screened()
    first = submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:k",
                   body_hash="same", source="web")
    second = submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:k",
                    body_hash="same", source="web")
    assert first.created and not second.created
    assert second.case.id == first.case.id and second.case.reference == first.case.reference
    assert second.decision == first.decision
    assert count(db, Case) == 1 and count(db, AuditEvent) == 1


def test_a_repeated_key_with_another_body_is_a_conflict_and_stores_nothing(db: Database) -> None:
    intake, _decision = screened()
    submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:k",
           body_hash="one", source="web")
    with pytest.raises(IdempotencyConflict) as caught:
        submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:k",
               body_hash="two", source="web")
    assert isinstance(caught.value, StorageError)
    assert count(db, Case) == 1


def test_concurrent_retries_of_one_submission_store_one_case(db: Database) -> None:
    intake, _decision = screened()

    def attempt(_: int) -> str:
        return submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:race",
                      body_hash="h", source="web").case.id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(attempt, range(12)))
    assert len(ids) == 1
    assert count(db, Case) == 1 and count(db, AuditEvent) == 1


def test_concurrent_different_submissions_are_all_stored(db: Database) -> None:
    intake, _decision = screened()

    def attempt(i: int) -> str:
        return submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key=f"web:{i}",
                      body_hash="h", source="web").case.reference

    with ThreadPoolExecutor(max_workers=6) as pool:
        references = set(pool.map(attempt, range(12)))
    assert len(references) == 12
    assert count(db, Case) == 12 and count(db, AuditEvent) == 12


def test_a_failure_mid_transaction_leaves_neither_case_nor_event(db: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    intake, _decision = screened()

    def broken_event(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_events", {}, Exception("disk full"))

    monkeypatch.setattr("suitability.storage.cases.record_event", broken_event)
    with pytest.raises(StorageError):
        submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:x",
               body_hash="h", source="web")
    monkeypatch.undo()
    assert count(db, Case) == 0 and count(db, AuditEvent) == 0
    assert submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key="web:x",
                  body_hash="h", source="web").created  # key is free


def test_cases_that_are_not_plainly_suitable_need_review(db: Database) -> None:
    intake, _decision = screened(pregnant="yes")
    stored = submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key=None,
                    body_hash=None, source="web")
    assert stored.decision.outcome is Outcome.NOT_SUITABLE
    assert stored.case.needs_review is True
    with db.session() as session:
        queue = list_cases(session, needs_review=True, review_status=ReviewStatus.OPEN)
        assert [c.id for c in queue] == [stored.case.id]
        assert list_cases(session, needs_review=False) == []


def test_a_reference_is_found_however_it_is_typed(db: Database) -> None:
    intake, _decision = screened()
    stored = submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key=None,
                    body_hash=None, source="fhir")
    code = stored.case.reference
    assert len(code) == 12 and code.startswith("MN-")
    assert set(code[3:].replace("-", "")) <= set(REFERENCE_ALPHABET)
    typed = " " + code.lower().replace("-", " ") + " "
    with db.session() as session:
        found = get_case_by_reference(session, typed)
        assert found is not None and found.id == stored.case.id
        assert get_case_by_reference(session, "nonsense") is None
        assert find_by_idempotency_key(session, "web:none") is None
    assert normalise_reference("7k3q9xpa") == "MN-7K3Q-9XPA"


def test_case_ids_are_long_and_random(db: Database) -> None:
    intake, _decision = screened()
    ids = {submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key=None,
                  body_hash=None, source="web").case.id for _ in range(5)}
    assert len(ids) == 5 and all(len(i) >= 22 for i in ids)


def test_an_unknown_source_is_refused_before_touching_the_database(db: Database) -> None:
    intake, _decision = screened()
    with pytest.raises(ValueError):
        submit(db, intake, screener=default_screener(), events=NO_EVENTS, idempotency_key=None,
               body_hash=None, source="fax")
    assert count(db, Case) == 0


def test_body_hash_is_sha256_hex() -> None:
    assert body_hash("abc") == body_hash(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

"""A check-in and an accepted re-screen replace a case's decision: subscribers get `case.checked_in` and
`case.rescreened`, written in the transaction that makes the change, delivered once, signed, without answers;
nothing when the change is refused or not stored."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import select, text, update

from tests.common.api_receiver import WEBHOOK_SECRET, Receiver
from tests.common.api_support import BOTH_BACKENDS, get_db_of
from tests.common.minimal import SCREENING, days_ago, minimal_intake
from tests.common.rules_support import copy_rules, reseal

from suitability.api.webhooks import app_outbox
from suitability.intake import Intake
from suitability.screening import Screener, default_screener
from suitability.services.checkin import check_in, due_questions
from suitability.services.rescreen import Scope, accept, preview
from suitability.services.submission import submit
from suitability.services.webhooks import Sender, SenderConfig
from suitability.storage import Case, ReviewStatus, StorageError, get_case
from suitability.storage.errors import CheckInConflict, CheckInRefused, RescreenRefused
from suitability.storage.integration_models import DeliveryStatus, WebhookDelivery

SECRET = WEBHOOK_SECRET  # the receiver fixture's (conftest.py)
FAST = SenderConfig(secret=SECRET, poll_seconds=0.05, retry_base_seconds=0.01, retry_max_seconds=0.05,
                    max_attempts=50, timeout_seconds=2.0)
ROOT = Path(__file__).resolve().parents[4]
ON = SCREENING + dt.timedelta(days=15)  # some answers of the minimal intake have run out by then
CHANGED = ("case.checked_in", "case.rescreened")
KEYS = {"case_id", "reference", "outcome", "previous_outcome", "needs_review", "review_status", "reopened",
        "earliest_date", "wait_for", "valid_until", "ruleset_version", "previous_ruleset_version", "changed_at",
        "headline", "appointment_too_early"}  # the headline holds dates only, never an answer


@pytest.fixture(scope="module")
def longer_peel_wait(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """The shipped rules with the superficial-peel wait at 60 days instead of 30."""
    target = copy_rules(tmp_path_factory.mktemp("rules") / "rules", scenarios=False, source=ROOT / "rules")
    peel = target / "recent-treatments.yaml"
    old = "wait: {after: chemical_peel_date, days: 30, once_passed: lapses}"
    assert peel.read_text().count(old) == 1, "the peel rule's wait moved: update this test"
    peel.write_text(peel.read_text().replace(old, "wait: {after: chemical_peel_date, days: 60, once_passed: lapses}"))
    reseal(target)
    return Screener.from_directory(target)


def store(app: Flask, intake: Intake) -> Case:
    with app.app_context():
        return submit(get_db_of(app), intake, idempotency_key=None, body_hash=None, source="api",
                      events=app_outbox(current_app), screener=default_screener()).case


def rows(app: Flask, types: tuple[str, ...] = CHANGED) -> list[WebhookDelivery]:
    with get_db_of(app).session() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.event_type.in_(types))
        return list(session.scalars(query.order_by(WebhookDelivery.id)))


def statuses(app: Flask) -> list[DeliveryStatus]:
    with get_db_of(app).session() as session:
        return list(session.scalars(select(WebhookDelivery.status)))


def drain(app: Flask) -> None:
    """Send until nothing is pending, then once more: a delivered event is never sent again."""
    sending = Sender(get_db_of(app).session, FAST)
    deadline = time.monotonic() + 10
    while DeliveryStatus.PENDING in statuses(app):
        assert time.monotonic() < deadline, "deliveries still pending"
        sending.run_once()
        time.sleep(0.02)
    assert sending.run_once() == 0


def received(receiver: Receiver, kind: str) -> list[dict[str, Any]]:
    with receiver.lock:
        return [e for e in receiver.events if e["type"] == kind]


def assert_no_answers(event: dict[str, Any], intake: Intake) -> None:
    assert set(event["data"]) <= KEYS | {"checked_in_on"}, set(event["data"]) - KEYS
    body = json.dumps(event)
    for name in intake.model_dump(exclude_none=True):
        assert f'"{name}"' not in body, name


def check_in_all_no(app: Flask, case_id: str, version: int = 0, **changes: str) -> Any:
    screener = default_screener()
    with app.app_context():
        due = due_questions(get_db_of(app), screener, case_id, ON).questions
        answers = {**{q: "no" for q in due if not q.endswith(("_date", "_last_use", "_last_dose"))}, **changes}
        return check_in(get_db_of(app), screener, case_id, answers, ON, "practitioner:pat", version,
                        events=app_outbox(current_app))


@BOTH_BACKENDS
def test_a_check_in_sends_case_checked_in_once_signed_and_without_answers(hooked: Flask,
                                                                          receiver: Receiver) -> None:
    intake = minimal_intake()
    case = store(hooked, intake)
    done = check_in_all_no(hooked, case.id, pregnant="yes")
    assert done.decision.outcome.value == "not_suitable"
    [row] = rows(hooked)
    assert row.event_type == "case.checked_in" and row.status is DeliveryStatus.PENDING  # queued with the change
    drain(hooked)
    [event] = received(receiver, "case.checked_in")
    assert receiver.bad_signatures == 0  # the receiver takes only a valid signature over the body and time
    data = event["data"]
    assert (data["case_id"], data["reference"]) == (case.id, case.reference)
    assert (data["previous_outcome"], data["outcome"]) == (case.outcome.value, "not_suitable")
    assert data["ruleset_version"] == done.decision.ruleset_version
    assert data["previous_ruleset_version"] == case.ruleset_version
    assert data["checked_in_on"] == ON.isoformat() and data["needs_review"] is True
    assert data["review_status"] == "open"
    assert_no_answers(event, intake)
    [row] = rows(hooked)
    assert row.status is DeliveryStatus.DELIVERED and row.attempts == 1
    assert [e["id"] for e in receiver.events].count(event["id"]) == 1


def test_a_refused_or_stale_check_in_sends_nothing(hooked: Flask) -> None:
    case = store(hooked, minimal_intake())
    with pytest.raises(CheckInConflict):
        check_in_all_no(hooked, case.id, version=3)
    with pytest.raises(CheckInRefused):
        check_in_all_no(hooked, case.id, keloid="yes")  # not a question asked again on that day
    assert rows(hooked) == []
    check_in_all_no(hooked, case.id)
    with pytest.raises(CheckInConflict):  # the same version twice: the second is stale
        check_in_all_no(hooked, case.id)
    assert [r.event_type for r in rows(hooked)] == ["case.checked_in"]


def test_a_check_in_that_is_not_stored_sends_nothing(hooked: Flask) -> None:
    """The event is in the check-in's transaction: when the database refuses the check-in, no event remains."""
    case = store(hooked, minimal_intake())
    with get_db_of(hooked).engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER refuse_check_in BEFORE INSERT ON audit_events "
                                "WHEN NEW.action = 'case.checked_in' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    with pytest.raises(StorageError):
        check_in_all_no(hooked, case.id, pregnant="yes")
    assert rows(hooked) == []
    with get_db_of(hooked).session() as session:
        stored = get_case(session, case.id)
        assert stored is not None and stored.review_version == 0 and stored.outcome is case.outcome


@BOTH_BACKENDS
def test_an_accepted_rescreen_sends_case_rescreened_once_per_accepted_case(
        hooked: Flask, receiver: Receiver, longer_peel_wait: Screener) -> None:
    intake = minimal_intake(chemical_peel="superficial", chemical_peel_date=days_ago(10))
    changed, decided = store(hooked, intake), store(hooked, intake)
    with get_db_of(hooked).session() as session:  # a practitioner has decided the second: it is skipped
        session.execute(update(Case).where(Case.id == decided.id).values(review_status=ReviewStatus.DECIDED))
        session.commit()
    with hooked.app_context():
        differences = preview(get_db_of(hooked), longer_peel_wait, Scope(open_only=False))
        expected = {d.case_id: d.old_version for d in differences if d.changed}
        assert set(expected) == {changed.id, decided.id}
        report = accept(get_db_of(hooked), longer_peel_wait, expected, new_version=longer_peel_wait.ruleset.version,
                        actor="practitioner:pat", events=app_outbox(current_app))
    assert [a.case_id for a in report.accepted] == [changed.id]
    assert [s.case_id for s in report.skipped] == [decided.id]
    assert [(r.event_type, r.status) for r in rows(hooked)] == [("case.rescreened", DeliveryStatus.PENDING)]
    drain(hooked)
    [event] = received(receiver, "case.rescreened")
    assert receiver.bad_signatures == 0
    data = event["data"]
    assert (data["case_id"], data["reference"], data["reopened"]) == (changed.id, changed.reference, False)
    assert (data["previous_outcome"], data["outcome"]) == ("defer", "defer")
    assert data["previous_ruleset_version"] == changed.ruleset_version != data["ruleset_version"]
    assert data["ruleset_version"] == longer_peel_wait.ruleset.version
    new_earliest = longer_peel_wait.screen(intake).earliest_date
    assert new_earliest is not None and data["earliest_date"] == new_earliest.isoformat()
    assert data["earliest_date"] != (changed.decision or {}).get("earliest_date")
    assert_no_answers(event, intake)
    assert "checked_in_on" not in data
    [row] = rows(hooked)
    assert row.status is DeliveryStatus.DELIVERED and row.attempts == 1


def test_a_refused_rescreen_sends_nothing(hooked: Flask, longer_peel_wait: Screener) -> None:
    case = store(hooked, minimal_intake(chemical_peel="superficial", chemical_peel_date=days_ago(10)))
    with hooked.app_context():
        with pytest.raises(RescreenRefused):  # previewed under other rules than the screener's now
            accept(get_db_of(hooked), longer_peel_wait, {case.id: case.ruleset_version},
                   new_version=default_screener().ruleset.version, actor="practitioner:pat",
                   events=app_outbox(current_app))
        stale = accept(get_db_of(hooked), longer_peel_wait, {case.id: "sha256:not-its-version"},
                       new_version=longer_peel_wait.ruleset.version, actor="practitioner:pat",
                       events=app_outbox(current_app))
    assert stale.accepted == [] and len(stale.skipped) == 1
    assert rows(hooked) == []
    assert statuses(hooked) == [DeliveryStatus.PENDING]  # only the screening event, not yet sent

"""The webhook outbox: events are rows written in the transaction that caused them, so none is ever lost.

`emit_event(session, type, payload)` adds one delivery row per configured URL to the caller's transaction (the
caller commits). Screening events need no call at all: a session hook turns every newly stored Case, whichever
door it came in by, into `screening.flagged`, `screening.deferred` (with the date) or `screening.cleared` in
the same transaction; it also records which API key stored the case. A check-in and an accepted re-screen
replace a case's decision: they emit `case.checked_in` / `case.rescreened` (`decision_changed_payload`) in
their own transaction. After a commit that emitted something, the process's sender is woken.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...decision import Decision
from ...settings import load_settings
from ...storage.models import Case
from ...storage.types import utcnow
from ...vocabulary import Outcome
from ..models import ApiSubmission, WebhookDelivery

EVENT_TYPES = ("screening.flagged", "screening.deferred", "screening.cleared", "review.decided", "case.checked_in",
               "case.rescreened")
SCREENING_EVENT = {
    Outcome.SUITABLE: "screening.cleared", Outcome.SUITABLE_WITH_PRECAUTIONS: "screening.cleared",
    Outcome.DEFER: "screening.deferred", Outcome.REVIEW: "screening.flagged", Outcome.NOT_SUITABLE: "screening.flagged",
}
API_KEY_INFO = "suitability.api_key_id"  # session.info: the API key storing cases in this session
_EMITTED = "suitability.webhooks_emitted"
_wake: list[Callable[[], None]] = []  # set by the sender of this process


def configured_targets() -> tuple[str, ...]:
    """The webhook URLs: the app's WEBHOOK_URLS (a list, or text split on commas), else the settings'."""
    raw: Any = None
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            raw = current_app.config.get("WEBHOOK_URLS")
    except ImportError:  # pragma: no cover - Flask is a dependency; keep the outbox usable without it
        pass
    if raw is None:
        raw = load_settings().WEBHOOK_URLS or ()
    items = raw if isinstance(raw, (list, tuple)) else str(raw).replace(";", ",").split(",")
    return tuple(u.strip() for u in items if isinstance(u, str) and u.strip())


def emit_event(session: Session, type: str, payload: dict[str, Any], *,
               targets: tuple[str, ...] | None = None) -> list[WebhookDelivery]:
    """Queue an event for every webhook URL in the caller's transaction; the caller commits."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {type!r}; one of {', '.join(EVENT_TYPES)}")
    event_id = str(uuid.uuid4())
    body = json.dumps({"id": event_id, "type": type, "created": utcnow().isoformat(timespec="seconds"),
                       "data": payload}, sort_keys=True, separators=(",", ":"), default=str)
    rows = [WebhookDelivery(event_id=event_id, event_type=type, url=url, body=body)
            for url in (configured_targets() if targets is None else targets)]
    session.add_all(rows)
    if rows:
        session.info[_EMITTED] = True
    return rows


def screening_payload(case: Case) -> dict[str, Any]:
    """What a subscriber learns about a stored screening: the outcome and where to look, never the answers."""
    decision = case.decision or {}
    created = case.created_at or utcnow()
    return {
        "case_id": case.id, "reference": case.reference, "source": getattr(case.source, "value", case.source),
        "outcome": Outcome(case.outcome).value, "needs_review": case.needs_review,
        "review_status": getattr(case.review_status, "value", case.review_status),
        "earliest_date": decision.get("earliest_date"), "wait_for": list(decision.get("wait_for") or []),
        # an appointment before the earliest date cannot go ahead: said first, as to the patient
        "headline": decision.get("headline"), "appointment_too_early": bool(decision.get("headline")),
        "ruleset_version": case.ruleset_version, "created_at": created.astimezone(dt.UTC).isoformat(),
    }


def decision_changed_payload(case_id: str, reference: str, decision: Decision, *, previous_outcome: str,
                             previous_ruleset_version: str, review_status: str, reopened: bool,
                             **extra: Any) -> dict[str, Any]:
    """What a subscriber learns when a case's decision is replaced (check-in, accepted re-screen): the new and
    the old outcome and rule-set version, and where to look; never the answers or the questions asked again."""
    return {
        "case_id": case_id, "reference": reference, "outcome": decision.outcome.value,
        "previous_outcome": previous_outcome, "needs_review": decision.needs_review, "review_status": review_status,
        "reopened": reopened, "earliest_date": decision.earliest_date.isoformat() if decision.earliest_date else None,
        "wait_for": list(decision.wait_for),
        "headline": decision.headline, "appointment_too_early": decision.appointment_too_early,
        "valid_until": decision.valid_until.isoformat() if decision.valid_until else None,
        "ruleset_version": decision.ruleset_version, "previous_ruleset_version": previous_ruleset_version,
        "changed_at": utcnow().isoformat(timespec="seconds"), **extra,
    }


@event.listens_for(Session, "after_flush")
def _note_new_cases(session: Session, context: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, Case)]
    if new:
        session.info.setdefault("suitability.new_cases", []).extend(new)


@event.listens_for(Session, "after_flush_postexec")
def _queue_case_events(session: Session, context: Any) -> None:
    """Runs once the case rows exist (ids assigned); the rows added here are flushed before the same commit."""
    cases: list[Case] = session.info.pop("suitability.new_cases", [])
    key_id = session.info.get(API_KEY_INFO)
    targets = configured_targets() if cases else ()
    for case in cases:
        if key_id is not None:
            session.add(ApiSubmission(case_id=case.id, api_key_id=key_id))
        if targets:
            emit_event(session, SCREENING_EVENT[Outcome(case.outcome)], screening_payload(case), targets=targets)


@event.listens_for(Session, "after_commit")
def _wake_sender(session: Session) -> None:
    if session.info.pop(_EMITTED, False):
        for wake in _wake:
            wake()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_EMITTED, None)
    session.info.pop("suitability.new_cases", None)

"""Webhook events as an explicit call: a service emits into its own transaction through an event sink.

`Outbox.emit(session, type, payload)` adds one delivery row per webhook URL to the caller's transaction, so an
event is stored exactly when the change that caused it is; a rolled-back change leaves no event behind. After
its commit the service calls `wake()` so the delivering sender looks at once. `RecordingEvents` and `NO_EVENTS`
stand in for it in tests and in tools that send nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..decision import Decision
from ..settings import load_settings
from ..storage import Session
from ..storage.integration_models import WebhookDelivery
from ..storage.models import Case
from ..storage.types import utcnow
from ..vocabulary import Outcome

EVENT_TYPES = ("screening.flagged", "screening.deferred", "screening.cleared", "review.decided", "case.checked_in",
               "case.rescreened")
SCREENING_EVENT = {
    Outcome.SUITABLE: "screening.cleared", Outcome.SUITABLE_WITH_PRECAUTIONS: "screening.cleared",
    Outcome.DEFER: "screening.deferred", Outcome.REVIEW: "screening.flagged", Outcome.NOT_SUITABLE: "screening.flagged",
}


class EventSink(Protocol):
    """Where services send their events: added to the caller's transaction, delivered after its commit."""

    def emit(self, session: Session, type: str, payload: dict[str, Any]) -> int:
        """Add the event to `session`'s transaction; how many deliveries it made."""

    def wake(self) -> None:
        """The transaction that emitted has committed: deliver soon."""


def emit_event(session: Session, type: str, payload: dict[str, Any], *,
               targets: Sequence[str]) -> list[WebhookDelivery]:
    """Queue an event for every URL in `targets` in the caller's transaction; the caller commits."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {type!r}; one of {', '.join(EVENT_TYPES)}")
    event_id = str(uuid.uuid4())
    body = json.dumps({"id": event_id, "type": type, "created": utcnow().isoformat(timespec="seconds"),
                       "data": payload}, sort_keys=True, separators=(",", ":"), default=str)
    rows = [WebhookDelivery(event_id=event_id, event_type=type, url=url, body=body) for url in targets]
    session.add_all(rows)
    return rows


def targets_of(config: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The webhook URLs: WEBHOOK_URLS of `config` (a list, or text split on commas), else the settings'."""
    raw = config.get("WEBHOOK_URLS") if config is not None else None
    if raw is None:
        raw = load_settings().WEBHOOK_URLS or ()
    items = raw if isinstance(raw, (list, tuple)) else str(raw).replace(";", ",").split(",")
    return tuple(u.strip() for u in items if isinstance(u, str) and u.strip())


class Outbox:
    """The webhook outbox as an event sink: `targets()` gives the URLs at the moment of the event."""

    def __init__(self, targets: Callable[[], Sequence[str]]) -> None:
        self.targets = targets
        self.listeners: list[Callable[[], None]] = []  # the senders to wake after a commit

    def emit(self, session: Session, type: str, payload: dict[str, Any]) -> int:
        """Add one delivery row per webhook URL to the caller's transaction."""
        return len(emit_event(session, type, payload, targets=tuple(self.targets())))

    def wake(self) -> None:
        """Tell every listening sender that new rows are committed."""
        for listener in list(self.listeners):
            listener()


@dataclass
class RecordingEvents:
    """An event sink for tests: it keeps (type, payload) in memory and writes nothing."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    wakes: int = 0

    def emit(self, session: Session, type: str, payload: dict[str, Any]) -> int:
        """Remember the event."""
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown webhook event {type!r}")
        self.events.append((type, payload))
        return 1

    def wake(self) -> None:
        """Count the commits that had events."""
        self.wakes += 1


class _NoEvents:
    """An event sink that drops every event (a tool with no webhooks configured)."""

    def emit(self, session: Session, type: str, payload: dict[str, Any]) -> int:
        """Drop the event."""
        return 0

    def wake(self) -> None:
        """Nothing to wake."""


NO_EVENTS: EventSink = _NoEvents()


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

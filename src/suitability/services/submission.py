"""Submit: the one path by which every door (web form, JSON API, FHIR) screens an intake and stores it.

The case, its audit event, its decision history, which API key stored it and its screening webhook are written
in one transaction, committed before the door answers; a retry with the same idempotency key and body gets the
case stored the first time, with its stored decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..decision import Decision
from ..intake import Intake
from ..rules.loading import RuleSet
from ..storage import Session
from ..storage.api_keys import key_that_stored
from ..storage.cases import (
    body_hash,
    decision_of,
    find_by_idempotency_key,
    get_case,
    intake_of,
    store_submission,
)
from ..storage.database import Database
from ..storage.integration_models import ApiSubmission
from ..storage.models import Case, Source
from ..vocabulary import Outcome
from .events import SCREENING_EVENT, EventSink, screening_payload


class Screens(Protocol):
    """What submit needs of a screener (a `Screener`, or one a door wraps to count and time it)."""

    def screen(self, intake: Intake) -> Decision:
        """The decision for the intake; never raises for a valid intake (the core fails safe to review)."""

    def ruleset_for(self, version: str) -> RuleSet | None:
        """The rule set of `version` if this screener served it recently (archived with the case)."""


@dataclass(frozen=True)
class Submission:
    """What a submission produced: the stored case, whether it is new, and its (stored) decision."""

    case: Case
    created: bool
    decision: Decision


def submit(database: Database, intake: Intake, *, screener: Screens, events: EventSink, source: Source | str,
           idempotency_key: str | None = None, body_hash: str | None = None, actor: str = "patient",
           api_key_id: int | None = None, language: str | None = None, external_reference: str | None = None,
           contact_name: str | None = None, contact_detail: str | None = None) -> Submission:
    """Screen and store one intake; raises StorageError (nothing stored) or IdempotencyConflict.

    Idempotency keys are one namespace across doors: prefix them (`web:<token>`, `api_key` below). The decision
    returned is the stored one, so a retried request shows exactly what was saved the first time.
    """
    decision = screener.screen(intake)
    emitted: list[int] = []

    def with_case(session: Session, case: Case) -> None:
        if api_key_id is not None:
            session.add(ApiSubmission(case_id=case.id, api_key_id=api_key_id))
        emitted.append(events.emit(session, SCREENING_EVENT[Outcome(case.outcome)], screening_payload(case)))

    with database.session() as session:
        case, created = store_submission(session, intake, decision, idempotency_key=idempotency_key,
                                         body_hash=body_hash, source=source, actor=actor, with_case=with_case,
                                         language=language, external_reference=external_reference,
                                         contact_name=contact_name, contact_detail=contact_detail,
                                         rulesets=screener.ruleset_for)
    if any(emitted):
        events.wake()
    return Submission(case=case, created=created, decision=decision if created else decision_of(case))


def api_key(source: Source, api_key_id: int, client_key: str | None) -> str | None:
    """The stored idempotency key of an API or FHIR request: one client's keys never meet another's."""
    return f"{source.value}:{api_key_id}:{client_key}" if client_key else None


def submitted(database: Database, idempotency_key: str) -> Case | None:
    """The case a submission with this key stored, or None (StorageError if the database fails)."""
    with database.session() as session:
        return find_by_idempotency_key(session, idempotency_key)


def owned_case(session: Session, case_id: str, api_key_id: int) -> Case | None:
    """The case if this API key stored it, else None: a key never learns whether another's case exists."""
    owner = key_that_stored(session, case_id)
    return get_case(session, case_id) if owner is not None and owner == api_key_id else None


def stored_case(database: Database, case_id: str) -> tuple[Case, Decision] | None:
    """A stored case and its decision, or None (StorageError if the database fails)."""
    with database.session() as session:
        case = get_case(session, case_id)
        return (case, decision_of(case)) if case is not None else None


__all__ = ["Case", "Screens", "Source", "Submission", "api_key", "body_hash", "intake_of", "owned_case", "stored_case",
           "submit", "submitted"]

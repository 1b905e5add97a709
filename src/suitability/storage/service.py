"""The submission service every door shares (web form, JSON API, FHIR): screen the intake, then store it.

It takes its dependencies as arguments (the database and the screen function), so tests hand in fakes and the
web and API layers stay translators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..decision import Decision
from ..intake import Intake
from ..screening import screen as default_screen
from .cases import decision_of, store_submission
from .database import Database
from .models import Case, Source


@dataclass(frozen=True)
class Submission:
    """What a submission produced: the stored case, whether it is new, and its (stored) decision."""

    case: Case
    created: bool
    decision: Decision


def submit(database: Database, intake: Intake, *, idempotency_key: str | None, body_hash: str | None,
           source: Source | str, actor: str = "patient",
           screen: Callable[[Intake], Decision] = default_screen, external_reference: str | None = None,
           contact_name: str | None = None, contact_detail: str | None = None) -> Submission:
    """Screen and store one intake; raises StorageError (nothing stored) or IdempotencyConflict.

    `screen` never raises for a valid intake (the core fails safe to `review`). The decision returned is the
    stored one, so a retried request shows exactly what was saved the first time.
    """
    decision = screen(intake)
    with database.session() as session:
        case, created = store_submission(session, intake, decision, idempotency_key=idempotency_key,
                                         body_hash=body_hash, source=source, actor=actor,
                                         external_reference=external_reference, contact_name=contact_name,
                                         contact_detail=contact_detail)
    return Submission(case=case, created=created, decision=decision if created else decision_of(case))

"""The audit trail: record what happened, read it back. There is deliberately no way to change an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent


def record_event(session: Session, *, action: str, actor: str, case_id: str | None = None,
                 detail: dict[str, Any] | None = None, ruleset_version: str | None = None) -> AuditEvent:
    """Add an event to the caller's transaction (the caller commits: the event and its change land together).

    `detail` must never hold a patient's answers: it is read by operators and kept for as long as the case.
    """
    event = AuditEvent(action=action, actor=actor, case_id=case_id, detail=dict(detail or {}),
                       ruleset_version=ruleset_version)
    session.add(event)
    return event


def events_for(session: Session, case_id: str) -> list[AuditEvent]:
    """Every event of a case, oldest first."""
    query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
    return list(session.scalars(query))

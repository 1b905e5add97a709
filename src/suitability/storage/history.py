"""`case_decisions`: every decision a case ever had, append-only (guarded by ORM events and database triggers).

A case row holds the current decision; when a re-screen replaces it, the history keeps the old one, so nothing a
patient or practitioner was shown is lost. Rows are written at submission, at each accepted re-screen
and at each check-in (whose row also keeps the answers it replaced).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, event, func, select
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from ..decision import Decision
from ..vocabulary import Outcome
from .case_rules import replace_case_rules
from .errors import AppendOnlyViolation
from .models import Base, Case
from .types import EnumText, JSONDocument, UTCDateTime, utcnow


class DecisionReason(str, Enum):
    """Why a case got this decision."""

    SUBMITTED = "submitted"
    RESCREEN = "rescreen"
    CHECKIN = "checkin"


def _values(enum: type[Enum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class CaseDecision(Base):
    """One decision a case had, under which rule set and profile, why and by whom. Only ever inserted."""

    __tablename__ = "case_decisions"
    __table_args__ = (
        CheckConstraint(f"reason IN ({_values(DecisionReason)})", name="reason"),
        CheckConstraint(f"outcome IN ({_values(Outcome)})", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    decision: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 32))
    ruleset_version: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(32))
    reason: Mapped[DecisionReason] = mapped_column(EnumText(DecisionReason, 16))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A check-in's row keeps the answers it replaced on the case (services/checkin.py); None for other reasons.
    previous_intake: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)

    def __repr__(self) -> str:
        return f"<CaseDecision {self.id} {self.reason.value} {self.outcome.value}>"


@event.listens_for(CaseDecision, "before_update")
@event.listens_for(CaseDecision, "before_delete")
def _refuse_change(mapper: Mapper[CaseDecision], connection: Any, target: CaseDecision) -> None:
    raise AppendOnlyViolation("case decisions are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """ORM bulk UPDATE/DELETE skips the mapper events above; refuse it too (the trigger is the last line)."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is CaseDecision:
        raise AppendOnlyViolation("case decisions are append-only")


def record_decision(session: Session, case_id: str, decision: Decision | dict[str, Any], *,
                    reason: DecisionReason, actor: str, at: dt.datetime | None = None) -> CaseDecision:
    """Add a decision to the case's history in the caller's transaction (the caller commits)."""
    document = decision if isinstance(decision, dict) else json.loads(decision.model_dump_json())
    row = CaseDecision(case_id=case_id, decision=document, outcome=Outcome(document["outcome"]),
                       ruleset_version=document["ruleset_version"],
                       profile=document.get("profile", "conservative"), reason=reason, actor=actor,
                       at=at or utcnow())
    session.add(row)
    replace_case_rules(session, case_id, document)
    return row


def record_submitted_if_missing(session: Session, case: Case, actor: str = "patient") -> None:
    """Cases stored before the history existed (or in bulk) get their current decision as 'submitted' first."""
    count = session.scalar(select(func.count()).select_from(CaseDecision).where(CaseDecision.case_id == case.id))
    if not count:
        record_decision(session, case.id, case.decision, reason=DecisionReason.SUBMITTED, actor=actor,
                        at=case.created_at)


def history_of(session: Session, case_id: str) -> list[CaseDecision]:
    """Every decision of a case, oldest first."""
    query = select(CaseDecision).where(CaseDecision.case_id == case_id).order_by(CaseDecision.id)
    return list(session.scalars(query))

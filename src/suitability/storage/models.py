"""The tables: `cases` (one stored submission each) and `audit_events` (append-only, guarded twice).

Later issues add their own tables (users, reviews, api keys, webhook deliveries) in their own modules on this
`Base` and in new Alembic revisions on top of ours; nothing here needs to change for that.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import Enum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, MetaData, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, ORMExecuteState, Session, mapped_column

from ..vocabulary import Outcome
from .errors import AppendOnlyViolation
from .types import EnumText, JSONDocument, UTCDateTime, utcnow

# Named constraints, so Alembic (and SQLite batch migrations) can find them again by name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ReviewStatus(str, Enum):
    """Where a case is in practitioner review (a practitioner's decision moves it on)."""

    OPEN = "open"
    DECIDED = "decided"
    NEEDS_INFORMATION = "needs_information"


class Source(str, Enum):
    """Which door a submission came in by."""

    WEB = "web"
    API = "api"
    FHIR = "fhir"


def new_case_id() -> str:
    """128 random bits: the case id is a capability in the result URL, so it must not be guessable."""
    return secrets.token_urlsafe(16)


def _values(enum: type[Enum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Case(Base):
    """One submitted intake, its decision and its place in review. Written once; only review fields change."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"source IN ({_values(Source)})", name="source"),
        CheckConstraint(f"review_status IN ({_values(ReviewStatus)})", name="review_status"),
        CheckConstraint(f"outcome IN ({_values(Outcome)})", name="outcome"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_case_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    source: Mapped[Source] = mapped_column(EnumText(Source, 8))
    intake: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    decision: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 32), index=True)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(32))
    needs_review: Mapped[bool] = mapped_column(Boolean, index=True)
    review_status: Mapped[ReviewStatus] = mapped_column(EnumText(ReviewStatus, 24), default=ReviewStatus.OPEN,
                                                        index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    # Optimistic concurrency for practitioner review: a decision updates WHERE review_version = the one seen.
    review_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Copied out of the stored intake so the queue can filter and sort by them without reading every intake.
    appointment_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    # The language the patient answered in (an ISO 639-1 code); None before languages were recorded.
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    # An API or FHIR caller's own identifier for the case, searchable in the queue.
    external_reference: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    # Only when the clinic collects them (SUITABILITY_COLLECT_CONTACT): shown to signed-in staff only.
    contact_name: Mapped[str | None] = mapped_column(String(200), default=None)
    contact_detail: Mapped[str | None] = mapped_column(String(320), default=None)

    def __repr__(self) -> str:  # never the answers: reprs end up in logs
        return f"<Case {self.reference} {self.outcome.value}>"


class AuditEvent(Base):
    """Something that happened, by whom, under which rule set. Rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    ruleset_version: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} by {self.actor}>"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper: Mapper[AuditEvent], connection: Any, target: AuditEvent) -> None:
    raise AppendOnlyViolation("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """ORM bulk UPDATE/DELETE skips the mapper events above; refuse it too (the trigger is the last line)."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is AuditEvent:
        raise AppendOnlyViolation("audit events are append-only")

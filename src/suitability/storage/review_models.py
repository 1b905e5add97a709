"""Practitioner review tables: `users` (who may sign in) and `reviews` (append-only decisions on cases).

A review is never edited or deleted: a new decision is a new row. Like `audit_events`, that is guarded twice,
by ORM events here and by database triggers in the `0003_practitioner` migration.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from ..vocabulary import Outcome
from .errors import AppendOnlyViolation
from .models import Base
from .types import EnumText, JSONDocument, UTCDateTime, utcnow


class Role(str, Enum):
    """What an account may do: admins also see the accounts page."""

    PRACTITIONER = "practitioner"
    ADMIN = "admin"


class ReviewAction(str, Enum):
    """A practitioner's decision on a flagged case."""

    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    DECLINE = "decline"
    DEFER = "defer"
    REQUEST_INFORMATION = "request_information"


class OverrideReason(str, Enum):
    """Why a practitioner disagreed with the engine (after CDS Hooks' coded override reasons)."""

    CLINICAL_JUDGEMENT = "clinical-judgement"
    PATIENT_INFORMED_CONSENT = "patient-informed-consent"
    INFORMATION_VERIFIED = "information-verified"
    ENGINE_ERROR = "engine-error"
    OTHER = "other"


def _values(enum: type[Enum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class User(Base):
    """A practitioner or admin account. Sign-in state lives here, not in memory: several app servers share it."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_values(Role)})", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(EnumText(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Moved on by sign-out, disabling and a password change: a session cookie carrying an older value is over.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:  # never the hash
        return f"<User {self.username} {self.role.value}>"


class Review(Base):
    """One practitioner decision on one case, with what the engine said at the time. Only ever inserted."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(f"action IN ({_values(ReviewAction)})", name="action"),
        CheckConstraint(f"override_reason IS NULL OR override_reason IN ({_values(OverrideReason)})",
                        name="override_reason"),
        CheckConstraint(f"case_outcome IN ({_values(Outcome)})", name="case_outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[ReviewAction] = mapped_column(EnumText(ReviewAction, 32))
    # {"<treatment index>": millimetres} as decided; the engine's limits stay in the case's decision.
    depth_limits: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    defer_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    override_reason: Mapped[OverrideReason | None] = mapped_column(EnumText(OverrideReason, 32), default=None)
    override_note: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    case_outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 32))
    case_version: Mapped[int] = mapped_column(Integer)  # the case's review_version this review created
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.action.value} of {self.case_id}>"


@event.listens_for(Review, "before_update")
@event.listens_for(Review, "before_delete")
def _refuse_change(mapper: Mapper[Review], connection: Any, target: Review) -> None:
    raise AppendOnlyViolation("reviews are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """ORM bulk UPDATE/DELETE skips the mapper events above; refuse it too (the trigger is the last line)."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is Review:
        raise AppendOnlyViolation("reviews are append-only")

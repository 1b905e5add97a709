"""`ruleset_approvals`: the clinical sign-off of rule-set versions, append-only (a revocation is a new row).

A version is approved while its newest row is an approval. Approving archives the version's files (from the
rules on disk) if they are not archived yet, so every app server can load an approved version from the
database; a version whose files are neither on disk nor archived cannot be approved. Like `audit_events`,
the table is guarded twice: ORM events here and database triggers in the `0007_ruleset_approvals` migration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from ..errors import ApprovalRefused, SuitabilityError
from ..rules.loading import PROFILES, RuleSet, load_rules_from_files
from ..scenarios import check_ruleset
from .archive import RulesetSnapshot, archive_ruleset, archived_files
from .audit import record_event
from .errors import AppendOnlyViolation
from .models import Base
from .review_models import Role, User
from .types import EnumText, UTCDateTime, utcnow

RULESET_APPROVED = "ruleset.approved"
RULESET_REVOKED = "ruleset.revoked"


class ApprovalAction(str, Enum):
    """What a row of the approval list says about a version."""

    APPROVE = "approve"
    REVOKE = "revoke"


class RulesetApproval(Base):
    """One sign-off (or its revocation) of one rule-set version, by one admin account. Only ever inserted."""

    __tablename__ = "ruleset_approvals"
    __table_args__ = (CheckConstraint("action IN ('approve', 'revoke')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[ApprovalAction] = mapped_column(EnumText(ApprovalAction, 16))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<RulesetApproval {self.id} {self.action.value} {self.version}>"


@event.listens_for(RulesetApproval, "before_update")
@event.listens_for(RulesetApproval, "before_delete")
def _refuse_change(mapper: Mapper[RulesetApproval], connection: Any, target: RulesetApproval) -> None:
    raise AppendOnlyViolation("rule-set approvals are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is RulesetApproval:
        raise AppendOnlyViolation("rule-set approvals are append-only")


@dataclass(frozen=True)
class ApprovalRow:
    """A row of the approval list as people read it."""

    version: str
    action: str
    by: str
    at: dt.datetime
    note: str


def _signatures(session: Session) -> dict[str, dict[int, int]]:
    """Per version, the admins (user id -> row id of their latest approval) who approved it since its last
    revocation: a revocation withdraws every signature before it."""
    signed: dict[str, dict[int, int]] = {}
    for row_id, version, action, by in session.execute(
            select(RulesetApproval.id, RulesetApproval.version, RulesetApproval.action, RulesetApproval.approved_by)
            .order_by(RulesetApproval.id)):
        if action is ApprovalAction.REVOKE:
            signed[version] = {}
        else:
            signed.setdefault(version, {})[by] = row_id
    return signed


def approved_versions(session: Session, required: int = 1) -> list[str]:
    """Every version approved now, the most recently approved first: signed by at least `required` different
    admins since its last revocation (APPROVALS_REQUIRED; 1: its newest row is an approval)."""
    approved = [(max(by.values()), version) for version, by in _signatures(session).items()
                if len(by) >= max(1, required)]
    return [version for _, version in sorted(approved, reverse=True)]


def signatures(session: Session, version: str) -> int:
    """How many different admins have approved `version` since its last revocation."""
    return len(_signatures(session).get(version, {}))


def approval_list(session: Session, limit: int = 200) -> list[ApprovalRow]:
    """The newest rows first, with the account's username."""
    rows = session.execute(select(RulesetApproval, User.username).join(User, User.id == RulesetApproval.approved_by)
                           .order_by(RulesetApproval.id.desc()).limit(limit))
    return [ApprovalRow(a.version, a.action.value, username, a.at, a.note) for a, username in rows]


def _admin(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or user.role is not Role.ADMIN:
        raise ApprovalRefused(f"{username!r} is not an active admin account; only admins sign off rule sets")
    return user


def approve(session: Session, version: str, username: str, note: str, on_disk: RuleSet | None) -> RulesetApproval:
    """Approve `version` in the caller's transaction (with its audit event); `on_disk` is the rule set loaded
    from disk, if it loads, archived here if it is the version approved. ApprovalRefused if the version's
    files are neither archived nor on disk, the account is not an active admin, or there is no note."""
    user = _admin(session, username)
    if not note.strip():
        raise ApprovalRefused("say in a note what was reviewed (e.g. the catalogue and the changed rules)")
    if user.id in _signatures(session).get(version, {}):
        raise ApprovalRefused(f"{username!r} has already approved rule set {version}; where two signatures are "
                              "required, a different admin signs the second")
    if session.get(RulesetSnapshot, version) is None:
        if on_disk is None or on_disk.version != version:
            raise ApprovalRefused(f"the files of rule set {version} are neither on disk nor archived")
        archive_ruleset(session, on_disk)
        session.flush()
        if session.get(RulesetSnapshot, version) is None:
            raise ApprovalRefused(f"rule set {version} could not be archived")
    _check_loads(session, version, on_disk)
    return _add(session, version, user, note, ApprovalAction.APPROVE)


def _check_loads(session: Session, version: str, on_disk: RuleSet | None) -> None:
    """Refuse to approve files that could not serve: under every profile they must match their seal, pass the
    load's checks and compile with every clinical scenario passing (an archive made before seals cannot)."""
    files = on_disk.files if on_disk is not None and on_disk.version == version else archived_files(session, version)
    for profile in PROFILES:
        try:
            check_ruleset(load_rules_from_files(files, profile))
        except SuitabilityError as exc:
            raise ApprovalRefused(f"rule set {version} cannot serve under profile {profile}: {exc}") from None


def revoke(session: Session, version: str, username: str, note: str) -> RulesetApproval:
    """Revoke the approval of `version` (a new row); ApprovalRefused if it is not approved now."""
    user = _admin(session, username)
    if not note.strip():
        raise ApprovalRefused("say in a note why the approval is revoked")
    if not signatures(session, version):
        raise ApprovalRefused(f"rule set {version} is not approved")
    return _add(session, version, user, note, ApprovalAction.REVOKE)


def _add(session: Session, version: str, user: User, note: str, action: ApprovalAction) -> RulesetApproval:
    row = RulesetApproval(version=version, action=action, approved_by=user.id, note=note.strip())
    session.add(row)
    record_event(session, action=RULESET_APPROVED if action is ApprovalAction.APPROVE else RULESET_REVOKED,
                 actor=user.username, ruleset_version=version)
    return row


__all__ = ["ApprovalAction", "ApprovalRow", "RulesetApproval", "approval_list", "approve", "approved_versions",
           "revoke", "signatures"]

"""Sign off a rule set: approve or revoke a version (an admin, a note, its audit event) in one transaction; and
what the admins' rule-set page shows (the approved list, the sign-off history, the rules to compare against).

The checks live with the approvals table (`storage.approvals`: an active admin, a note, a version whose files
are archived or on disk and serve under every profile); this use case owns the transaction around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SuitabilityError
from ..rules.loading import RuleSet
from ..storage import Session
from ..storage.analytics_queries import OverriddenCase
from ..storage.approvals import ApprovalRow, approval_list, approve, approved_versions, revoke, signatures
from ..storage.archive import load_archived
from ..storage.database import Database
from ..storage.errors import DatabaseError, StorageError, failure_kinds
from ..storage.view_audit import record_view
from .analytics import OverrideAlert, Period, RuleFigures, cases_behind, rule_analytics

RULESETS_VIEWED = "rulesets.viewed"


def approve_ruleset(database: Database, version: str, admin: str, note: str, on_disk: RuleSet | None) -> int:
    """Record `admin`'s approval of `version` and commit; how many admins have approved it now.

    ApprovalRefused (nothing stored) when storage.approvals.approve refuses; StorageError if the database fails."""
    with database.session() as session:
        approve(session, version, admin, note, on_disk)
        signed = signatures(session, version)
        session.commit()
    return signed


def revoke_approval(database: Database, version: str, admin: str, note: str) -> None:
    """Record the revocation of `version`'s approval and commit; ApprovalRefused if it is not approved now."""
    with database.session() as session:
        revoke(session, version, admin, note)
        session.commit()


def approvals(database: Database, required: int) -> tuple[list[str], list[ApprovalRow]]:
    """The versions approved now (by `required` admins), newest first, and the sign-off history."""
    with database.session() as session:
        return approved_versions(session, required), approval_list(session)


def approved(database: Database, required: int) -> list[str]:
    """The versions approved now by `required` different admins, newest first."""
    with database.session() as session:
        return approved_versions(session, required)


@dataclass(frozen=True)
class RulesetOverview:
    """What the admins' rule-set page shows from the database: the versions approved now (newest first), the
    sign-off history, the approved rule set a pending one is compared with, and the rules to review with the
    overridden cases behind each."""

    approved: list[str]
    history: list[ApprovalRow]
    base: RuleSet | None
    review_items: list[tuple[RuleFigures, list[OverriddenCase]]]


def ruleset_overview(database: Database, required: int, serving: RuleSet | None, profile: str, period: Period,
                     alert: OverrideAlert, actor: str) -> RulesetOverview:
    """Read the rule-set page's figures and record that `actor` viewed them, in one session.

    `serving` is the rule set the app serves now (None: none), used as the base if it is approved and for the
    rules' titles. ViewNotAudited if the view is not recorded (show nothing then); StorageError if the database
    fails (naming only the kinds of failure)."""
    try:
        with database.session() as session:
            approved = approved_versions(session, required)
            history = approval_list(session)
            base = _approved_base(session, approved, serving, profile)
            items = [(item, cases_behind(session, item.rule_id, period)) for item in
                     rule_analytics(session, period, alert, serving).review_items]
            record_view(session, action=RULESETS_VIEWED, actor=actor)
    except DatabaseError as exc:
        raise StorageError(failure_kinds(exc)) from exc
    return RulesetOverview(approved, history, base, items)


def _approved_base(session: Session, approved: list[str], serving: RuleSet | None, profile: str) -> RuleSet | None:
    """The approved rule set to compare against: the one serving if approved, else the newest approved."""
    if serving is not None and serving.version in approved:
        return serving
    for version in approved:
        try:
            return load_archived(session, version, profile)
        except SuitabilityError:
            continue
    return None


__all__ = ["RULESETS_VIEWED", "RulesetOverview", "approvals", "approve_ruleset", "approved", "revoke_approval",
           "ruleset_overview"]

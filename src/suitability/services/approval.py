"""Sign off a rule set: approve or revoke a version (an admin, a note, its audit event) in one transaction.

The checks live with the approvals table (`storage.approvals`: an active admin, a note, a version whose files
are archived or on disk and serve under every profile); this use case owns the transaction around them.
"""

from __future__ import annotations

from ..rules.loading import RuleSet
from ..storage.approvals import ApprovalRow, approval_list, approve, approved_versions, revoke, signatures
from ..storage.database import Database


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


__all__ = ["approvals", "approve_ruleset", "approved", "revoke_approval"]

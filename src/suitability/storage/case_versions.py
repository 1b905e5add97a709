"""Compare-and-set updates of a case: each changes the row only if it is still as the caller read it, and says
whether it did (the caller turns a miss into a conflict or a skip)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..vocabulary import Outcome
from .models import Case, ReviewStatus


def claim_for_review(session: Session, case_id: str, expected_version: int, status: ReviewStatus) -> bool:
    """Move the case to `status` and the next review version if it is still at `expected_version`."""
    claimed = session.execute(
        update(Case).where(Case.id == case_id, Case.review_version == expected_version)
        .values(review_version=expected_version + 1, review_status=status)
        .execution_options(synchronize_session=False))
    return getattr(claimed, "rowcount", 0) == 1


def replace_rescreened(session: Session, case: Case, expected_ruleset: str, document: dict[str, Any], *,
                       outcome: Outcome, ruleset_version: str, profile: str, needs_review: bool) -> bool:
    """Give the case its re-screened decision, reopened, if its rule set, review version and status are still
    those read into `case` (the session is not synchronised: `case` keeps the old values)."""
    changed = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.ruleset_version == expected_ruleset,
               Case.review_version == case.review_version, Case.review_status == case.review_status)
        .values(decision=document, outcome=outcome, ruleset_version=ruleset_version,
                profile=profile, needs_review=needs_review, review_status=ReviewStatus.OPEN,
                review_version=Case.review_version + 1)
        .execution_options(synchronize_session=False))
    return changed.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def replace_checked_in(session: Session, case_id: str, expected_version: int, intake: dict[str, Any],
                       document: dict[str, Any], *, outcome: Outcome, ruleset_version: str, profile: str,
                       needs_review: bool, status: ReviewStatus) -> bool:
    """Give the case its checked-in answers and decision if it is still at `expected_version` (the session is
    not synchronised)."""
    changed = session.execute(
        update(Case).where(Case.id == case_id, Case.review_version == expected_version)
        .values(intake=intake, decision=document, outcome=outcome,
                ruleset_version=ruleset_version, profile=profile,
                needs_review=needs_review, review_status=status, review_version=expected_version + 1)
        .execution_options(synchronize_session=False))
    return getattr(changed, "rowcount", 0) == 1

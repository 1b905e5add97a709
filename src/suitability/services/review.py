"""Record a review: check a practitioner's decision against the engine's, then store it once, never over another.

`record_review` is the one way a decision lands. It refuses (ReviewRefused, with a message per form field) a
decision that disagrees with the engine unless it carries a coded override reason and a note, and it refuses
(ReviewConflict) a decision made on a stale view of the case: the case row is updated only where its
`review_version` is still the one the practitioner saw, so a second decision never silently replaces a first.
Its `review.decided` webhook is emitted in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from ..decision import Decision
from ..errors import ReviewConflict, ReviewRefused
from ..storage import Session
from ..storage.audit import record_event
from ..storage.case_versions import claim_for_review
from ..storage.cases import decision_of
from ..storage.errors import DatabaseError, StorageError
from ..storage.models import Case, ReviewStatus
from ..storage.review_models import OverrideReason, Review, ReviewAction, User
from ..storage.reviews import reviews_for
from ..storage.types import utcnow
from ..vocabulary import Outcome
from .events import EventSink

log = logging.getLogger(__name__)
REVIEWED = "case.reviewed"
MAX_DEPTH_MM = 3.0           # the deepest setting the clinic's devices take; anything deeper is a typo
APPROVALS = {ReviewAction.APPROVE, ReviewAction.APPROVE_WITH_CONDITIONS}
ENGINE_REFUSES = {Outcome.NOT_SUITABLE, Outcome.DEFER}
NEW_STATUS = {action: ReviewStatus.DECIDED for action in ReviewAction} | {
    ReviewAction.REQUEST_INFORMATION: ReviewStatus.NEEDS_INFORMATION}


@dataclass(frozen=True)
class Proposal:
    """A decision as a practitioner gave it, before it is checked."""

    action: ReviewAction
    depth_limits: dict[int, float] = field(default_factory=dict)   # treatment index -> mm
    defer_until: dt.date | None = None
    override_reason: OverrideReason | None = None
    override_note: str = ""
    note: str = ""


def overrides(decision: Decision, treatments: int, proposal: Proposal, today: dt.date) -> list[str]:
    """How the proposal disagrees with the engine, in words; empty when it agrees (or is more cautious)."""
    found: list[str] = []
    if proposal.action in APPROVALS:
        if decision.outcome in ENGINE_REFUSES:
            found.append(f"approves a case the rules found {decision.outcome.value.replace('_', ' ')}")
        # Treatment is at the appointment if one is known, else (as far as anyone can tell) from today.
        treated = decision.appointment_date or today
        if decision.earliest_date and treated < decision.earliest_date:
            found.append(f"approves treatment before the earliest date, {decision.earliest_date.isoformat()}")
        engine = {limit.treatment: limit.limit_mm for limit in decision.depth_limits}
        for index in range(treatments):
            given = proposal.depth_limits.get(index)
            if given is not None and (index not in engine or given > engine[index]):
                was = f"{engine[index]} mm" if index in engine else "no limit (not to be treated)"
                found.append(f"treatment {index + 1}: {given} mm is deeper than the rules allow ({was})")
    if (proposal.action is ReviewAction.DEFER and proposal.defer_until and decision.earliest_date
            and proposal.defer_until < decision.earliest_date):
        found.append(f"defers to before the earliest date, {decision.earliest_date.isoformat()}")
    return found


def check(decision: Decision, treatments: int, proposal: Proposal, today: dt.date) -> list[str]:
    """Raise ReviewRefused if the proposal is incomplete, or overrides the engine without reason and note.

    Returns the overrides (empty if none), to be recorded with the review.
    """
    problems: dict[str, str] = {}
    action = proposal.action
    if action in APPROVALS:
        for index in range(treatments):
            mm = proposal.depth_limits.get(index)
            if mm is None:
                problems[f"depth-{index}"] = f"Give a depth limit for treatment {index + 1}"
            elif not 0 < mm <= MAX_DEPTH_MM:
                problems[f"depth-{index}"] = f"A depth limit is more than 0 and at most {MAX_DEPTH_MM} mm"
    if action is ReviewAction.APPROVE_WITH_CONDITIONS and not proposal.note.strip():
        problems["note"] = "Say what the conditions are"
    if action is ReviewAction.REQUEST_INFORMATION and not proposal.note.strip():
        problems["note"] = "Say what information the patient should give"
    if action is ReviewAction.DEFER and (proposal.defer_until is None or proposal.defer_until <= today):
        problems["defer_until"] = "Give a date after today to defer to"
    found = overrides(decision, treatments, proposal, today) if not problems else []
    if found:
        if proposal.override_reason is None:
            problems["override_reason"] = "This disagrees with the rules: choose an override reason"
        if not proposal.override_note.strip():
            problems["override_note"] = "This disagrees with the rules: say why in the override note"
    if problems:
        raise ReviewRefused(problems)
    return found


def record_review(session: Session, case_id: str, reviewer: User | int, proposal: Proposal, *,
                  expected_version: int, events: EventSink, today: dt.date | None = None) -> Review:
    """Check and store one decision, its audit event and its `review.decided` webhook, in one commit.

    ReviewRefused: not allowed as given. ReviewConflict: the case changed since `expected_version` was read;
    nothing is stored. StorageError: the database failed; nothing is stored. It owns the session's
    transaction (as `store_submission` does): pass a session without pending changes.
    """
    today = today or dt.date.today()
    session.rollback()  # end any read: on SQLite a transaction that starts with its write waits its turn
    try:
        status = NEW_STATUS[proposal.action]
        claimed = claim_for_review(session, case_id, expected_version, status)
        case = session.get(Case, case_id, populate_existing=True)
        if case is not None and not claimed:
            raise ReviewConflict(case_id, expected_version, case.review_version)
        user = session.get(User, reviewer if isinstance(reviewer, int) else reviewer.id)
        if case is None or user is None or not user.active:
            raise ReviewRefused({"case": "This case or account cannot be reviewed"})
        found = check(decision_of(case), len(case.intake.get("treatments") or []), proposal, today)
        review = Review(case_id=case_id, reviewer_id=user.id, action=proposal.action,
                        depth_limits={str(i): mm for i, mm in sorted(proposal.depth_limits.items())}
                        if proposal.action in APPROVALS else {},
                        defer_until=proposal.defer_until if proposal.action is ReviewAction.DEFER else None,
                        override_reason=proposal.override_reason if found else None,
                        override_note=proposal.override_note.strip() if found else None,
                        note=proposal.note.strip() or None, ruleset_version=case.ruleset_version,
                        case_outcome=case.outcome, case_version=expected_version + 1, at=utcnow())
        session.add(review)
        session.flush()
        record_event(session, action=REVIEWED, actor=user.username, case_id=case_id,
                     ruleset_version=case.ruleset_version,
                     detail={"review_id": review.id, "action": proposal.action.value, "overrides": len(found),
                             "override_reason": review.override_reason.value if review.override_reason else None,
                             "review_status": status.value})
        emitted = events.emit(session, "review.decided", decided_payload(case, review, status))
        session.commit()
    except (ReviewRefused, ReviewConflict):
        session.rollback()
        raise
    except DatabaseError as exc:
        session.rollback()
        log.error("recording a review failed: %s", type(exc).__name__)
        raise StorageError(f"the decision was not stored ({type(exc).__name__})") from exc
    if emitted:
        events.wake()
    session.refresh(case)
    return review


def decided_payload(case: Case, review: Review, status: ReviewStatus) -> dict[str, Any]:
    """What a webhook subscriber learns of a decision: never the answers or the practitioner's notes."""
    return {
        "case_id": case.id, "reference": case.reference, "action": review.action.value,
        "review_status": status.value, "engine_outcome": Outcome(case.outcome).value,
        "depth_limits_mm": dict(review.depth_limits),
        "defer_until": review.defer_until.isoformat() if review.defer_until else None,
        "overridden": review.override_reason is not None,
        "override_reason": review.override_reason.value if review.override_reason else None,
        "ruleset_version": case.ruleset_version, "decided_at": review.at.isoformat(),
    }


__all__ = ["MAX_DEPTH_MM", "NEW_STATUS", "OverrideReason", "Proposal", "ReviewAction", "check", "decided_payload",
           "overrides", "record_review", "reviews_for"]

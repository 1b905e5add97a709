"""What the check-in pages read besides the questions: the latest check-in's decision against the one it
replaced, and the audit of each view of a case's check-in pages (nobody sees a case unaudited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..deciding.difference import CaseDifference, compare
from ..storage.cases import get_case
from ..storage.database import Database
from ..storage.history import CaseDecision, DecisionReason, history_of
from ..storage.models import Case
from ..storage.view_audit import CASE_VIEWED, record_view


@dataclass(frozen=True)
class CheckInResult:
    """A case and its latest check-in: the decision row (None: never checked in), the decision it replaced,
    the answers it left, whether it is still the case's current decision, and the difference it made."""

    case: Case
    row: CaseDecision | None
    after_intake: dict[str, Any]
    is_current: bool
    difference: CaseDifference | None


def record_checkin_view(database: Database, actor: str, case_id: str, ruleset_version: str | None,
                        page: str) -> None:
    """Record that `actor` viewed a check-in page of the case; ViewNotAudited if not stored (show nothing)."""
    with database.session() as session:
        record_view(session, action=CASE_VIEWED, actor=actor, case_id=case_id, ruleset_version=ruleset_version,
                    detail={"page": page})


def latest_checkin(database: Database, case_id: str, actor: str) -> CheckInResult | None:
    """The case's latest check-in (None: no such case), its view recorded as the check-in result page's.

    ViewNotAudited if the view is not stored (show nothing then); StorageError if the database fails."""
    with database.session() as session:
        case = get_case(session, case_id)
        if case is None:
            return None
        rows = history_of(session, case_id)
        record_view(session, action=CASE_VIEWED, actor=actor, case_id=case_id,
                    ruleset_version=case.ruleset_version, detail={"page": "check-in result"})
    latest = next((i for i in range(len(rows) - 1, -1, -1) if rows[i].reason is DecisionReason.CHECKIN), None)
    if latest is None:
        return CheckInResult(case, None, case.intake, False, None)
    row = rows[latest]
    before = rows[latest - 1].decision if latest > 0 else {}
    # the answers this check-in left: what the next check-in replaced, else (none since) the case's own
    later = next((r.previous_intake for r in rows[latest + 1:] if r.previous_intake is not None), None)
    after_intake: dict[str, Any] = later if later is not None else case.intake
    facts = {"id": case.id, "reference": case.reference, "created_at": case.created_at,
             "review_status": case.review_status.value}
    difference = compare(facts, before, row.decision) if before else None
    return CheckInResult(case, row, after_intake, latest == len(rows) - 1, difference)


__all__ = ["CheckInResult", "latest_checkin", "record_checkin_view"]

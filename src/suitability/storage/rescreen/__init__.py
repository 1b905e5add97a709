"""Re-screening stored cases under the current rule set: preview the differences, then accept them.

    preview(db, screener, Scope(open_only=True, since=..., until=...), batch_size=500, jobs=1, progress=None)
        -> every case in scope as a CaseDifference (outcome, depth per treatment, earliest date, rules that
        newly fire / no longer fire; `.changed`, `.error`), oldest first, streamed in keyset batches.
    first_changes(db, screener, scope, limit=200) -> Changes: the first changed cases, for a page.
    accept(db, screener, {case_id: previewed old ruleset_version}, new_version=..., actor=..., include_decided=False)
        -> AcceptReport(accepted, skipped): replaces the current decision, appends it to `case_decisions`
        (the old one stays there), audits `case.rescreened` (and `case.reopened` for decided cases).
    reproduce(db, reference) -> Reproduction: screens a stored intake again under its archived rule set;
    reproduce_history(db, reference) -> [Reproduction]: the same for every decision in the case's history.
"""

from __future__ import annotations

from .accept import Accepted, AcceptReport, Skipped, accept
from .difference import CaseDifference, DepthChange
from .preview import DEFAULT_BATCH, Changes, Scope, count_cases, first_changes, preview, stream_cases
from .reproduce import Reproduction, reproduce, reproduce_history

__all__ = [
    "DEFAULT_BATCH", "AcceptReport", "Accepted", "CaseDifference", "Changes", "DepthChange", "Reproduction",
    "Scope", "Skipped", "accept", "count_cases", "first_changes", "preview", "reproduce", "reproduce_history",
    "stream_cases",
]

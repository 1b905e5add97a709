"""Re-screening's storage side: stream stored cases by scope, compare decisions, reproduce an old one.

    (`services.rescreen` screens them: preview, first_changes, accept.)
    stream_cases(db, Scope(open_only=True, since=..., until=...), batch_size=500) -> batches of rows, oldest
        first, in keyset order; stream_ranges / read_range for worker processes; count_cases(db, scope).
    compare(...) -> CaseDifference (outcome, depth per treatment, earliest date, rules that newly fire / no
        longer fire; `.changed`, `.error`).
    reproduce(db, reference) -> Reproduction: screens a stored intake again under its archived rule set;
    reproduce_history(db, reference) -> [Reproduction]: the same for every decision in the case's history.
"""

from __future__ import annotations

from .difference import CaseDifference, DepthChange
from .preview import DEFAULT_BATCH, Scope, count_cases, stream_cases
from .reproduce import Reproduction, reproduce, reproduce_history

__all__ = [
    "DEFAULT_BATCH", "CaseDifference", "DepthChange", "Reproduction", "Scope", "count_cases", "reproduce",
    "reproduce_history", "stream_cases",
]

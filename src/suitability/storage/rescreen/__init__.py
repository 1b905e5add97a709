"""Re-screening's storage side: stream stored cases by scope, oldest first, in keyset batches.

    (`services.rescreen` screens them: preview, first_changes, accept; `services.reproduce` reproduces an old
    decision; `deciding.difference` compares two decisions.)
    stream_cases(db, Scope(open_only=True, since=..., until=...), batch_size=500) -> batches of rows, oldest
        first, in keyset order; stream_ranges / read_range for worker processes; count_cases(db, scope).
"""

from __future__ import annotations

from .preview import DEFAULT_BATCH, Scope, count_cases, stream_cases

__all__ = ["DEFAULT_BATCH", "Scope", "count_cases", "stream_cases"]

"""A per-key fixed-window rate limit whose counters live in the database, so every app server shares them.

One statement per request counts it and checks the key is still live: an upsert fed by a select of the key
where it is not revoked (no row: the key was revoked, even if this process remembers it as verified). The count
commits on a connection of its own that does not wait for the disk: on SQLite `synchronous=NORMAL` for that
commit only (WAL: the next full commit, e.g. a submission's, flushes it too), on PostgreSQL `synchronous_commit
= off` for that transaction. Other servers see the count at once; only a power cut can forget the last
moments' counts, never a submission.
The statement and that connection are storage's (`storage/rate_windows.py`); this module decides.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..storage.rate_windows import Bind, count_request, engine_of, prune_windows, unflushed
from .api_keys import ApiKeyError

WINDOW_SECONDS = 60


class KeyNotLive(ApiKeyError):
    """The key was revoked (or removed) since this process verified it: refuse the request."""


@dataclass(frozen=True)
class Verdict:
    """Whether this request may go ahead, and what to tell the client."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window ends (Retry-After when refused)


def hit(bind: Bind, api_key_id: int, limit: int, now: float | None = None) -> Verdict:
    """Count one request in the key's current minute, atomically, and commit the count; raises KeyNotLive."""
    now = time.time() if now is None else now
    minute = int(now // WINDOW_SECONDS)
    with unflushed(engine_of(bind)) as connection:
        count = count_request(connection, api_key_id, minute)
        if count is None:
            raise KeyNotLive("this API key is no longer live")
        if count == 1:  # first request of a new window: forget this key's old windows
            prune_windows(connection, api_key_id, minute)
    reset_after = max(1, int((minute + 1) * WINDOW_SECONDS - now + 0.999))
    return Verdict(count <= limit, limit, max(0, limit - count), reset_after)

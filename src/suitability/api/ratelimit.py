"""A per-key fixed-window rate limit whose counters live in the database, so every app server shares them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import RateWindow

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    """Whether this request may go ahead, and what to tell the client."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window ends (Retry-After when refused)


def hit(session: Session, api_key_id: int, limit: int, now: float | None = None) -> Verdict:
    """Count one request in the key's current minute, atomically (an upsert), and commit the count."""
    now = time.time() if now is None else now
    minute = int(now // WINDOW_SECONDS)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    upsert = insert(RateWindow).values(api_key_id=api_key_id, minute=minute, count=1)
    statement = upsert.on_conflict_do_update(
        index_elements=[RateWindow.api_key_id, RateWindow.minute], set_={"count": RateWindow.count + 1},
    ).returning(RateWindow.count)
    count = int(session.execute(statement).scalar_one())
    if count == 1:  # first request of a new window: forget this key's old windows
        stale = (RateWindow.api_key_id == api_key_id, RateWindow.minute < minute)
        session.execute(delete(RateWindow).where(*stale))
    session.commit()
    reset_after = max(1, int((minute + 1) * WINDOW_SECONDS - now + 0.999))
    return Verdict(count <= limit, limit, max(0, limit - count), reset_after)

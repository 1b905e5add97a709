"""A per-key fixed-window rate limit whose counters live in the database, so every app server shares them.

One statement per request counts it and checks the key is still live: an upsert fed by a select of the key
where it is not revoked (no row: the key was revoked, even if this process remembers it as verified). The count
commits on a connection of its own that does not wait for the disk: on SQLite `synchronous=NORMAL` for that
commit only (WAL: the next full commit, e.g. a submission's, flushes it too), on PostgreSQL `synchronous_commit
= off` for that transaction. Other servers see the count at once; only a power cut can forget the last
moments' counts, never a submission.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Insert, Integer, bindparam, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from ..storage import Session
from ..storage.integration_models import ApiKey, RateWindow
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


@functools.cache
def _count_statement(dialect: str) -> Insert:
    """INSERT INTO rate_windows SELECT the key, this minute, 1 WHERE the key is live ON CONFLICT count + 1."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    live_key = select(ApiKey.id, bindparam("minute", type_=Integer), literal(1, Integer)).where(
        ApiKey.id == bindparam("key", type_=Integer), ApiKey.revoked_at.is_(None))
    upsert = insert(RateWindow).from_select([RateWindow.api_key_id, RateWindow.minute, RateWindow.count], live_key)
    return upsert.on_conflict_do_update(
        index_elements=[RateWindow.api_key_id, RateWindow.minute], set_={"count": RateWindow.count + 1},
    ).returning(RateWindow.count)


_PRUNE = delete(RateWindow).where(RateWindow.api_key_id == bindparam("key"), RateWindow.minute < bindparam("minute"))


@contextmanager
def _unflushed(engine: Engine) -> Iterator[Connection]:
    """A connection whose transaction commits without waiting for the disk; back to normal before the pool
    sees it again (or discarded if that fails, so no other commit ever runs unflushed)."""
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            with connection.begin():
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield connection
            return
        raw = connection.connection.dbapi_connection  # outside a transaction: SQLite refuses the pragma inside
        assert raw is not None
        raw.execute("PRAGMA synchronous=NORMAL")
        try:
            with connection.begin():
                yield connection
        finally:
            try:
                raw.execute("PRAGMA synchronous=FULL")
            except Exception:
                connection.invalidate()
                raise


def hit(bind: Session | Engine, api_key_id: int, limit: int, now: float | None = None) -> Verdict:
    """Count one request in the key's current minute, atomically, and commit the count; raises KeyNotLive."""
    now = time.time() if now is None else now
    minute = int(now // WINDOW_SECONDS)
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    assert isinstance(engine, Engine)
    with _unflushed(engine) as connection:
        count = connection.execute(_count_statement(engine.dialect.name),
                                   {"key": api_key_id, "minute": minute}).scalar()
        if count is None:
            raise KeyNotLive("this API key is no longer live")
        if count == 1:  # first request of a new window: forget this key's old windows
            connection.execute(_PRUNE, {"key": api_key_id, "minute": minute})
    reset_after = max(1, int((minute + 1) * WINDOW_SECONDS - now + 0.999))
    return Verdict(count <= limit, limit, max(0, limit - count), reset_after)

"""Rate windows: count a request in a key's minute with one upsert, on a connection that commits unflushed."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Insert, Integer, bindparam, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .integration_models import ApiKey, RateWindow

Bind = Session | Engine  # what a caller holds: a request's session, or the app's engine


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


def engine_of(bind: Bind) -> Engine:
    """The engine behind a session or an engine."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    assert isinstance(engine, Engine)
    return engine


@contextmanager
def unflushed(engine: Engine) -> Iterator[Connection]:
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


def count_request(connection: Connection, api_key_id: int, minute: int) -> int | None:
    """The key's count in this minute after adding one, or None when the key is not live (nothing counted)."""
    count: int | None = connection.execute(_count_statement(connection.engine.dialect.name),
                                           {"key": api_key_id, "minute": minute}).scalar()
    return count


def prune_windows(connection: Connection, api_key_id: int, minute: int) -> None:
    """Forget the key's windows before this minute."""
    connection.execute(_PRUNE, {"key": api_key_id, "minute": minute})

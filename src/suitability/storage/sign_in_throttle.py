"""Sign-in throttling per client address, counted in the database so every app server sees the same count.

Each sign-in attempt from a client is counted as a refusal (a row in `sign_in_attempts`) before its password is
checked, and the row is removed again if the password was right. A client with `limit` refusals within `window`
is refused before any password is checked until the oldest of them ages out; the first such refusal in a window
is an audit event. Counting first holds the limit for a burst of attempts at once on several servers: each
attempt's row is committed before it counts, so of any burst at most `limit` go on to a password check.
Rows older than the window are deleted as new ones arrive. Clients are keyed by an opaque string the web layer
derives from the address (a keyed hash: no address is stored here).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import CheckConstraint, Index, Integer, String, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import record_event
from .errors import StorageError
from .models import Base
from .types import UTCDateTime, utcnow

log = logging.getLogger(__name__)
FAILED = "failed"                  # a refused sign-in, or one whose password is being checked
THROTTLED = "throttled"            # one marker per client and window: the refusal that was audited
SIGN_IN_THROTTLED = "practitioner.sign_in_throttled"
T = TypeVar("T")


class SignInAttempt(Base):
    """A refused sign-in (or the first throttled one) from one client. Kept only as long as the window."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        CheckConstraint(f"outcome IN ('{FAILED}', '{THROTTLED}')", name="outcome"),
        Index("ix_sign_in_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.outcome} at {self.at:%H:%M:%S}>"


@dataclass(frozen=True)
class Throttle:
    """At most `limit` refused sign-ins per client within `window`."""

    limit: int
    window: dt.timedelta


@dataclass(frozen=True)
class Admission:
    """Whether an attempt may check its password: `attempt_id` to forgive if it was right, else how long to wait."""

    attempt_id: int | None
    wait: dt.timedelta = dt.timedelta(0)


def admit(session: Session, client: str, throttle: Throttle, *, now: dt.datetime | None = None) -> Admission:
    """Count this attempt before its password is checked (commits), or refuse it (the refusal is recorded).

    StorageError if the count cannot be read or written: the caller refuses the attempt then, too.
    """
    now = now or utcnow()
    wait = wait_for(session, client, throttle, now=now)
    if not wait:
        attempt = _write(session, lambda: _add(session, client, FAILED, throttle, now))
        if _count(session, client, throttle, now) <= throttle.limit:
            return Admission(attempt.id)
        # others counted first in a burst: this one is over the limit and takes its row back
        _write(session, lambda: session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt.id)))
        wait = max(wait_for(session, client, throttle, now=now), dt.timedelta(seconds=1))
    record_throttled(session, client, throttle, wait, now=now)
    return Admission(None, wait)


def forgive(session: Session, attempt_id: int) -> bool:
    """The password was right: the attempt is not a refusal after all (commits). False (logged) if not removed,
    which leaves one refusal too many counted: the safe side, so the sign-in goes ahead."""
    try:
        _write(session, lambda: session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt_id)))
    except StorageError as exc:
        log.warning("a good sign-in stays counted as refused: %s", exc)
        return False
    return True


def wait_for(session: Session, client: str, throttle: Throttle, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long this client must wait before trying again: zero while under the limit."""
    now = now or utcnow()
    recent = (select(SignInAttempt.at)
              .where(SignInAttempt.client == client, SignInAttempt.outcome == FAILED,
                     SignInAttempt.at > now - throttle.window))
    try:
        # the limit-th newest refusal: while it is inside the window, the client is at the limit
        oldest_counted = session.scalar(recent.order_by(SignInAttempt.at.desc())
                                        .limit(1).offset(max(throttle.limit, 1) - 1))
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read sign-in attempts ({type(exc).__name__})") from exc
    if oldest_counted is None:
        return dt.timedelta(0)
    return max(oldest_counted + throttle.window - now, dt.timedelta(seconds=1))


def record_failure(session: Session, client: str, throttle: Throttle, *, now: dt.datetime | None = None) -> None:
    """Count a refused sign-in from this client (commits), and delete rows that have aged out of the window."""
    when = now or utcnow()
    _write(session, lambda: _add(session, client, FAILED, throttle, when))


def _count(session: Session, client: str, throttle: Throttle, now: dt.datetime) -> int:
    query = select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.client == client, SignInAttempt.outcome == FAILED, SignInAttempt.at > now - throttle.window)
    try:
        return int(session.scalar(query) or 0)
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read sign-in attempts ({type(exc).__name__})") from exc


def record_throttled(session: Session, client: str, throttle: Throttle, wait: dt.timedelta, *,
                     now: dt.datetime | None = None) -> bool:
    """Note a refusal for being over the limit (commits); audited once per client and window. True if audited."""
    now = now or utcnow()
    marker = select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.client == client, SignInAttempt.outcome == THROTTLED,
        SignInAttempt.at > now - throttle.window)

    def write() -> bool:
        if session.scalar(marker):
            return False
        _add(session, client, THROTTLED, throttle, now)
        record_event(session, action=SIGN_IN_THROTTLED, actor="unknown",
                     detail={"client": client[:16], "limit": throttle.limit,
                             "window_minutes": throttle.window.total_seconds() / 60,
                             "retry_after_seconds": int(wait.total_seconds())})
        return True

    return _write(session, write)


def _add(session: Session, client: str, outcome: str, throttle: Throttle, now: dt.datetime) -> SignInAttempt:
    session.execute(delete(SignInAttempt).where(SignInAttempt.at <= now - throttle.window))
    attempt = SignInAttempt(client=client, outcome=outcome, at=now)
    session.add(attempt)
    session.flush()
    return attempt


def _write(session: Session, work: Callable[[], T]) -> T:
    """Run `work` in a write transaction of its own and commit; StorageError (nothing kept) if it fails."""
    session.rollback()  # end any read first
    try:
        # SQLite: take the write lock at BEGIN, so the marker read and the write below see one state
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        result = work()
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StorageError(f"could not record a sign-in attempt ({type(exc).__name__})") from exc
    return result

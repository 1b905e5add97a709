"""Practitioner accounts: argon2 password hashes, sign-in with slowing and locking kept in the database.

The lock state is in `users`, not in a process's memory, so every app server sees the same count. Sign-in says
only "refused": never whether the username exists, the password was wrong, or the account is locked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import AccountError
from .audit import record_event
from .review_models import Role, User
from .types import utcnow

HASHER = PasswordHasher()
# Checked against when the username is unknown, so a refusal takes as long either way.
_DUMMY_HASH = HASHER.hash("not a password anyone has")
FREE_FAILURES = 3            # failures allowed before each attempt must wait
LOCK_AFTER = 10              # failures in a row that lock the account
LOCK_MINUTES = 15
MIN_PASSWORD = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

SIGNED_IN = "practitioner.signed_in"
SIGN_IN_FAILED = "practitioner.sign_in_failed"
LOCKED = "practitioner.locked"
SIGNED_OUT = "practitioner.signed_out"
PASSWORD_CHANGED = "user.password_changed"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user if it succeeded, else None (and why, for the audit only)."""

    user: User | None
    reason: str = ""


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, refusing passwords too short to be worth hashing."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


def add_user(session: Session, username: str, password: str, *, role: Role | str = Role.PRACTITIONER,
             display_name: str | None = None, actor: str = "cli") -> User:
    """Create an account (and its audit event) and commit; AccountError if the name is taken or unusable."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError("a username is 2-64 lower-case letters, digits, '.', '_' or '-'")
    user = User(username=name, display_name=(display_name or name).strip()[:100], role=Role(role),
                password_hash=hash_password(password), active=True, failed_logins=0)
    session.add(user)
    try:
        session.flush()
        record_event(session, action="user.added", actor=actor, detail={"username": name, "role": user.role.value})
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise AccountError(f"there is already an account called {name!r}") from exc
    return user


def find_user(session: Session, username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def list_users(session: Session) -> list[User]:
    """Every account, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool, *, actor: str = "cli") -> User:
    """Disable (or enable again) an account and commit; a disabled account is refused on its next request."""
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"there is no account called {username.strip().lower()!r}")
    user.active = active
    if not active:
        end_sessions(session, user)
    if active:
        user.failed_logins, user.locked_until = 0, None
    record_event(session, action="user.enabled" if active else "user.disabled", actor=actor,
                 detail={"username": user.username})
    session.commit()
    return user


def wait_after(failures: int) -> dt.timedelta:
    """How long an account must rest after `failures` failures in a row: none, then doubling, then locked."""
    if failures >= LOCK_AFTER:
        return dt.timedelta(minutes=LOCK_MINUTES)
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return dt.timedelta(seconds=2 ** (failures - FREE_FAILURES + 1))


def sign_in(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check a password and record the attempt (commits). Refused: unknown, disabled, resting, or wrong."""
    now = now or utcnow()
    user = find_user(session, username) if len(username) <= 64 else None
    reason = _judge(user, password, now)
    rehashed = HASHER.hash(password) if user and not reason and HASHER.check_needs_rehash(user.password_hash) else None
    # The slow hashing is done; the writes get a transaction of their own that takes SQLite's write lock at
    # BEGIN (a read transaction turned writer fails at once if another sign-in wrote meanwhile).
    session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    if user is None:
        record_event(session, action=SIGN_IN_FAILED, actor="unknown", detail={"reason": "unknown-user"})
        session.commit()
        return SignIn(None, "unknown-user")
    if reason:
        return _refuse(session, user, reason, count=reason == "wrong-password", now=now)
    if rehashed:
        user.password_hash = rehashed
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    record_event(session, action=SIGNED_IN, actor=user.username)
    session.commit()
    return SignIn(user)


def end_sessions(session: Session, user: User) -> None:
    """End every session of this account on every app server from its next request (not committed)."""
    session.execute(update(User).where(User.id == user.id)
                    .values(session_generation=User.session_generation + 1),
                    execution_options={"synchronize_session": "fetch"})


def set_password(session: Session, username: str, password: str, *, actor: str = "cli") -> User:
    """A new password for an account (and its audit event), committed; every session of it ends."""
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"there is no account called {username.strip().lower()!r}")
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user)
    record_event(session, action=PASSWORD_CHANGED, actor=actor, detail={"username": user.username})
    session.commit()
    return user


def record_sign_out(session: Session, user_id: int, username: str, *, expired: bool = False) -> None:
    """The audit event of a sign-out (or of a session that expired), committed; every copy of the session
    cookie (and any other session of the account) is refused from then on."""
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(session, user)
    record_event(session, action=SIGNED_OUT, actor=username, detail={"expired": expired})
    session.commit()


def _judge(user: User | None, password: str, now: dt.datetime) -> str:
    """Why this attempt is refused ("" if it is not); a password is hashed on every path, so all take as long."""
    if user is None or not user.active or (user.locked_until is not None and user.locked_until > now):
        _verify(_DUMMY_HASH, password)
        return "unknown-user" if user is None else "disabled" if not user.active else "locked"
    return "" if _verify(user.password_hash, password) else "wrong-password"


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse(session: Session, user: User, reason: str, *, count: bool,
            now: dt.datetime | None = None) -> SignIn:
    detail: dict[str, object] = {"reason": reason}
    if count:  # one atomic increment: two app servers counting at once lose no failure
        session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1),
                        execution_options={"synchronize_session": "fetch"})
        rest = wait_after(user.failed_logins)
        detail["failures"] = user.failed_logins
        if rest:
            user.locked_until = (now or utcnow()) + rest
        if user.failed_logins == LOCK_AFTER:
            record_event(session, action=LOCKED, actor=user.username,
                         detail={"minutes": LOCK_MINUTES, "failures": user.failed_logins})
    record_event(session, action=SIGN_IN_FAILED, actor=user.username, detail=detail)
    session.commit()
    return SignIn(None, reason)

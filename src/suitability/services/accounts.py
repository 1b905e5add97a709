"""Staff accounts as use cases: sign in behind the per-client throttle, sign out, the account behind a session,
create, disable, enable, set a password and list accounts, each audited as storage.accounts records it.

Doors get `Account` values (never the ORM row or its password hash). Sign-in refusals say only "refused": the
outcome never tells a door whether the username exists, the password was wrong or the account is locked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from ..storage import Session, accounts
from ..storage.database import Database
from ..storage.errors import DatabaseError, StorageError
from ..storage.review_models import Role, User
from ..storage.sign_in_throttle import Throttle, admit, forgive
from ..storage.view_audit import USERS_VIEWED, record_view

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    """A practitioner account as a door shows it: who, which role, whether it may sign in, and its session
    generation (a session started before the generation changed is over)."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    last_login_at: dt.datetime | None
    session_generation: int

    @property
    def is_admin(self) -> bool:
        """Whether the account administers the others."""
        return self.role is Role.ADMIN

    @classmethod
    def of(cls, user: User) -> Account:
        """The account of a stored user row."""
        return cls(user.id, user.username, user.display_name, user.role, user.active, user.last_login_at,
                   user.session_generation)


@dataclass(frozen=True)
class SignInOutcome:
    """A sign-in attempt's result: the account signed in, or None; `wait` is set when the client was over its
    limit and no password was checked (how long it must wait)."""

    account: Account | None
    wait: dt.timedelta | None = None


@contextmanager
def _stored(database: Database) -> Iterator[Session]:
    """A session whose database failures reach the door as StorageError (a 503), never as a traceback."""
    try:
        with database.session() as session:
            yield session
    except DatabaseError as exc:
        log.error("an account's database work failed: %s", type(exc).__name__)
        raise StorageError(f"the accounts could not be read or written ({type(exc).__name__})") from exc


def sign_in(database: Database, client: str, throttle: Throttle, username: str, password: str, *,
            now: dt.datetime | None = None) -> SignInOutcome:
    """Admit the attempt under the client's limit, then check the password (both recorded, committed).

    The client is counted before any password is checked (password spraying across accounts); a good password
    takes its count back. StorageError if the database fails: the door refuses the attempt then."""
    with _stored(database) as session:
        admission = admit(session, client, throttle, now=now)
        if admission.attempt_id is None:
            return SignInOutcome(None, admission.wait)
        user = accounts.sign_in(session, username, password, now=now).user
        if user is None:
            return SignInOutcome(None)
        account = Account.of(user)
        forgive(session, admission.attempt_id)
        return SignInOutcome(account)


def signed_in_account(database: Database, user_id: int, generation: object) -> Account | None:
    """The account behind a session, if it is active and the session's generation is still the account's:
    disabling, signing out and a new password end every copy of a session at once. StorageError if it cannot
    be read."""
    with _stored(database) as session:
        user = session.get(User, user_id)
        if user is None or not user.active or generation != user.session_generation:
            return None
        return Account.of(user)


def record_sign_out(database: Database, user_id: int, username: str, *, expired: bool = False) -> None:
    """Record a sign-out (ending every session of the account) or an expiry (ending only that one), committed."""
    with _stored(database) as session:
        accounts.record_sign_out(session, user_id, username, expired=expired)


def view_accounts(database: Database, actor: str) -> list[Account]:
    """Every account, by username, for an admin's page; the view is audited first (ViewNotAudited: show nothing)."""
    with _stored(database) as session:
        found = [Account.of(user) for user in accounts.list_users(session)]
        record_view(session, action=USERS_VIEWED, actor=actor)
    return found


def list_accounts(database: Database) -> list[Account]:
    """Every account, by username."""
    with database.session() as session:
        return [Account.of(user) for user in accounts.list_users(session)]


def _change(database: Database, change: Callable[[Session], User]) -> Account:
    with database.session() as session:
        return Account.of(change(session))


def add_account(database: Database, username: str, password: str, *, role: Role | str = Role.PRACTITIONER,
                display_name: str | None = None, actor: str = "cli") -> Account:
    """Create an account (audited by `actor`) and commit; AccountError if the name is taken or unusable, or the
    password too short."""
    return _change(database, lambda session: accounts.add_user(session, username, password, role=role,
                                                              display_name=display_name, actor=actor))


def set_active(database: Database, username: str, active: bool, *, actor: str = "cli") -> Account:
    """Disable an account (refused from its next request on) or enable it again (its lock lifted), audited by
    `actor`; AccountError if there is no such account."""
    return _change(database, lambda session: accounts.set_active(session, username, active, actor=actor))


def set_password(database: Database, username: str, password: str, *, actor: str = "cli") -> Account:
    """A new password for an account, audited by `actor`; every session of it ends. AccountError if there is no
    such account or the password is too short."""
    return _change(database, lambda session: accounts.set_password(session, username, password, actor=actor))


# Database, Role and Throttle are named here for the doors' type hints: a door never imports storage.
__all__ = ["Account", "Database", "Role", "SignInOutcome", "Throttle", "add_account", "list_accounts", "record_sign_out",
           "set_active", "set_password", "sign_in", "signed_in_account", "view_accounts"]

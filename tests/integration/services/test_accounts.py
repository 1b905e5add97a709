"""Staff accounts as use cases, on a real SQLite file and a real PostgreSQL: a client is counted before any
password is checked and refused over its limit, a good password takes its count back, a disabled account is
refused with its right password, and a new password or a sign-out is audited and ends the account's sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from suitability.errors import AccountError
from suitability.services.accounts import (
    Role,
    Throttle,
    add_account,
    list_accounts,
    record_sign_out,
    set_active,
    set_password,
    sign_in,
    signed_in_account,
    view_accounts,
)
from suitability.services.errors import StorageError
from suitability.storage import AuditEvent, Database
from suitability.storage.accounts import PASSWORD_CHANGED, SIGN_IN_FAILED, SIGNED_IN, SIGNED_OUT
from suitability.storage.sign_in_throttle import FAILED, SIGN_IN_THROTTLED, SignInAttempt
from suitability.storage.view_audit import USERS_VIEWED

PASSWORD = "a long enough password"
NEW_PASSWORD = "another long password"
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
CLIENT = "c" * 64
LIMIT = 2
RULE = Throttle(LIMIT, dt.timedelta(minutes=15))


def events(db: Database, action: str) -> list[tuple[str, dict[str, object]]]:
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        return [(row.actor, dict(row.detail)) for row in rows]


def counted(db: Database, client: str = CLIENT) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(SignInAttempt)
                                  .where(SignInAttempt.client == client, SignInAttempt.outcome == FAILED)) or 0)


def test_a_client_over_its_limit_is_refused_before_any_password_is_checked(db: Database) -> None:
    add_account(db, "pat", PASSWORD)
    for minute in range(LIMIT):
        refused = sign_in(db, CLIENT, RULE, "pat", "wrong password!", now=T0 + dt.timedelta(minutes=minute))
        assert refused.account is None and refused.wait is None
    assert counted(db) == LIMIT
    checked = len(events(db, SIGN_IN_FAILED))
    throttled = sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=5))
    assert throttled.account is None
    assert throttled.wait == dt.timedelta(minutes=10)  # until the oldest refusal leaves the 15-minute window
    assert len(events(db, SIGN_IN_FAILED)) == checked and events(db, SIGNED_IN) == []  # no password checked
    assert len(events(db, SIGN_IN_THROTTLED)) == 1
    sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=6))
    assert len(events(db, SIGN_IN_THROTTLED)) == 1  # audited once per client and window
    other = sign_in(db, "d" * 64, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=6))
    assert other.account is not None and other.account.username == "pat"  # another client is not held back
    later = sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=16))
    assert later.account is not None and later.wait is None


def test_a_good_password_takes_its_count_back(db: Database) -> None:
    add_account(db, "sam", PASSWORD, role="admin", display_name="Sam Admin")
    done = sign_in(db, CLIENT, RULE, "SAM ", PASSWORD, now=T0)
    assert done.account is not None
    assert (done.account.username, done.account.display_name, done.account.role) == ("sam", "Sam Admin", Role.ADMIN)
    assert done.account.is_admin and done.account.last_login_at == T0
    assert not hasattr(done.account, "password_hash")
    assert counted(db) == 0
    assert events(db, SIGNED_IN) == [("sam", {})]


def test_a_disabled_account_is_refused_with_its_own_password(db: Database) -> None:
    pat = add_account(db, "pat", PASSWORD)
    session_of = sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0).account
    assert session_of is not None
    assert signed_in_account(db, pat.id, session_of.session_generation) is not None
    disabled = set_active(db, "pat", False, actor="admin")
    assert not disabled.active
    assert signed_in_account(db, pat.id, session_of.session_generation) is None  # its session ends at once
    refused = sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=1))
    assert refused.account is None and refused.wait is None
    assert events(db, SIGN_IN_FAILED)[-1] == ("pat", {"reason": "disabled"})
    assert counted(db) == 1  # a refusal counts against the client like any other
    assert [actor for actor, _ in events(db, "user.disabled")] == ["admin"]
    set_active(db, "pat", True)
    assert sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=2)).account is not None


def test_a_new_password_is_audited_and_ends_every_session(db: Database) -> None:
    pat = add_account(db, "pat", PASSWORD)
    before = sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0).account
    assert before is not None
    changed = set_password(db, "pat", NEW_PASSWORD, actor="admin")
    assert events(db, PASSWORD_CHANGED) == [("admin", {"username": "pat"})]
    assert changed.session_generation > before.session_generation
    assert signed_in_account(db, pat.id, before.session_generation) is None
    assert signed_in_account(db, pat.id, changed.session_generation) is not None
    assert sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0 + dt.timedelta(minutes=1)).account is None
    assert sign_in(db, CLIENT, RULE, "pat", NEW_PASSWORD, now=T0 + dt.timedelta(minutes=2)).account is not None
    with pytest.raises(AccountError, match="at least 12 characters"):
        set_password(db, "pat", "short")
    with pytest.raises(AccountError, match="no account"):
        set_password(db, "nobody", NEW_PASSWORD)
    assert len(events(db, PASSWORD_CHANGED)) == 1  # a refused change records nothing


def test_a_sign_out_ends_every_session_and_an_expiry_only_its_own(db: Database) -> None:
    pat = add_account(db, "pat", PASSWORD)
    record_sign_out(db, pat.id, "pat", expired=True)
    assert signed_in_account(db, pat.id, pat.session_generation) is not None
    record_sign_out(db, pat.id, "pat")
    assert signed_in_account(db, pat.id, pat.session_generation) is None
    assert events(db, SIGNED_OUT) == [("pat", {"expired": True}), ("pat", {"expired": False})]
    assert signed_in_account(db, pat.id + 1000, pat.session_generation) is None


def test_the_accounts_are_listed_by_name_and_an_admins_view_is_audited(db: Database) -> None:
    add_account(db, "zoe", PASSWORD)
    add_account(db, "amy", PASSWORD, role=Role.ADMIN)
    with pytest.raises(AccountError, match="already an account"):
        add_account(db, "Amy", PASSWORD)
    assert [a.username for a in list_accounts(db)] == ["amy", "zoe"]
    assert events(db, USERS_VIEWED) == []
    assert [(a.username, a.role, a.active) for a in view_accounts(db, "amy")] == [
        ("amy", Role.ADMIN, True), ("zoe", Role.PRACTITIONER, True)]
    assert [actor for actor, _ in events(db, USERS_VIEWED)] == ["amy"]



def test_a_database_that_fails_reaches_the_door_as_a_storage_error(db: Database) -> None:
    pat = add_account(db, "pat", PASSWORD)
    cascade = "" if db.engine.url.get_backend_name() == "sqlite" else " CASCADE"
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE users{cascade}"))
    with pytest.raises(StorageError):
        sign_in(db, CLIENT, RULE, "pat", PASSWORD, now=T0)
    with pytest.raises(StorageError):
        signed_in_account(db, pat.id, pat.session_generation)
    with pytest.raises(StorageError):
        view_accounts(db, "amy")

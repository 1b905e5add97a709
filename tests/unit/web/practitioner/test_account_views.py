"""Accounts: argon2 hashes, sign-in that never says which part was wrong, slowing and locking kept in the
database, idle expiry, disabling that works at once, sign-out, and an audit event for each."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.review_support import PASSWORD, make_app, make_user, sign_in

from suitability.cli import main
from suitability.errors import AccountError
from suitability.storage import AuditEvent
from suitability.storage.accounts import FREE_FAILURES, LOCK_AFTER, find_user, set_active, wait_after
from suitability.storage.accounts import sign_in as check_sign_in
from suitability.storage.review_models import User
from suitability.web.database import get_db
from suitability.web.practitioner import auth


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context(), get_db().session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def user(app: Flask, username: str = "pat") -> User:
    with app.app_context(), get_db().session() as session:
        found = find_user(session, username)
        assert found is not None
        return found


def test_a_practitioner_signs_in_and_sees_the_queue(app: Flask, client: FlaskClient, practitioner: int) -> None:
    response = sign_in(client)
    assert response.status_code == 303 and response.location == "/practitioner/"
    page = client.get("/practitioner/")
    assert page.status_code == 200 and "Cases to review" in page.get_data(as_text=True)
    assert user(app).last_login_at is not None


def test_passwords_are_kept_only_as_argon2id_hashes(app: Flask, practitioner: int) -> None:
    stored = user(app).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_a_short_password_or_a_taken_username_is_refused(app: Flask, practitioner: int) -> None:
    with app.app_context(), get_db().session() as session:
        with pytest.raises(AccountError):
            from suitability.storage.accounts import add_user
            add_user(session, "shorty", "too short")
        with pytest.raises(AccountError):
            add_user(session, "PAT", PASSWORD)


def test_an_unknown_username_and_a_wrong_password_get_the_same_answer(
        client: FlaskClient, practitioner: int) -> None:
    wrong = sign_in(client, "pat", "not the password at all")
    unknown = sign_in(client, "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    # the same page but for the username typed back and the CSRF token (it carries a timestamp)
    strip = [re.sub(r'name="csrf_token" value="[^"]*"', "", r.get_data(as_text=True))
             .replace('value="pat"', "").replace('value="nobody"', "") for r in (wrong, unknown)]
    assert strip[0] == strip[1]
    assert "/practitioner/" not in (wrong.location or "")


def test_failures_first_slow_then_lock_the_account_even_against_the_right_password(
        app: Flask, practitioner: int) -> None:
    now = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    with app.app_context(), get_db().session() as session:
        for _ in range(FREE_FAILURES - 1):
            assert check_sign_in(session, "pat", "wrong password!", now=now).user is None
        assert find_user(session, "pat").locked_until is None  # type: ignore[union-attr]
        assert check_sign_in(session, "pat", "wrong password!", now=now).reason == "wrong-password"
        rest = wait_after(FREE_FAILURES)
        assert rest > dt.timedelta(0)
        # Resting: even the right password is refused, and that does not count as another failure.
        refused = check_sign_in(session, "pat", PASSWORD, now=now + rest / 2)
        assert refused.user is None and refused.reason == "locked"
        assert check_sign_in(session, "pat", PASSWORD, now=now + rest + dt.timedelta(seconds=1)).user is not None
        assert find_user(session, "pat").failed_logins == 0  # type: ignore[union-attr]

        for _ in range(LOCK_AFTER):
            now += dt.timedelta(hours=1)  # each attempt after any rest: only the count matters
            check_sign_in(session, "pat", "wrong password!", now=now)
        assert check_sign_in(session, "pat", PASSWORD, now=now + dt.timedelta(minutes=14)).reason == "locked"
        assert check_sign_in(session, "pat", PASSWORD, now=now + dt.timedelta(minutes=16)).user is not None
    assert len(events(app, "practitioner.locked")) == 1


def test_the_lock_is_in_the_database_so_every_app_server_sees_it(
        app: Flask, practitioner: int, tmp_path: Path) -> None:
    other = make_app(tmp_path)  # a second app server on the same database
    first, second = app.test_client(), other.test_client()
    for _ in range(FREE_FAILURES):
        assert sign_in(first, "pat", "wrong password!").status_code == 401
    assert sign_in(second).status_code == 401  # right password, other server: still resting
    with other.app_context():
        get_db().dispose()


def test_a_session_ends_after_the_idle_limit(app: Flask, signed_in: FlaskClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert signed_in.get("/practitioner/").status_code == 200
    later = auth.time.time() + app.config["PRACTITIONER_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr(auth.time, "time", lambda: later)
    response = signed_in.get("/practitioner/")
    assert response.status_code == 302 and response.location.startswith("/practitioner/sign-in")
    monkeypatch.undo()
    assert signed_in.get("/practitioner/").status_code == 302  # signed out, not just bounced once
    assert [e.detail for e in events(app, "practitioner.signed_out")] == [{"expired": True}]


def test_activity_keeps_a_session_alive(app: Flask, signed_in: FlaskClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    start = auth.time.time()
    step = app.config["PRACTITIONER_IDLE_MINUTES"] * 60 - 60
    for n in range(1, 4):
        monkeypatch.setattr(auth.time, "time", lambda n=n: start + n * step)
        assert signed_in.get("/practitioner/").status_code == 200


def test_a_disabled_account_is_refused_on_its_very_next_request(app: Flask, signed_in: FlaskClient) -> None:
    assert signed_in.get("/practitioner/").status_code == 200
    with app.app_context(), get_db().session() as session:
        set_active(session, "pat", False)
    response = signed_in.get("/practitioner/")
    assert response.status_code == 302 and response.location.startswith("/practitioner/sign-in")
    assert sign_in(app.test_client()).status_code == 401


def test_sign_out_ends_the_session_and_is_audited(app: Flask, signed_in: FlaskClient) -> None:
    assert signed_in.post("/practitioner/sign-out").status_code == 303
    assert signed_in.get("/practitioner/").status_code == 302
    assert [e.actor for e in events(app, "practitioner.signed_out")] == ["pat"]


def test_sign_ins_and_failures_are_audited_without_passwords(app: Flask, client: FlaskClient,
                                                             practitioner: int) -> None:
    sign_in(client, "pat", "a wrong password")
    sign_in(client, "ghost", "another wrong one")
    sign_in(client)
    failed = events(app, "practitioner.sign_in_failed")
    assert [(e.actor, e.detail["reason"]) for e in failed] == [("pat", "wrong-password"),
                                                               ("unknown", "unknown-user")]
    assert [e.actor for e in events(app, "practitioner.signed_in")] == ["pat"]
    with app.app_context(), get_db().session() as session:
        text = repr([(e.actor, e.detail) for e in session.scalars(select(AuditEvent))])
    assert "wrong password" not in text and "another wrong" not in text and PASSWORD not in text
    assert "ghost" not in text  # a mistyped username may be someone's password


def test_an_old_hash_is_upgraded_at_the_next_sign_in(app: Flask, client: FlaskClient, practitioner: int) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context(), get_db().session() as session:
        found = find_user(session, "pat")
        assert found is not None
        found.password_hash = weak
        session.commit()
    assert sign_in(client).status_code == 303
    upgraded = user(app).password_hash
    assert upgraded != weak and not PasswordHasher().check_needs_rehash(upgraded)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/result/abc", "/\\evil"])
def test_a_sign_in_that_would_lead_outside_the_practitioner_area_is_refused(
        client: FlaskClient, practitioner: int, target: str) -> None:
    response = client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD,
                                                          "next": target})
    assert response.status_code == 400 and response.location is None
    assert client.get("/practitioner/").status_code == 302  # refused before the password was checked


def test_a_page_asked_for_before_sign_in_is_shown_after_it(client: FlaskClient, practitioner: int) -> None:
    first = client.get("/practitioner/rules")
    assert "next=/practitioner/rules" in first.location
    response = client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD,
                                                          "next": "/practitioner/rules"})
    assert response.location == "/practitioner/rules"


def test_the_sign_in_form_needs_its_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    make_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 400
    page = client.get("/practitioner/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        get_db().dispose()


def test_only_admins_see_the_accounts_page(app: Flask, signed_in: FlaskClient) -> None:
    assert signed_in.get("/practitioner/users").status_code == 403
    make_user(app, "ada", role="admin")
    admin = app.test_client()
    sign_in(admin, "ada")
    page = admin.get("/practitioner/users")
    assert page.status_code == 200 and "pat" in page.get_data(as_text=True)


def test_the_users_commands_add_list_disable_and_enable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "Robin", "--role", "admin", "--password-stdin", "--name", "Robin R"]) == 0
    assert "added robin (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "robin", "--password-stdin"]) == 1
    assert "already" in capsys.readouterr().err
    assert main(["users", "disable", "robin"]) == 0
    assert main(["users", "list"]) == 0
    assert "robin\tadmin\tdisabled\tlast sign-in never\tRobin R" in capsys.readouterr().out
    app = make_app(tmp_path)
    assert sign_in(app.test_client(), "robin").status_code == 401
    assert main(["users", "enable", "robin"]) == 0
    assert sign_in(app.test_client(), "robin").status_code == 303
    assert main(["users", "disable", "nobody"]) == 1
    with app.app_context():
        get_db().dispose()

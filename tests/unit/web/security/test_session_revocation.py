"""A practitioner's session ends on the server: sign-out, disabling the account, a new password and the
absolute lifetime end every copy of the session cookie at its next request, on any app server sharing the
database (the state is the account's session generation, not a process's memory)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.security_support import PASSWORD, make_app, make_user, sign_in

from suitability.cli import main
from suitability.storage.accounts import set_active, set_password
from suitability.web.database import get_db
from suitability.web.practitioner.auth import SINCE

COOKIE = "suitability_session"
PROTECTED = ("/practitioner/", "/practitioner/export?start=2026-01-01&end=2026-01-31", "/practitioner/rules")


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(COOKIE, cookie.value)
    return other


def assert_signed_out(client: FlaskClient) -> None:
    for path in PROTECTED:
        response = client.get(path)
        assert response.status_code == 302 and "/practitioner/sign-in" in response.location, path


def assert_signed_in(client: FlaskClient) -> None:
    for path in PROTECTED:
        assert client.get(path).status_code == 200, path


def test_a_copy_of_the_cookie_works_while_the_session_lasts(app: Flask, signed_in: FlaskClient) -> None:
    assert_signed_in(copy_of(signed_in, app))  # so the tests below can fail


def test_signing_out_ends_every_copy_of_the_session(app: Flask, signed_in: FlaskClient) -> None:
    copy = copy_of(signed_in, app)
    assert signed_in.post("/practitioner/sign-out").status_code == 303
    assert_signed_out(copy)
    assert_signed_out(signed_in)


def test_signing_out_ends_the_session_on_another_app_server(tmp_path: Path, app: Flask,
                                                            signed_in: FlaskClient) -> None:
    other_server = make_app(tmp_path)  # same instance folder, so the same database and secret key
    copy = copy_of(signed_in, other_server)
    assert_signed_in(copy)
    assert signed_in.post("/practitioner/sign-out").status_code == 303
    assert_signed_out(copy)
    with other_server.app_context():
        get_db().dispose()


def test_disabling_the_account_ends_every_session(app: Flask, signed_in: FlaskClient) -> None:
    copy = copy_of(signed_in, app)
    with app.app_context(), get_db().session() as session:
        set_active(session, "pat", False)
        set_active(session, "pat", True)  # enabled again: the old sessions stay over
    assert_signed_out(copy)
    assert_signed_out(signed_in)
    assert sign_in(app.test_client()).status_code == 303  # a new sign-in works


def test_a_new_password_ends_every_session(app: Flask, signed_in: FlaskClient) -> None:
    copy = copy_of(signed_in, app)
    with app.app_context(), get_db().session() as session:
        set_password(session, "pat", "a brand new passphrase")
    assert_signed_out(copy)
    assert_signed_out(signed_in)
    assert sign_in(app.test_client()).status_code == 401  # the old password is refused


def test_the_cli_sets_a_password_and_ends_the_sessions(tmp_path: Path, app: Flask, signed_in: FlaskClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    assert main(["users", "password", "pat", "--password-stdin"]) == 0
    assert_signed_out(signed_in)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "password", "pat", "--password-stdin"]) == 1
    assert main(["users", "disable", "pat"]) == 0
    client = app.test_client()
    assert client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD}).status_code == 401


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app: Flask, signed_in: FlaskClient) -> None:
    with signed_in.session_transaction() as session:  # signed in 12 hours and a minute ago, busy ever since
        session[SINCE] = int(time.time()) - 12 * 3600 - 60
    copy = copy_of(signed_in, app)  # a copy carries the same sign-in time
    other_device = app.test_client()
    assert sign_in(other_device).status_code == 303
    response = signed_in.get("/practitioner/")
    assert response.status_code == 302 and "/practitioner/sign-in" in response.location
    assert_signed_out(copy)
    assert_signed_in(other_device)  # a session signed in later lives on


def test_the_absolute_lifetime_is_a_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path, PRACTITIONER_MAX_HOURS=1)
    make_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 303
    with client.session_transaction() as session:
        session[SINCE] = int(time.time()) - 3600 - 60
    assert_signed_out(client)
    with app.app_context():
        get_db().dispose()


def test_the_default_lifetime_is_twelve_hours(app: Flask) -> None:
    assert app.config["PRACTITIONER_MAX_HOURS"] == 12

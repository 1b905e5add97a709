"""Sign-in throttling per client address as well as per account: refused sign-ins are counted in the database
(so every app server sees them), over the limit the browser gets a 429 page with Retry-After before any password
is checked, the first such refusal is audited, old rows are pruned, and only a trusted proxy names the client."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.test import TestResponse

from tests.common.pg import ServerInfo
from tests.common.review_support import PASSWORD, make_app, make_user

from suitability.storage import AuditEvent, Database
from suitability.storage.accounts import SIGN_IN_FAILED
from suitability.storage.sign_in_throttle import (
    SIGN_IN_THROTTLED,
    SignInAttempt,
    Throttle,
    record_failure,
    record_throttled,
    wait_for,
)
from suitability.web.database import get_db
from suitability.web.practitioner.throttle import network

LIMIT = 3
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
RULE = Throttle(LIMIT, dt.timedelta(minutes=15))


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[Flask]:
    """An app that throttles a client after three refused sign-ins in 15 minutes; an account pat."""
    app = make_app(tmp_path, SIGN_IN_IP_LIMIT=LIMIT, SIGN_IN_IP_WINDOW_MINUTES=15)
    make_user(app, "pat")
    yield app
    with app.app_context():
        get_db().dispose()


def attempt(client: FlaskClient, address: str, username: str = "pat", password: str = "wrong password!",
            forwarded: str | None = None) -> TestResponse:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/practitioner/sign-in", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def count(app: Flask, model: type, *where: object) -> int:
    with app.app_context(), get_db().session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_client_over_the_limit_gets_429_with_retry_after_even_with_the_right_password(strict: Flask) -> None:
    client = strict.test_client()
    for username in ("pat", "nobody", "someone-else"):  # spraying across accounts counts against the client
        assert attempt(client, "198.51.100.7", username).status_code == 401
    refused = attempt(client, "198.51.100.7", "pat", PASSWORD)
    assert refused.status_code == 429
    assert 840 <= int(refused.headers["Retry-After"]) <= 900
    html = refused.get_data(as_text=True)
    assert "Too many sign-ins from your network" in html and "15 minutes" in html
    assert client.get("/practitioner/").status_code == 302  # not signed in
    # refused before the password was checked: the account's own failure count did not move for it
    assert count(strict, AuditEvent, AuditEvent.action == SIGN_IN_FAILED) == LIMIT


def test_the_refusal_reads_in_the_staff_member_s_language(strict: Flask) -> None:
    client = strict.test_client()
    spanish = {"Accept-Language": "es"}
    for username in ("pat", "nobody", "someone-else"):
        assert client.post("/practitioner/sign-in", data={"username": username, "password": "wrong password!"},
                           environ_base={"REMOTE_ADDR": "198.51.100.8"}, headers=spanish).status_code == 401
    refused = client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "198.51.100.8"}, headers=spanish)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Ha habido demasiados inicios de sesión fallidos" in html and "15 minutos" in html
    assert "Too many sign-ins" not in html and "minutes" not in html


def test_another_client_address_is_not_held_back(strict: Flask) -> None:
    for _ in range(LIMIT):
        attempt(strict.test_client(), "198.51.100.7", "nobody")
    assert attempt(strict.test_client(), "198.51.100.7", "pat", PASSWORD).status_code == 429
    assert attempt(strict.test_client(), "198.51.100.8", "pat", PASSWORD).status_code == 303


def test_the_first_throttled_refusal_in_a_window_is_audited_once_without_the_address(strict: Flask) -> None:
    client = strict.test_client()
    for _ in range(LIMIT):
        attempt(client, "198.51.100.7", "nobody")
    for _ in range(3):
        assert attempt(client, "198.51.100.7", "nobody").status_code == 429
    with strict.app_context(), get_db().session() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == SIGN_IN_THROTTLED)).all()
        clients = set(session.scalars(select(SignInAttempt.client)))
    assert event.detail["limit"] == LIMIT and event.detail["retry_after_seconds"] > 0
    assert "198.51.100.7" not in str(event.detail) and "198.51.100.7" not in str(clients)
    assert count(strict, SignInAttempt) == LIMIT + 1  # the refusals counted, and one marker for the audit


def test_the_count_is_shared_by_app_servers_on_one_database(tmp_path: Path) -> None:
    first = make_app(tmp_path, SIGN_IN_IP_LIMIT=LIMIT)
    second = make_app(tmp_path, SIGN_IN_IP_LIMIT=LIMIT)
    make_user(first, "pat")
    for app in (first, second, first):
        assert attempt(app.test_client(), "198.51.100.7").status_code == 401
    assert attempt(second.test_client(), "198.51.100.7", password=PASSWORD).status_code == 429
    for app in (first, second):
        with app.app_context():
            get_db().dispose()


def test_a_trusted_proxy_names_the_client_and_an_untrusted_header_is_ignored(tmp_path: Path) -> None:
    behind_proxy = make_app(tmp_path / "proxied", SIGN_IN_IP_LIMIT=LIMIT, TRUSTED_PROXIES=1)
    direct = make_app(tmp_path / "direct", SIGN_IN_IP_LIMIT=LIMIT)
    for app in (behind_proxy, direct):
        make_user(app, "pat")
        for n in range(LIMIT):  # the attacker sends a new X-Forwarded-For each time
            attempt(app.test_client(), "10.0.0.1", "nobody", forwarded=f"203.0.113.{n}")
    # behind the proxy each forwarded address is its own client: none reached the limit
    assert attempt(behind_proxy.test_client(), "10.0.0.1", password=PASSWORD,
                   forwarded="203.0.113.0").status_code == 303
    for n in range(LIMIT - 1):
        attempt(behind_proxy.test_client(), "10.0.0.1", "nobody", forwarded="203.0.113.99")
    assert attempt(behind_proxy.test_client(), "10.0.0.1", "nobody", forwarded="203.0.113.99").status_code == 401
    assert attempt(behind_proxy.test_client(), "10.0.0.1", "nobody", forwarded="203.0.113.99").status_code == 429
    # with no trusted proxy the header is the client's own claim: the real address is what is counted
    assert attempt(direct.test_client(), "10.0.0.1", password=PASSWORD,
                   forwarded="203.0.113.200").status_code == 429
    for app in (behind_proxy, direct):
        with app.app_context():
            get_db().dispose()


def test_ipv6_clients_are_counted_per_64_block() -> None:
    assert network("2001:db8:1:2::1") == network("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network("2001:db8:1:3::1") != network("2001:db8:1:2::1")
    assert network("::ffff:198.51.100.7") == network("198.51.100.7") == "198.51.100.7"
    assert network(None) == network("not an address") == "unknown"


def test_the_wait_ends_when_enough_refusals_have_aged_out_of_the_window(db: Database) -> None:
    with db.session() as session:
        for minutes in (0, 1, 2, 3):
            record_failure(session, "client-a", RULE, now=T0 + dt.timedelta(minutes=minutes))
        assert wait_for(session, "client-b", RULE, now=T0 + dt.timedelta(minutes=4)) == dt.timedelta(0)
        # four refusals, limit three: free again once the second (at minute 1) is 15 minutes old
        assert wait_for(session, "client-a", RULE, now=T0 + dt.timedelta(minutes=5)) == dt.timedelta(minutes=11)
        assert wait_for(session, "client-a", RULE, now=T0 + dt.timedelta(minutes=16)) == dt.timedelta(0)


def test_old_rows_are_pruned_as_new_ones_arrive_and_markers_once_per_window(db: Database) -> None:
    with db.session() as session:
        for minutes in (0, 1, 2):
            record_failure(session, "client-a", RULE, now=T0 + dt.timedelta(minutes=minutes))
        assert record_throttled(session, "client-a", RULE, dt.timedelta(minutes=1), now=T0 + dt.timedelta(minutes=3))
        assert not record_throttled(session, "client-a", RULE, dt.timedelta(minutes=1),
                                    now=T0 + dt.timedelta(minutes=4))
        later = T0 + dt.timedelta(minutes=17)
        record_failure(session, "client-z", RULE, now=later)
        kept = session.execute(select(SignInAttempt.client, SignInAttempt.outcome, SignInAttempt.at)).all()
        # 15 minutes and more old (minutes 0, 1, 2) are gone, whichever client they were of
        assert sorted(kept) == [("client-a", "throttled", T0 + dt.timedelta(minutes=3)),
                                ("client-z", "failed", later)]
        throttled = session.scalars(select(AuditEvent).where(AuditEvent.action == SIGN_IN_THROTTLED)).all()
        assert len(throttled) == 1


def test_an_attempt_that_cannot_be_counted_is_a_503_not_a_free_attempt(strict: Flask) -> None:
    with strict.app_context(), get_db().engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER refuse_attempts BEFORE INSERT ON sign_in_attempts "
                                "BEGIN SELECT RAISE(ABORT, 'store refused'); END"))
    client = strict.test_client()
    for password in ("wrong password!", PASSWORD):
        refused = attempt(client, "198.51.100.7", password=password)
        assert refused.status_code == 503 and "Traceback" not in refused.get_data(as_text=True)
    assert count(strict, AuditEvent, AuditEvent.action.like("practitioner.sign%")) == 0  # no password checked


def test_a_good_sign_in_is_not_counted_against_its_address(strict: Flask) -> None:
    for _ in range(LIMIT + 2):
        assert attempt(strict.test_client(), "198.51.100.7", password=PASSWORD).status_code == 303
    assert count(strict, SignInAttempt) == 0
    for _ in range(LIMIT):
        assert attempt(strict.test_client(), "198.51.100.7").status_code == 401


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def burst_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    config: dict[str, object] = {"SIGN_IN_IP_LIMIT": LIMIT}
    if request.param == "postgresql":
        server: ServerInfo = request.getfixturevalue("postgres_server")
        config["DATABASE_URL"] = server.create_database()
    app = make_app(tmp_path, **config)
    make_user(app, "pat")
    yield app
    with app.app_context():
        get_db().dispose()


def test_a_burst_of_attempts_at_once_checks_at_most_the_limit_of_passwords(burst_app: Flask) -> None:
    """Attempts counted before their passwords are checked: a burst cannot all slip under the limit at once."""
    start = threading.Barrier(8)
    statuses: list[int] = []

    def one() -> None:
        client = burst_app.test_client()
        start.wait()
        statuses.append(attempt(client, "198.51.100.7", username="nobody").status_code)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # at most the limit got to a password check; a burst may be refused whole (all counted before any looked)
    assert len(statuses) == 8 and set(statuses) <= {401, 429} and statuses.count(401) <= LIMIT, statuses
    assert count(burst_app, AuditEvent, AuditEvent.action == SIGN_IN_FAILED) == statuses.count(401)
    assert count(burst_app, SignInAttempt, SignInAttempt.outcome == "failed") == statuses.count(401)

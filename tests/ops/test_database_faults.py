"""Faults of the store: the database goes away and comes back, the disk fills up, the file system turns
read-only. Each time: 503 problem details on the API, the honest "not saved" page on the form, nothing that was
acknowledged is lost, and service resumes by itself (no restart) when the fault ends."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from tests.common.fault_support import (
    StoppablePostgres,
    assert_honest_failure,
    fill,
    make_writable,
    read_only_view,
    tmpfs,
    try_every_door,
)
from tests.common.ops_support import example_intake, make_app, new_key, stored

from suitability.fhir import response_from_intake
from suitability.fhir.codes import FHIR_JSON
from suitability.intake import parse_intake
from suitability.storage.database import SQLITE_FILE
from suitability.web.database import get_db


@pytest.fixture
def postgres() -> Iterator[StoppablePostgres]:
    server = StoppablePostgres()
    try:
        yield server
    finally:
        server.close()


def assert_resumed(app: Flask, auth: dict[str, str], failed_key: str, form_token: str, before: tuple[int, int],
                   browser: FlaskClient) -> None:
    """The same requests again once the fault is over (API and FHIR retries under their keys, the patient's
    "try again"): each stores its case now, not a replay, so nothing was stored during the fault; one case each."""
    client = app.test_client()
    again = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                        headers={**auth, "Idempotency-Key": failed_key})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers, again.get_data(as_text=True)
    fhir = client.post("/fhir/QuestionnaireResponse?store=true", json=response_from_intake(parse_intake(
        example_intake())), headers={**auth, "Idempotency-Key": f"fhir-{failed_key}", "Content-Type": FHIR_JSON})
    assert fhir.status_code == 201 and "Idempotent-Replayed" not in fhir.headers, fhir.status_code
    retry = browser.post("/submit", data={"token": form_token})  # "try again" on the not-saved page
    assert retry.status_code == 303, retry.status_code
    assert stored(app) == (before[0] + 3, before[1] + 3)


def assert_health(app: Flask, status: int, storage: str) -> None:
    """Both health checks tell a load balancer whether a submission can be written now."""
    for path in ("/healthz", "/api/v1/health"):
        response = app.test_client().get(path)
        assert (response.status_code, response.get_json()["storage"]) == (status, storage), path


def stored_ok(app: Flask, auth: dict[str, str], key: str) -> None:
    response = app.test_client().post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                                      headers={**auth, "Idempotency-Key": key})
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.postgres
def test_postgresql_stopped_gives_503_and_service_resumes_when_it_is_back(
        tmp_path: Path, postgres: StoppablePostgres) -> None:
    app = make_app(tmp_path, DATABASE_URL=postgres.url)
    auth = new_key(app)
    stored_ok(app, auth, "before-the-fault")  # the pool now holds connections that are about to die
    before = stored(app)

    postgres.stop()
    client = app.test_client()
    seen = try_every_door(app, client, auth, "during-the-fault")
    assert_honest_failure(seen)
    assert_health(app, 503, "unreachable")

    postgres.start()  # no restart of the app: pool_pre_ping replaces the dead connections
    assert_health(app, 200, "ok")
    assert_resumed(app, auth, "during-the-fault", seen.form_token, before, client)
    with app.app_context():
        get_db().dispose()


@pytest.mark.postgres
def test_postgresql_connections_killed_under_the_app_cost_no_request(
        tmp_path: Path, postgres: StoppablePostgres) -> None:
    """Connections terminated (a failover, an idle timeout, a restart between requests): the next request
    does not fail, because the pool checks each connection before use."""
    app = make_app(tmp_path, DATABASE_URL=postgres.url)
    auth = new_key(app)
    stored_ok(app, auth, "first")
    admin = create_engine(postgres.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'faults'")).scalar()
    admin.dispose()
    assert killed and killed >= 1
    stored_ok(app, auth, "second")
    assert stored(app)[0] == 2
    with app.app_context():
        get_db().dispose()


def test_a_full_disk_gives_503_and_no_acknowledged_submission_is_lost(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "8m") as disk:
        app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{disk / SQLITE_FILE}")
        auth = new_key(app)
        stored_ok(app, auth, "before-the-fault")
        before = stored(app)
        filler = fill(disk)
        client = app.test_client()
        seen = try_every_door(app, client, auth, "during-the-fault")
        assert_honest_failure(seen)
        assert_health(app, 503, "full")
        filler.unlink()  # space again: the same app stores the same requests, once each
        assert_health(app, 200, "ok")
        assert_resumed(app, auth, "during-the-fault", seen.form_token, before, client)
        with app.app_context():
            get_db().dispose()


def test_a_database_that_is_full_by_its_page_limit_gives_503_too(tmp_path: Path) -> None:
    """The same full-disk outcome without mounting anything: SQLite's max_page_count makes it SQLITE_FULL."""
    app = make_app(tmp_path)
    auth = new_key(app)
    stored_ok(app, auth, "before-the-fault")
    before = stored(app)
    with app.app_context():
        engine = get_db().engine

    def full(dbapi_connection: sqlite3.Connection, record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", full)
    engine.dispose()  # every new connection is "full"
    client = app.test_client()
    seen = try_every_door(app, client, auth, "during-the-fault")
    assert_honest_failure(seen)
    event.remove(engine, "connect", full)
    engine.dispose()
    assert_resumed(app, auth, "during-the-fault", seen.form_token, before, client)


def test_a_read_only_file_system_gives_503_and_resumes_when_writable(tmp_path: Path) -> None:
    """The database's folder mounted read-only under a running app (a volume remounted read-only)."""
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / SQLITE_FILE}"
    first = make_app(tmp_path / "first", DATABASE_URL=url)  # creates and migrates the database
    auth = new_key(first)
    stored_ok(first, auth, "before-the-fault")
    before = stored(first)
    with first.app_context():
        get_db().dispose()
    with read_only_view(data):
        app = make_app(tmp_path, DATABASE_URL=url)  # starts on the read-only folder
        client = app.test_client()
        seen = try_every_door(app, client, auth, "during-the-fault")
        assert_honest_failure(seen)
        assert_health(app, 503, "read-only")
        make_writable(data)
        assert_health(app, 200, "ok")
        assert_resumed(app, auth, "during-the-fault", seen.form_token, before, client)
        with app.app_context():
            get_db().dispose()


def test_a_database_file_that_cannot_be_opened_gives_503_and_resumes_when_it_is_back(tmp_path: Path) -> None:
    """The file unreadable (chmod 000; as root, which reads anything, a directory in its place): new
    connections fail. Open connections would keep working on the file, so the pool is emptied, as a restart
    of the worker would."""
    app = make_app(tmp_path)
    auth = new_key(app)
    stored_ok(app, auth, "before-the-fault")
    before = stored(app)
    database = tmp_path / "instance" / SQLITE_FILE
    with app.app_context():
        engine = get_db().engine
    engine.dispose()
    moved = database.with_name("moved-away")
    if os.geteuid() == 0:
        database.rename(moved)
        database.mkdir()
    else:
        database.chmod(0)
    try:
        client = app.test_client()
        seen = try_every_door(app, client, auth, "during-the-fault")
        assert_health(app, 503, "unreachable")
    finally:
        engine.dispose()
        if os.geteuid() == 0:
            database.rmdir()
            moved.rename(database)
        else:
            database.chmod(0o644)
    assert_honest_failure(seen)
    assert_resumed(app, auth, "during-the-fault", seen.form_token, before, client)


def test_a_database_opened_read_only_by_its_url_is_reported_by_health(tmp_path: Path) -> None:
    writable = make_app(tmp_path)  # creates and migrates the SQLite file
    assert_health(writable, 200, "ok")
    database = tmp_path / "instance" / SQLITE_FILE
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///file:{database}?mode=ro&uri=true")
    assert_health(app, 503, "read-only")
    for each in (writable, app):
        with each.app_context():
            get_db().dispose()

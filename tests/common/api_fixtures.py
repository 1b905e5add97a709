"""Fixtures for the API, FHIR and webhook tests: an app on a fresh database (SQLite, or PostgreSQL too for the
tests marked BOTH_BACKENDS), a client, and a live API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.api_receiver import WEBHOOK_SECRET, Receiver
from tests.common.api_support import get_db_of, make_app, new_key
from tests.common.pg import ServerInfo

from suitability.api.webhooks.runtime import stop_sender


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite unless the test asks for PostgreSQL too (BOTH_BACKENDS)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        server: ServerInfo = request.getfixturevalue("postgres_server")
        return server.create_database()
    return f"sqlite:///{tmp_path / 'api.sqlite3'}"


@pytest.fixture
def app(tmp_path: Path, db_url: str) -> Iterator[Flask]:
    app = make_app(tmp_path, db_url)
    yield app
    stop_sender(app)
    get_db_of(app).dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook endpoint on loopback that checks every signature."""
    running = Receiver(WEBHOOK_SECRET).start()
    yield running
    running.stop()


@pytest.fixture
def hooked(tmp_path: Path, db_url: str, receiver: Receiver) -> Iterator[Flask]:
    """An app whose webhook URL is the receiver; its sender is started by hand in each test."""
    app = make_app(tmp_path, db_url, WEBHOOK_URLS=[receiver.url], WEBHOOK_SECRET=WEBHOOK_SECRET)
    yield app
    stop_sender(app)
    get_db_of(app).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(app: Flask) -> str:
    return new_key(app)


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

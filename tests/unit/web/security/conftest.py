"""Fixtures for the security tests: an app on a fresh SQLite file, a client, a signed-in practitioner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.security_support import make_app, make_user, sign_in

from suitability.web.database import get_db


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path, WEBHOOK_SENDER=False)
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def signed_in(app: Flask) -> FlaskClient:
    """A client signed in as the practitioner `pat`."""
    make_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client

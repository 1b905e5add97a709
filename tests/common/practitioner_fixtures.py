"""Fixtures for the practitioner tests: an app on a fresh SQLite file, a practitioner, a signed-in client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.review_support import make_app, make_user, sign_in

from suitability.web.database import get_db


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def practitioner(app: Flask) -> int:
    """The id of an active practitioner account `pat` (password review_support.PASSWORD)."""
    return make_user(app, "pat", display_name="Pat Practitioner")


@pytest.fixture
def signed_in(app: Flask, practitioner: int) -> FlaskClient:
    """A client signed in as `pat`."""
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client

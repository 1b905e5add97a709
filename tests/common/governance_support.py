"""Helpers for the approval tests: apps that require approved rules, admins, API screenings, rule edits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.common.rules_support import edit  # noqa: F401 - rule edits: edit, then seal again

from suitability.services.api_keys import add_key
from suitability.storage import Case
from suitability.storage.accounts import add_user
from suitability.web import create_app
from suitability.web.database import get_db
from suitability.web.rules_reload import RulesWatcher, watcher

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
SECRET = "governance-test-secret-key-long-enough-0123456789"
PASSWORD = "correct horse battery staple 42"
WAIT = "wait: {after: isotretinoin_last_dose, months: 6, once_passed: lapses}"


class FakeClock:
    """A monotonic clock the test moves: the watcher's "at most every N seconds" without sleeping."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 5) -> None:
        self.now += seconds


def make_app(tmp_path: Path, name: str = "a", **config: Any) -> tuple[Flask, FakeClock]:
    """An app server (its own instance folder) requiring approved rules, on the database of `DATABASE_URL`
    (default: an SQLite file shared by every app of the test), with a clock the test moves."""
    settings: dict[str, Any] = {"TESTING": True, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path / name),
                                "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
                                "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                                "WEBHOOK_SENDER": False, "API_RATE_LIMIT": 10_000, "REQUIRE_APPROVED_RULES": True}
    settings.update(config)
    app = create_app(settings)
    clock = FakeClock()
    with app.app_context():
        found: RulesWatcher = watcher()
    found.clock = clock
    return app, clock


def add_account(app: Flask, username: str = "ada", role: str = "admin") -> None:
    with app.app_context(), get_db().session() as session:
        add_user(session, username, PASSWORD, role=role)


def signed_in(app: Flask, username: str = "ada") -> FlaskClient:
    client = app.test_client()
    response = client.post("/practitioner/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def api_key(app: Flask) -> dict[str, str]:
    with app.app_context(), get_db().session() as session:
        token = add_key(session, "booking-system")[1]
    return {"Authorization": f"Bearer {token}"}


def example_intake(**changes: Any) -> dict[str, Any]:
    data = json.loads(EXAMPLE.read_text()) | changes
    return {k: v for k, v in data.items() if v is not None}


def screen(app: Flask, auth: dict[str, str], key: str | None = None) -> tuple[int, dict[str, Any]]:
    """POST a stored screening through the API: (status, body)."""
    headers = {**auth, **({"Idempotency-Key": key} if key else {})}
    response = app.test_client().post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                                      headers=headers)
    return response.status_code, response.get_json()


def cases(app: Flask) -> int:
    with app.app_context(), get_db().session() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def health(app: Flask) -> tuple[int, dict[str, Any]]:
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json()




def dispose(*apps: Flask) -> None:
    for app in apps:
        with app.app_context():
            get_db().dispose()

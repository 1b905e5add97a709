"""Helpers for the operations tests: an app like production's (CSRF on unless asked), API keys, rule edits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from tests.common.rules_support import edit  # noqa: F401 - the ops tests' rule edits: edit, then seal again

from suitability.services.api_keys import add_key
from suitability.storage import AuditEvent, Case
from suitability.web import create_app
from suitability.web.database import get_db
from suitability.web.rules_reload import RulesWatcher, watcher

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
SECRET = "ops-test-secret-key-that-is-long-enough-0123456789"


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app on an SQLite file in `tmp_path` (or `DATABASE_URL=`), webhooks off, CSRF off unless asked for."""
    settings: dict[str, Any] = {"TESTING": True, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path / "instance"),
                                "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "WEBHOOK_SENDER": False,
                                "API_RATE_LIMIT": 10_000}
    settings.update(config)
    return create_app(settings)


def new_key(app: Flask, name: str = "booking-system", rate_limit: int | None = None) -> dict[str, str]:
    """The Authorization header of a new API key."""
    with app.app_context(), get_db().session() as session:
        token = add_key(session, name, rate_limit=rate_limit)[1]
    return {"Authorization": f"Bearer {token}"}


def example_intake(**changes: Any) -> dict[str, Any]:
    """The bundled sample intake (JSON), with some answers changed (None removes one)."""
    data = json.loads(EXAMPLE.read_text()) | changes
    return {k: v for k, v in data.items() if v is not None}


def stored(app: Flask) -> tuple[int, int]:
    """How many cases and audit events the app's database holds."""
    with app.app_context(), get_db().session() as session:
        cases = session.scalar(select(func.count()).select_from(Case)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return int(cases), int(events)




class FakeClock:
    """A monotonic clock the test moves: the watcher's "at most every N seconds" without sleeping."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fake_clock(app: Flask) -> FakeClock:
    """Give the app's rules watcher a clock the test moves."""
    clock = FakeClock()
    with app.app_context():
        found: RulesWatcher = watcher()
    found.clock = clock
    return clock

"""Helpers for the check-in tests through the app: an app on a fresh SQLite file, a signed-in practitioner, a
stored case, and the form fields a page shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.common.minimal import minimal_intake

from suitability import Intake
from suitability.screening import default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import get_case
from suitability.storage.accounts import add_user
from suitability.storage.history import history_of
from suitability.web import create_app
from suitability.web.database import get_db

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"


def make_app(tmp_path: Path, **config: Any) -> Flask:
    settings = {"TESTING": True, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path), "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False}
    settings.update(config)
    return create_app(settings)


def signed_in_client(app: Flask, username: str = "pat") -> FlaskClient:
    with app.app_context(), get_db().session() as session:
        add_user(session, username, PASSWORD, role="practitioner", display_name="Pat Practitioner")
    client = app.test_client()
    page = client.get("/practitioner/sign-in").get_data(as_text=True)
    data = {"username": username, "password": PASSWORD}
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/practitioner/sign-in", data=data).status_code == 303
    return client


def store(app: Flask, intake: Intake | None = None) -> str:
    with app.app_context():
        return submit(get_db(), intake or minimal_intake(), idempotency_key=None, body_hash=None,
                      source="web", events=NO_EVENTS, screener=default_screener()).case.id


def stored_state(app: Flask, case_id: str) -> tuple[dict[str, Any], dict[str, Any], int, int]:
    """The case's answers, decision, version and history length."""
    with app.app_context(), get_db().session() as session:
        case = get_case(session, case_id)
        assert case is not None
        return case.intake, case.decision, case.review_version, len(history_of(session, case_id))


def field_names(html: str, form_action: str) -> set[str]:
    """The names of the visible controls of the form posting to `form_action` (hidden ones left out)."""
    form = html.split(f'<form method="post" action="{form_action}"', 1)[1].split("</form>", 1)[0]
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
    return {re.search(r'name="([^"]+)"', c).group(1)  # type: ignore[union-attr]
            for c in controls if 'type="hidden"' not in c and 'name="' in c}


def make_api_app(tmp_path: Path) -> Flask:
    """An app for the API tests: its own SQLite file, no webhook sender, no practical rate limit."""
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k" * 40,
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite3'}", "WEBHOOK_SENDER": False,
                       "API_RATE_LIMIT": 10_000})


def api_key(app: Flask, name: str = "booking-system") -> dict[str, str]:
    from suitability.services.api_keys import add_key

    with app.app_context(), get_db().session() as session:
        return {"Authorization": f"Bearer {add_key(session, name)[1]}"}


def store_by_api(client: FlaskClient, auth: dict[str, str], intake: Intake | None = None) -> str:
    body = {"intake": (intake or minimal_intake()).model_dump(mode="json", exclude_none=True), "store": True}
    response = client.post("/api/v1/screenings", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["case"]["id"])

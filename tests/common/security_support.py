"""Helpers for the security tests: an app on a fresh SQLite file, accounts, an API key, a stored case, and the
check that a reply neither fails on the server nor quotes what was sent."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.common.app_support import SECRET, make_app  # noqa: F401 - re-exported for the security tests
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.intake import parse_intake
from suitability.services.api_keys import add_key
from suitability.storage import Case, store_submission
from suitability.storage.accounts import add_user
from suitability.web.database import get_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
PASSWORD = "correct horse battery staple"


def example_intake(**changes: Any) -> dict[str, Any]:
    """The bundled example intake, screened today, with `changes` applied (None removes an answer)."""
    data = json.loads(EXAMPLE.read_text())
    data["screening_date"] = dt.date.today().isoformat()
    data.pop("appointment_date", None)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_user(app: Flask, username: str = "pat", role: str = "practitioner") -> int:
    with app.app_context(), get_db().session() as session:
        return add_user(session, username, PASSWORD, role=role).id


def sign_in(client: FlaskClient, username: str = "pat", **extra: str) -> TestResponse:
    return client.post("/practitioner/sign-in", data={"username": username, "password": PASSWORD, **extra})


def api_key(app: Flask) -> dict[str, str]:
    """The Authorization header of a new API key."""
    with app.app_context(), get_db().session() as session:
        name = f"security-tests-{secrets.token_hex(4)}"
        return {"Authorization": f"Bearer {add_key(session, name)[1]}"}


def store_case(app: Flask, **changes: Any) -> Case:
    """A stored case that needs review (skin type not sure)."""
    intake = parse_intake(example_intake(fitzpatrick="not_sure", **changes))
    with app.app_context(), get_db().session() as session:
        case, _ = store_submission(session, intake, screen(intake), idempotency_key=None, body_hash=None,
                                   source="web", rulesets=library_rulesets)
    return case


def assert_refused_quietly(response: TestResponse, *sent: str, status: int | tuple[int, ...] | None = None) -> None:
    """A 4xx (or `status`) that quotes none of `sent` (each at least 3 characters long)."""
    if status is None:
        assert 400 <= response.status_code < 500, response.status_code
    else:
        assert response.status_code in ((status,) if isinstance(status, int) else status), response.status_code
    body = response.get_data(as_text=True)
    for text in sent:
        assert text not in body, f"the reply quotes {text[:40]!r}"

"""Helpers for the practitioner tests: an app, accounts, stored cases of each outcome, signing in."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from suitability import screen
from suitability.intake import parse_intake
from suitability.storage import Case, store_submission
from suitability.storage.accounts import add_user
from suitability.web import create_app
from suitability.web.database import get_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"
# Answers that give each outcome under the shipped rules (checked by test_queue_practitioner).
OUTCOME_CHANGES: dict[str, dict[str, Any]] = {
    "suitable_with_precautions": {},
    "review": {"fitzpatrick": "not_sure"},
    "defer": {"cold_sore_now": "yes"},
    "not_suitable": {"pregnant": "yes"},
}


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app on a fresh SQLite file in `tmp_path`; CSRF off unless asked for."""
    settings = {"TESTING": True, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path),
                "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}
    settings.update(config)
    return create_app(settings)


def intake_data(**changes: Any) -> dict[str, Any]:
    """The bundled example, screened today with an appointment in 30 days, with `changes` applied."""
    data = json.loads(EXAMPLE.read_text())
    data["screening_date"] = dt.date.today().isoformat()
    data["appointment_date"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def store_case(app: Flask, outcome: str | None = None, **changes: Any) -> Case:
    """Screen and store a case (as the patient form would) whose outcome is `outcome`."""
    intake = parse_intake(intake_data(**{**OUTCOME_CHANGES.get(outcome or "", {}), **changes}))
    decision = screen(intake)
    if outcome is not None:
        assert decision.outcome.value == outcome, decision.outcome
    with app.app_context(), get_db().session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web")
    return case


def make_user(app: Flask, username: str = "pat", role: str = "practitioner", password: str = PASSWORD,
              **kwargs: Any) -> int:
    with app.app_context(), get_db().session() as session:
        return add_user(session, username, password, role=role, **kwargs).id


def sign_in(client: FlaskClient, username: str = "pat", password: str = PASSWORD) -> TestResponse:
    return client.post("/practitioner/sign-in", data={"username": username, "password": password})


def errors_in(response: TestResponse) -> list[str]:
    """The messages of a page's error summary."""
    html = response.get_data(as_text=True)
    return [m.strip() for m in re.findall(r'<li><a href="#d-[^"]*">([^<]*)</a>', html)]


def decide(client: FlaskClient, case: Case, version: int = 0, **form: str) -> TestResponse:
    return client.post(f"/practitioner/case/{case.id}/decide", data={"version": str(version), **form})

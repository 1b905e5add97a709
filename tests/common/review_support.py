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

from tests.common.app_support import SECRET, make_app, page_form  # noqa: F401 - make_app re-exported for the tests
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.intake import parse_intake
from suitability.storage import Case, store_submission
from suitability.storage.accounts import add_user
from suitability.web.database import get_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
PASSWORD = "correct horse battery staple"
# Answers that give each outcome under the shipped rules (checked by test_queue_practitioner).
OUTCOME_CHANGES: dict[str, dict[str, Any]] = {
    "suitable_with_precautions": {},
    "review": {"fitzpatrick": "not_sure"},
    "defer": {"cold_sore_now": "yes"},
    "not_suitable": {"pregnant": "yes"},
}


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
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web", rulesets=library_rulesets)
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


def patient_submits(client: FlaskClient, **changes: Any) -> str:
    """Use the patient form as a patient would (consent, every page, send); returns the stored case's id."""
    from suitability.web.patient.questions import PAGES

    data = intake_data(**changes)
    assert client.post("/start", data={"consent": "yes"}).status_code == 302
    for page in PAGES:
        assert client.post(f"/questions/{page.slug}", data=page_form(page, data)).status_code == 302, page.slug
    token = re.search(r'name="token" value="([^"]+)"', client.get("/check").get_data(as_text=True))
    assert token is not None
    sent = client.post("/submit", data={"token": token.group(1)})
    assert sent.status_code == 303, sent.status_code
    return sent.location.rsplit("/", 1)[1]

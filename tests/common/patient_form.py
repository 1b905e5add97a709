"""Drive the patient form like a browser without JavaScript: intake JSON in, form posts out, result back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.common.app_support import SECRET, make_app, page_form  # noqa: F401 - re-exported for the web tests

from suitability.storage import AuditEvent, Case
from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"


def stored(app: Flask) -> tuple[int, int]:
    """How many cases and audit events the app's database holds."""
    with app.app_context(), get_db().session() as session:
        cases = session.scalar(select(func.count()).select_from(Case)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return int(cases), int(events)


def example_answers() -> dict[str, Any]:
    """The bundled sample intake without its dates of screening (the server sets that)."""
    data = json.loads(EXAMPLE.read_text())
    data.pop("screening_date", None)
    data.pop("appointment_date", None)
    return data


def errors_in(response: TestResponse) -> list[str]:
    """The messages of the page's error summary."""
    html = response.get_data(as_text=True)
    if "error-summary" not in html:
        return []
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.DOTALL)]


def answer_all(client: FlaskClient, data: dict[str, Any]) -> None:
    """Give consent and answer every page; fail with the page's errors if one is refused."""
    assert client.post("/start", data={"consent": "yes"}).status_code == 302
    for page in PAGES:
        response = client.post(f"/questions/{page.slug}", data=page_form(page, data))
        assert response.status_code == 302, (page.slug, errors_in(response))


def submit_token(client: FlaskClient) -> str:
    """Open the check page and read the idempotency token of its submit button."""
    html = client.get("/check").get_data(as_text=True)
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the check page has no submit form: " + " | ".join(errors_in(client.get("/check")))
    return match.group(1)


def submit(client: FlaskClient, data: dict[str, Any]) -> TestResponse:
    """Answer everything, open the check page, send: the response to the send (a redirect when stored)."""
    answer_all(client, data)
    return client.post("/submit", data={"token": submit_token(client)})


def stored_case(app: Flask, case_id: str) -> Case:
    """The stored case with this id (detached, fully loaded)."""
    with app.app_context(), get_db().session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        session.expunge(case)
    return case

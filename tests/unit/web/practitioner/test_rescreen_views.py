"""The practitioner page: preview the open cases' differences under the current rules, then accept exactly them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select, update

from tests.common.rescreen_samples import peel, sample_intake

from suitability.intake import Intake
from suitability.screening import Screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import AuditEvent, Case, ReviewStatus
from suitability.storage.accounts import add_user
from suitability.web import create_app
from suitability.web.database import get_db, serving_rules

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = create_app({"TESTING": True, "SECRET_KEY": "rescreen-test-secret-key-0123456789abcdef",
                              "INSTANCE_PATH": str(tmp_path), "SESSION_COOKIE_SECURE": False,
                              "RULES_CHECK_SECONDS": 0})
    with application.app_context(), get_db().session() as session:
        add_user(session, "pat", PASSWORD)
    yield application
    with application.app_context():
        get_db().dispose()


def store(app: Flask, *intakes: Intake, screener: Screener | None = None) -> list[Case]:
    """Submit as the patient form does: screened by the app's screener, or by `screener` if given."""
    with app.app_context():
        return [submit(get_db(), i, idempotency_key=None, body_hash=None, source="web",
                       screener=screener or serving_rules(app).screener(), events=NO_EVENTS).case for i in intakes]


def csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found is not None
    return found.group(1)


@pytest.fixture
def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    token = csrf(client, "/practitioner/sign-in")
    response = client.post("/practitioner/sign-in", data={"username": "pat", "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 303
    return client


def form_of(page: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        fields.setdefault(name, []).append(value)
    return fields


def test_the_page_and_the_accept_need_a_signed_in_practitioner(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/practitioner/rescreen").status_code == 302
    response = client.post("/practitioner/rescreen", data={"case": "x:y"})
    assert response.status_code in (302, 400)  # to the sign-in page, or refused without a CSRF token
    assert "/practitioner/sign-in" in response.headers.get("Location", "/practitioner/sign-in")


def test_preview_shows_each_open_case_that_would_change_and_accept_applies_exactly_those(
        app: Flask, signed_in: FlaskClient, changed_screener: Screener, shipped_screener: Screener) -> None:
    deferred, capped, decided, unchanged = store(
        app, peel(10), sample_intake(), peel(10), sample_intake(treatments=[{"area": "cheeks", "concern": "acne_scars"}]))
    with app.app_context(), get_db().session() as session:
        session.execute(update(Case).where(Case.id == decided.id).values(review_status=ReviewStatus.DECIDED))
        session.commit()
    serving_rules(app).replace(changed_screener)

    page = signed_in.get("/practitioner/rescreen").get_data(as_text=True)
    assert deferred.reference in page and capped.reference in page
    assert decided.reference not in page and unchanged.reference not in page
    assert "from suitable with precautions to not yet: defer to a later date" in page
    assert "Depth, treatment 2 (forehead): from 0.5 mm to 0.25 mm" in page and "→" not in page
    assert "Newly applies: " + str(escape(changed_screener.ruleset.rule("peel-superficial").title)) in page
    assert "3 open cases screened" in page and "2 would change" in page

    fields = form_of(page)
    late = store(app, peel(10), screener=shipped_screener)[0]  # stored after the preview: not in the form
    assert signed_in.post("/practitioner/rescreen", data={"case": fields["case"]}).status_code == 400  # no CSRF
    response = signed_in.post("/practitioner/rescreen", data=fields)
    assert response.status_code == 303
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted for 2 cases" in page
    with app.app_context(), get_db().session() as session:
        outcomes = {c.id: (c.outcome.value, c.ruleset_version) for c in session.scalars(select(Case))}
        actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "case.rescreened")))
    new = changed_screener.ruleset.version
    assert outcomes[deferred.id] == ("defer", new) and outcomes[capped.id][1] == new
    assert outcomes[decided.id][0] == outcomes[late.id][0] == "suitable_with_precautions"
    assert actors == {"practitioner:pat"}
    assert late.reference in page  # the next preview shows the rest


def test_accepting_after_the_rules_changed_again_changes_nothing(
        app: Flask, signed_in: FlaskClient, changed_screener: Screener, shipped_screener: Screener) -> None:
    (case,) = store(app, peel(10))
    serving_rules(app).replace(changed_screener)
    fields = form_of(signed_in.get("/practitioner/rescreen").get_data(as_text=True))
    serving_rules(app).replace(shipped_screener)
    response = signed_in.post("/practitioner/rescreen", data=fields)
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in page and "preview again" in page
    with app.app_context(), get_db().session() as session:
        assert session.get(Case, case.id).ruleset_version == shipped_screener.ruleset.version  # type: ignore[union-attr]


def test_a_refused_accept_never_repeats_the_version_that_was_sent(
        app: Flask, signed_in: FlaskClient, shipped_screener: Screener) -> None:
    (case,) = store(app, peel(10))
    sent = "zqsentversionqz"
    fields = {"case": f"{case.id}:{case.ruleset_version}", "ruleset_version": sent,
              "csrf_token": csrf(signed_in, "/practitioner/rescreen")}
    response = signed_in.post("/practitioner/rescreen", data=fields)
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in page and "preview again" in page and sent not in page
    assert shipped_screener.ruleset.version in page  # the version serving is named instead

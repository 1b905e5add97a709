"""The other pages that show case data are audited too: the check-in page and its result (`case.viewed`, with
the page named), each case a re-screen preview shows (`rescreen.previewed`), and the CSV export
(`decisions.exported`). None holds answers; if the event cannot be stored the data is not shown (503).
On SQLite and on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.common.minimal import SCREENING, minimal_intake
from tests.common.pg import ServerInfo
from tests.common.review_support import decide, make_app, make_user, sign_in, store_case
from tests.common.rules_support import copy_rules, reseal

from suitability.deciding.validity import questions_to_reask
from suitability.screening import Screener, default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage import AuditEvent
from suitability.storage.view_audit import CASE_VIEWED, DECISIONS_EXPORTED, RESCREEN_PREVIEWED
from suitability.web.database import get_db, serving_rules

ROOT = Path(__file__).resolve().parents[4]
AUDITED = (CASE_VIEWED, RESCREEN_PREVIEWED, DECISIONS_EXPORTED)
ON = SCREENING + dt.timedelta(days=15)  # some answers of the minimal intake have run out by then
ANSWERS = minimal_intake()


def refusal_statements(dialect: str) -> tuple[str, ...]:
    actions = ", ".join(f"'{a}'" for a in AUDITED)
    if dialect == "sqlite":
        trigger = (f"CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events WHEN NEW.action IN ({actions}) "
                   "BEGIN SELECT RAISE(ABORT, 'audit store refused'); END")
        return (trigger,)
    function = (f"CREATE FUNCTION refuse_views() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action IN "
                f"({actions}) THEN RAISE EXCEPTION 'audit store refused'; END IF; RETURN NEW; END $$")
    return (function,
            "CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_views()")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on SQLite and on a real PostgreSQL, with a practitioner `pat`."""
    config = {"RULES_CHECK_SECONDS": 0}
    if request.param == "postgresql":
        server: ServerInfo = request.getfixturevalue("postgres_server")
        config["DATABASE_URL"] = server.create_database()
    application = make_app(tmp_path, **config)
    make_user(application, "pat", display_name="Pat Practitioner")
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def pat(any_app: Flask) -> FlaskClient:
    client = any_app.test_client()
    assert sign_in(client, "pat").status_code == 303
    return client


def events(app: Flask, action: str | None = None) -> list[AuditEvent]:
    with app.app_context(), get_db().session() as session:
        query = select(AuditEvent).where(AuditEvent.action.in_([action] if action else AUDITED))
        return list(session.scalars(query.order_by(AuditEvent.id)))


def refuse_view_events(app: Flask) -> None:
    """From now on the database itself refuses to store these events (a real failure, not a mock)."""
    with app.app_context():
        engine = get_db().engine
        with engine.begin() as connection:
            for statement in refusal_statements(engine.dialect.name):
                connection.execute(text(statement))


def stored(app: Flask) -> tuple[str, str, str]:
    """A case whose answers run out before ON: (id, reference, rule-set version)."""
    with app.app_context():
        case = submit(get_db(), ANSWERS, idempotency_key=None, body_hash=None, source="web",
                      events=NO_EVENTS, screener=default_screener()).case
    return case.id, case.reference, case.ruleset_version


def no_answers_in(event: AuditEvent) -> None:
    stored_detail = json.dumps(event.detail)
    for name, value in ANSWERS.model_dump(mode="json", exclude_none=True).items():
        if isinstance(value, str) and len(value) > 3:
            assert value not in stored_detail, name


def checked_in(client: FlaskClient, case_id: str) -> None:
    due = questions_to_reask(ANSWERS, ON, ruleset=default_screener().ruleset)
    answers = {q: "no" for q in due if not q.endswith(("_date", "_last_use", "_last_dose"))}
    response = client.post(f"/practitioner/case/{case_id}/check-in",
                           data={"on": ON.isoformat(), "version": "0", **answers})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


# --- check-in -------------------------------------------------------------------------------------------------

def test_the_check_in_page_records_a_view_of_the_case_without_answers(any_app: Flask, pat: FlaskClient) -> None:
    case_id, reference, version = stored(any_app)
    page = pat.get(f"/practitioner/case/{case_id}/check-in?on={ON.isoformat()}")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    [event] = events(any_app)
    assert (event.action, event.actor, event.case_id, event.ruleset_version) == (CASE_VIEWED, "pat", case_id,
                                                                                version)
    assert event.detail == {"page": "check-in"}
    no_answers_in(event)


def test_a_check_in_form_shown_again_with_errors_is_a_view_too(any_app: Flask, pat: FlaskClient) -> None:
    case_id, _, _ = stored(any_app)
    response = pat.post(f"/practitioner/case/{case_id}/check-in",
                        data={"on": ON.isoformat(), "version": "0", "pregnant": "perhaps"})
    assert response.status_code == 400
    assert [(e.action, e.case_id, e.detail) for e in events(any_app)] == [
        (CASE_VIEWED, case_id, {"page": "check-in"})]


def test_the_check_in_page_is_not_shown_when_its_view_cannot_be_audited(any_app: Flask,
                                                                       pat: FlaskClient) -> None:
    case_id, reference, _ = stored(any_app)
    refuse_view_events(any_app)
    page = pat.get(f"/practitioner/case/{case_id}/check-in?on={ON.isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "record could not be stored" in html
    assert reference not in html and "Traceback" not in html
    assert events(any_app) == []


def test_the_check_in_result_records_a_view_and_is_not_shown_unaudited(any_app: Flask, pat: FlaskClient) -> None:
    case_id, reference, _ = stored(any_app)
    checked_in(pat, case_id)
    result = pat.get(f"/practitioner/case/{case_id}/check-in/result")
    assert result.status_code == 200 and reference in result.get_data(as_text=True)
    last = events(any_app)[-1]
    assert (last.action, last.actor, last.case_id, last.detail) == (CASE_VIEWED, "pat", case_id,
                                                                    {"page": "check-in result"})
    no_answers_in(last)
    seen = len(events(any_app))
    refuse_view_events(any_app)
    refused = pat.get(f"/practitioner/case/{case_id}/check-in/result")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 503 and reference not in html and "record could not be stored" in html
    assert len(events(any_app)) == seen


def test_an_unknown_case_has_no_check_in_page_and_no_view(any_app: Flask, pat: FlaskClient) -> None:
    assert pat.get(f"/practitioner/case/no-such-case/check-in?on={ON.isoformat()}").status_code == 404
    assert pat.get("/practitioner/case/no-such-case/check-in/result").status_code == 404
    assert events(any_app) == []


# --- re-screen preview ----------------------------------------------------------------------------------------

@pytest.fixture
def changed_rules(tmp_path: Path) -> Iterator[Screener]:
    """A screener on the shipped rules with the superficial-peel wait at 60 days (the test installs it)."""
    target = copy_rules(tmp_path / "rules", scenarios=False, source=ROOT / "rules")
    peel_file = target / "recent-treatments.yaml"
    old = "wait: {after: chemical_peel_date, days: 30, once_passed: lapses}"
    assert peel_file.read_text().count(old) == 1, "the peel rule's wait moved: update this test"
    peel_file.write_text(peel_file.read_text().replace(old, "wait: {after: chemical_peel_date, days: 60, once_passed: lapses}"))
    reseal(target)
    yield Screener.from_directory(target)


def peel_case(app: Flask, days_ago: int) -> tuple[str, str, str]:
    case = store_case(app, None, chemical_peel="superficial",
                      chemical_peel_date=(dt.date.today() - dt.timedelta(days=days_ago)).isoformat())
    return case.id, case.reference, case.ruleset_version


def test_each_case_a_rescreen_preview_shows_is_audited_with_both_rule_sets(any_app: Flask, pat: FlaskClient,
                                                                            changed_rules: Screener) -> None:
    shipped_version = default_screener().ruleset.version
    shown = [peel_case(any_app, 10), peel_case(any_app, 15)]  # screened under the shipped rules ...
    unchanged = peel_case(any_app, 90)  # past either wait: not shown
    assert {version for _, _, version in shown} == {shipped_version}
    serving_rules(any_app).replace(changed_rules)  # ... and previewed under the changed ones
    page = pat.get("/practitioner/rescreen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and all(reference in html for _, reference, _ in shown), html
    assert unchanged[1] not in html
    found = events(any_app)
    assert sorted((e.action, e.actor, e.case_id, e.ruleset_version, tuple(e.detail.items())) for e in found) == sorted(
        (RESCREEN_PREVIEWED, "pat", case_id, version, (("under", changed_rules.ruleset.version),))
        for case_id, _, version in shown)
    assert shipped_version != changed_rules.ruleset.version
    for event in found:
        no_answers_in(event)
    history = pat.get(f"/practitioner/case/{shown[0][0]}").get_data(as_text=True)
    assert "rescreen.previewed" not in history and "rescreen: previewed" not in history  # not case history


def test_a_rescreen_preview_is_not_shown_when_it_cannot_be_audited(any_app: Flask, pat: FlaskClient,
                                                                   changed_rules: Screener) -> None:
    _, reference, _ = peel_case(any_app, 10)
    serving_rules(any_app).replace(changed_rules)
    refuse_view_events(any_app)
    page = pat.get("/practitioner/rescreen")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "record could not be stored" in html and reference not in html
    assert events(any_app) == []


def test_a_preview_that_shows_no_case_records_nothing(any_app: Flask, pat: FlaskClient) -> None:
    peel_case(any_app, 10)  # the rules did not change: nothing would
    refuse_view_events(any_app)  # and nothing needs storing, so the page is shown
    page = pat.get("/practitioner/rescreen")
    assert page.status_code == 200 and 'id="rescreen-none"' in page.get_data(as_text=True)
    assert events(any_app) == []


# --- CSV export -----------------------------------------------------------------------------------------------

def test_the_export_form_is_not_an_event_but_the_export_is(any_app: Flask, pat: FlaskClient) -> None:
    case = store_case(any_app, "review")
    assert decide(pat, case, action="decline").status_code == 303
    assert pat.get("/practitioner/export").status_code == 200
    assert events(any_app) == []
    today = dt.date.today().isoformat()
    response = pat.get(f"/practitioner/export?start={today}&end={today}")
    assert response.status_code == 200 and case.reference in response.get_data(as_text=True)
    [event] = events(any_app)
    assert (event.action, event.actor, event.case_id) == (DECISIONS_EXPORTED, "pat", None)
    assert event.detail == {"start": today, "end": today, "rows": 1}


def test_no_csv_is_sent_when_the_export_cannot_be_audited(any_app: Flask, pat: FlaskClient) -> None:
    case = store_case(any_app, "review")
    assert decide(pat, case, action="decline").status_code == 303
    refuse_view_events(any_app)
    today = dt.date.today().isoformat()
    response = pat.get(f"/practitioner/export?start={today}&end={today}")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "record could not be stored" in html and case.reference not in html
    assert "Content-Disposition" not in response.headers
    assert events(any_app) == []

"""What practitioners look at is audited: a case page, a reference search, the accounts page. If the event
cannot be stored, no data is shown (503): nobody sees a case unaudited. On SQLite and on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.common.pg import ServerInfo
from tests.common.review_support import intake_data, make_app, make_user, sign_in, store_case

from suitability.storage import AuditEvent, Case
from suitability.storage.view_audit import CASE_VIEWED, QUEUE_SEARCHED, USERS_VIEWED, VIEWS
from suitability.web.database import get_db

SQLITE_REFUSAL = ("CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events "
                  "WHEN NEW.action IN ('case.viewed', 'queue.searched', 'users.viewed') "
                  "BEGIN SELECT RAISE(ABORT, 'audit store refused'); END")
PG_REFUSAL = (
    ("CREATE FUNCTION refuse_views() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     "IF NEW.action IN ('case.viewed', 'queue.searched', 'users.viewed') THEN "
     "RAISE EXCEPTION 'audit store refused'; END IF; RETURN NEW; END $$"),
    "CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_views()",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on SQLite and on a real PostgreSQL, with a practitioner `pat` and an admin `ada`."""
    config = {}
    if request.param == "postgresql":
        server: ServerInfo = request.getfixturevalue("postgres_server")
        config["DATABASE_URL"] = server.create_database()
    application = make_app(tmp_path, **config)
    make_user(application, "pat", display_name="Pat Practitioner")
    make_user(application, "ada", role="admin", display_name="Ada Admin")
    yield application
    with application.app_context():
        get_db().dispose()


def view_events(app: Flask, action: str | None = None) -> list[AuditEvent]:
    with app.app_context(), get_db().session() as session:
        query = select(AuditEvent).where(AuditEvent.action.in_([action] if action else VIEWS))
        return list(session.scalars(query.order_by(AuditEvent.id)))


def refuse_view_events(app: Flask) -> None:
    """From now on the database refuses to store a view event (a real failure, raised by the database)."""
    with app.app_context():
        engine = get_db().engine
        statements = (SQLITE_REFUSAL,) if engine.dialect.name == "sqlite" else PG_REFUSAL
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))


def client_of(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 303
    return client


def test_opening_a_case_records_who_when_which_case_and_rule_set_and_no_answers(any_app: Flask) -> None:
    case = store_case(any_app, "not_suitable")
    before = dt.datetime.now(dt.UTC)
    page = client_of(any_app, "pat").get(f"/practitioner/case/{case.id}")
    assert page.status_code == 200 and case.reference in page.get_data(as_text=True)
    [event] = view_events(any_app, CASE_VIEWED)
    assert (event.actor, event.case_id, event.ruleset_version) == ("pat", case.id, case.ruleset_version)
    assert before - dt.timedelta(seconds=1) <= event.at <= dt.datetime.now(dt.UTC)
    stored = json.dumps(event.detail)
    for name, value in intake_data(pregnant="yes").items():
        if isinstance(value, str) and len(value) > 3:
            assert value not in stored, name


def test_every_opening_is_recorded_but_the_history_on_the_page_does_not_list_views(any_app: Flask) -> None:
    case = store_case(any_app, "review")
    client = client_of(any_app, "pat")
    for _ in range(3):
        assert client.get(f"/practitioner/case/{case.id}").status_code == 200
    assert len(view_events(any_app, CASE_VIEWED)) == 3
    html = client.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert "case: viewed" not in html and "case.viewed" not in html


def test_a_case_page_is_not_shown_when_its_view_cannot_be_audited(any_app: Flask) -> None:
    case = store_case(any_app, "not_suitable")
    client = client_of(any_app, "pat")
    refuse_view_events(any_app)
    page = client.get(f"/practitioner/case/{case.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "record could not be stored" in html
    assert case.reference not in html and "Answers" not in html and "Traceback" not in html
    assert view_events(any_app) == []


def test_an_unknown_case_is_not_found_and_records_no_view(any_app: Flask) -> None:
    assert client_of(any_app, "pat").get("/practitioner/case/no-such-case").status_code == 404
    assert view_events(any_app) == []


def test_a_reference_search_records_what_was_searched_and_how_many_were_found(any_app: Flask) -> None:
    case = store_case(any_app, "defer")
    client = client_of(any_app, "pat")
    assert client.get("/practitioner/").status_code == 200  # the queue without a search: no event
    typed = case.reference.lower().replace("-", " ")
    page = client.get("/practitioner/", query_string={"reference": typed})
    assert page.status_code == 200 and case.reference in page.get_data(as_text=True)
    assert client.get("/practitioner/", query_string={"reference": "MN-0000-0000"}).status_code == 200
    events = view_events(any_app)
    assert [(e.action, e.actor, e.detail) for e in events] == [
        (QUEUE_SEARCHED, "pat", {"reference": typed, "found": 1}),
        (QUEUE_SEARCHED, "pat", {"reference": "MN-0000-0000", "found": 0})]


def test_a_search_is_not_answered_when_it_cannot_be_audited(any_app: Flask) -> None:
    case = store_case(any_app, "defer")
    client = client_of(any_app, "pat")
    refuse_view_events(any_app)
    page = client.get("/practitioner/", query_string={"reference": case.reference})
    assert page.status_code == 503 and case.reference not in page.get_data(as_text=True)
    assert client.get("/practitioner/").status_code == 200  # the plain queue is not a search


def test_the_accounts_page_is_audited_and_not_shown_unaudited(any_app: Flask) -> None:
    admin = client_of(any_app, "ada")
    page = admin.get("/practitioner/users")
    assert page.status_code == 200 and "Pat Practitioner" in page.get_data(as_text=True)
    [event] = view_events(any_app, USERS_VIEWED)
    assert event.actor == "ada" and event.case_id is None
    refuse_view_events(any_app)
    refused = admin.get("/practitioner/users")
    assert refused.status_code == 503 and "Pat Practitioner" not in refused.get_data(as_text=True)


def test_a_practitioner_refused_the_accounts_page_leaves_no_view_event(any_app: Flask) -> None:
    assert client_of(any_app, "pat").get("/practitioner/users").status_code == 403
    assert view_events(any_app) == []


def test_the_view_of_a_case_is_stored_before_the_page_is_sent(tmp_path: Path) -> None:
    """A second app server on the same database sees the view as soon as the first has answered."""
    first, second = make_app(tmp_path), make_app(tmp_path)
    make_user(first, "pat")
    case = store_case(first, "review")
    assert client_of(first, "pat").get(f"/practitioner/case/{case.id}").status_code == 200
    with second.app_context(), get_db().session() as session:
        seen = session.scalars(select(AuditEvent.case_id).where(AuditEvent.action == CASE_VIEWED)).all()
        assert seen == [case.id] and session.get(Case, case.id) is not None
    for app in (first, second):
        with app.app_context():
            get_db().dispose()

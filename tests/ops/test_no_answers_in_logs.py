"""No answer in any log line: a realistic run through every door (web form, JSON API, FHIR), with invalid input,
an engine failure and a database failure, logged at DEBUG, leaves no trace of the patient's distinctive answers
in any log record (message, arguments, exception, traceback) or on stdout/stderr."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.common.ops_support import example_intake, make_app, new_key
from tests.common.patient_form import answer_all, example_answers, page_form, submit, submit_token

from suitability.fhir import response_from_intake
from suitability.intake import parse_intake
from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

# Distinctive answers (a birth date and a last dose), in every form a log line could spell them.
SENTINELS = {"date_of_birth": "1961-09-13", "isotretinoin": "past", "isotretinoin_last_dose": "2026-06-17"}
SPELLINGS = ("1961-09-13", "13 September 1961", "1961, 9, 13", "13/09/1961", "09/13/1961",
             "2026-06-17", "17 June 2026", "2026, 6, 17", "17/06/2026", "06/17/2026")
INVALID = ("1861-09-13", "2999-09-13")  # a birth date too old, an event in the future: refused, never logged


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record's message, its raw arguments, every attribute, and its formatted exception and stack."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    parts = []
    for record in records:
        parts.append(formatter.format(record))  # the message, plus the traceback with its chained causes
        parts.append(repr(record.msg) + repr(record.args))
        parts.append(repr({k: v for k, v in vars(record).items() if k not in ("exc_info",)}))
        if record.exc_info and record.exc_info[1] is not None:
            error: BaseException | None = record.exc_info[1]
            while error is not None:  # every exception in the chain, as repr and str
                parts.append(repr(error) + str(error))
                error = error.__cause__ or error.__context__
    return "\n".join(parts)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    with application.app_context():
        get_db().dispose()


def web_form(app: Flask) -> None:
    client = app.test_client()
    response = submit(client, example_answers() | SENTINELS)
    assert response.status_code == 303
    assert client.get(response.location).status_code == 200
    client = app.test_client()
    client.post("/start", data={"consent": "yes"})
    about = PAGES[0]
    for bad in INVALID:
        response = client.post(f"/questions/{about.slug}",
                               data=page_form(about, example_answers() | {"date_of_birth": bad}))
        assert response.status_code in (200, 400, 422)


def json_api(app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    intake = example_intake(**SENTINELS)
    for store in (False, True):
        response = client.post("/api/v1/screenings", json={"intake": intake, "store": store},
                               headers={**auth, "Idempotency-Key": f"logs-{store}"})
        assert response.status_code in (200, 201)
    for bad in INVALID:
        response = client.post("/api/v1/screenings", json={"intake": example_intake(date_of_birth=bad,
                                                                                    isotretinoin_last_dose=bad)},
                               headers=auth)
        assert response.status_code == 422
    truncated = json.dumps({"intake": intake})[:-40]
    response = client.post("/api/v1/screenings", data=truncated, headers=auth, content_type="application/json")
    assert response.status_code == 400
    unknown_key = client.post("/api/v1/screenings", json={"intake": intake}, headers={"Authorization": "Bearer x"})
    assert unknown_key.status_code == 401


def fhir(client: FlaskClient, auth: dict[str, str]) -> None:
    response_resource = response_from_intake(parse_intake(example_intake(**SENTINELS)))
    for query in ("", "?store=true"):
        response = client.post(f"/fhir/QuestionnaireResponse{query}", json=response_resource,
                               headers={**auth, "Content-Type": "application/fhir+json"})
        assert response.status_code in (200, 201)
    bad = json.loads(json.dumps(response_resource).replace(SENTINELS["date_of_birth"], INVALID[1]))
    response = client.post("/fhir/QuestionnaireResponse", json=bad,
                           headers={**auth, "Content-Type": "application/fhir+json"})
    assert response.status_code == 422


def engine_failure(app: Flask, client: FlaskClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug whose message quotes the answers (as a careless f-string or a pydantic error would)."""
    def careless(ruleset: object, intake: Any, matches: object) -> None:
        raise ValueError(f"cannot combine {intake.model_dump_json()} {intake!r}")

    monkeypatch.setattr("suitability.screening.combine", careless)
    response = client.post("/api/v1/screenings", json={"intake": example_intake(**SENTINELS)}, headers=auth)
    assert response.status_code == 200
    assert "automatic-screen-failed" in response.get_json()["decision"]["flags"]
    browser = app.test_client()
    answer_all(browser, example_answers() | SENTINELS)
    assert browser.post("/submit", data={"token": submit_token(browser)}).status_code == 303
    monkeypatch.undo()


def database_failure(app: Flask, client: FlaskClient, auth: dict[str, str]) -> None:
    """A full database: the driver's error carries the INSERT and its parameters (the answers)."""
    with app.app_context():
        engine = get_db().engine

    def full(dbapi_connection: sqlite3.Connection, record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", full)
    engine.dispose()
    response = client.post("/api/v1/screenings", json={"intake": example_intake(**SENTINELS), "store": True},
                           headers={**auth, "Idempotency-Key": "logs-full"})
    browser = app.test_client()
    answer_all(browser, example_answers() | SENTINELS)
    page = browser.post("/submit", data={"token": submit_token(browser)})
    event.remove(engine, "connect", full)
    engine.dispose()
    assert response.status_code == 503 and page.status_code == 503


def test_no_answer_reaches_any_log_line_through_any_door(app: Flask, caplog: pytest.LogCaptureFixture,
                                                         capfd: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger at DEBUG: every library's logging is on too...
    # ...but SQLAlchemy keeps its own at WARNING; an operator may turn statement logging on (echo's level, INFO).
    # Its DEBUG level logs result rows, which no setting can hide: never turn that on in production.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    auth = new_key(app)
    client = app.test_client()
    web_form(app)
    json_api(app, client, auth)
    fhir(client, auth)
    engine_failure(app, client, auth, monkeypatch)
    database_failure(app, client, auth)

    logged_by = {record.name.split(".")[0] for record in caplog.records}
    assert {"suitability", "sqlalchemy"} <= logged_by  # the run did log: SQL, and errors for the failures
    logged = everything_logged(caplog.records)
    out, err = capfd.readouterr()
    for spelling in SPELLINGS + INVALID:
        assert spelling not in logged, f"{spelling!r} in the log:\n" + "\n".join(
            line for line in logged.splitlines() if spelling in line)[:3000]
        assert spelling not in out + err, f"{spelling!r} on stdout/stderr"

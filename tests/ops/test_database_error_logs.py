"""A database error that becomes a 503 (API problem details, the form's "not saved" page) is logged at ERROR,
naming the exception types only: never the statement, its parameters or a patient's answers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.common.ops_support import example_intake, make_app, new_key
from tests.common.patient_form import answer_all, example_answers, submit_token

from suitability.storage.errors import StorageError, failure_kinds
from suitability.web.database import get_db

SQLITE_FILE = "suitability.sqlite3"
LEAKS = ("INSERT", "SELECT", "UPDATE", "[parameters", "sqlalche.me", "Traceback")


def errors(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.ERROR]


def assert_names_types_only(record: logging.LogRecord) -> None:
    text = record.getMessage()
    assert "OperationalError" in text, text
    assert not any(leak in text for leak in LEAKS), text
    assert record.exc_info is None and record.exc_text is None  # a traceback would quote the statement


def test_failure_kinds_names_the_chain_of_types_and_never_a_message() -> None:
    try:
        try:
            raise ValueError("answer: isotretinoin past")
        except ValueError as inner:
            raise StorageError("the submission was not stored (ValueError)") from inner
    except StorageError as exc:
        assert failure_kinds(exc) == "StorageError < ValueError"


def test_a_read_only_database_logs_each_503_at_error_with_types_only(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    writable = make_app(tmp_path)  # creates and migrates the SQLite file
    auth = new_key(writable)
    database = tmp_path / "instance" / SQLITE_FILE
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///file:{database}?mode=ro&uri=true")
    client = app.test_client()
    caplog.set_level(logging.INFO)

    api = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                      headers={**auth, "Idempotency-Key": "read-only-1"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    (record,) = errors(caplog, "suitability.api.problems")
    assert "503 on POST /api/v1/screenings" in record.getMessage()
    assert_names_types_only(record)

    answer_all(client, example_answers())
    form = client.post("/submit", data={"token": submit_token(client)})
    assert form.status_code == 503 and "not saved" in form.get_data(as_text=True)
    (record,) = errors(caplog, "suitability.web.patient.submit_views")
    assert "not saved" in record.getMessage() and "StorageError < OperationalError" in record.getMessage()
    assert_names_types_only(record)
    for each in (writable, app):
        with each.app_context():
            get_db().dispose()

"""CSV export of decisions for a date range: the right rows, no answers, no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.common.review_support import decide, make_user, sign_in, store_case

from suitability.intake import Intake
from suitability.storage import AuditEvent
from suitability.web.database import get_db
from suitability.web.practitioner.export import COLUMNS, FORMULA_START, cell


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


def export(client: FlaskClient, start: dt.date | str, end: dt.date | str) -> TestResponse:
    return client.get(f"/practitioner/export?start={start}&end={end}")


def rows(response: TestResponse) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_lists_each_decision_of_the_range_with_the_rules_outcome(
        app: Flask, signed_in: FlaskClient) -> None:
    declined, approved = store_case(app, "review"), store_case(app, "not_suitable")
    store_case(app, "defer")  # undecided: not exported
    decide(signed_in, declined, action="decline", note="Not now")
    assert decide(signed_in, approved, action="approve", override_reason="clinical-judgement",
                  override_note="Confirmed", **{"depth-0": "0.5", "depth-1": "0.25"}).status_code == 303
    found = rows(export(signed_in, current_day(), current_day()))
    assert [r["reference"] for r in found] == [declined.reference, approved.reference]
    assert found[0]["decision"] == "decline" and found[0]["engine_outcome"] == "review"
    assert found[1]["override_reason"] == "clinical-judgement" and found[1]["override_note"] == "Confirmed"
    assert found[1]["depth_limits_mm"] == "treatment 1: 0.5; treatment 2: 0.25"
    assert found[1]["reviewer"] == "pat" and found[1]["ruleset_version"] == approved.ruleset_version
    assert tuple(found[0]) == COLUMNS
    with app.app_context(), get_db().session() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "decisions.exported"))
    assert event.actor == "pat" and event.detail == {"start": current_day().isoformat(), "end": current_day().isoformat(),
                                                     "rows": 2}


def test_decisions_outside_the_range_are_left_out(app: Flask, signed_in: FlaskClient) -> None:
    decide(signed_in, store_case(app, "review"), action="decline")
    yesterday, tomorrow = current_day() - dt.timedelta(days=1), current_day() + dt.timedelta(days=1)
    assert rows(export(signed_in, yesterday, yesterday)) == []
    assert rows(export(signed_in, tomorrow, tomorrow)) == []
    assert len(rows(export(signed_in, yesterday, tomorrow))) == 1


def test_the_export_holds_no_answers(app: Flask, signed_in: FlaskClient) -> None:
    decide(signed_in, store_case(app, "not_suitable"), action="decline")
    text = export(signed_in, current_day(), current_day()).get_data(as_text=True)
    for name in Intake.model_fields:
        assert name not in text
    assert "1988-04-02" not in text  # the example's date of birth


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)",
                                   "\t=1", "\r=1", "%0A=1", "|calc"])
def test_a_note_that_a_spreadsheet_would_run_is_neutralised(app: Flask, signed_in: FlaskClient,
                                                            typed: str) -> None:
    case = store_case(app, "review")
    assert decide(signed_in, case, action="approve_with_conditions", note=typed,
                  **{"depth-0": "0.5", "depth-1": "0.5"}).status_code == 303
    [row] = rows(export(signed_in, current_day(), current_day()))
    assert row["note"] == "'" + typed.strip() and not row["note"].startswith(FORMULA_START)


def test_cells_that_start_harmlessly_are_kept_as_they_are() -> None:
    assert cell("Patch test first") == "Patch test first" and cell(None) == "" and cell(0.5) == "0.5"
    assert all(cell(start + "x").startswith("'") for start in FORMULA_START)


@pytest.mark.parametrize("start, end", [("2026-13-01", current_day()), (current_day(), current_day() - dt.timedelta(days=1)),
                                        (current_day() - dt.timedelta(days=400), current_day()), ("", "")])
def test_a_bad_range_is_refused_with_a_message(signed_in: FlaskClient, start: object, end: object) -> None:
    response = export(signed_in, start, end)  # type: ignore[arg-type]
    assert response.status_code == 400 and "at most 366 days apart" in response.get_data(as_text=True)


def test_the_export_form_is_shown_without_a_range(signed_in: FlaskClient) -> None:
    page = signed_in.get("/practitioner/export")
    assert page.status_code == 200 and 'name="start"' in page.get_data(as_text=True)


def test_admins_may_export_too(app: Flask, practitioner: int) -> None:
    make_user(app, "ada", role="admin")
    admin = app.test_client()
    sign_in(admin, "ada")
    assert rows(export(admin, current_day(), current_day())) == []

"""A practitioner's workspace: the queue as a clinic day reads it, the case page's summary beside its decision
form, contacts shown to staff and exported only with an audit event, plain words, and the staff 403 page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.review_support import intake_data, make_app, make_user, sign_in
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.clock import fmt_date
from suitability.decision import AnswerChange, Change
from suitability.intake import parse_intake
from suitability.storage import AuditEvent, Case, store_submission
from suitability.vocabulary import Outcome
from suitability.web.database import get_db
from suitability.web.patient.questions import QUESTIONS
from suitability.web.practitioner.plain_words import change_words, flag_words


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


def store(app: Flask, days: int | None, *, source: str = "web", **details: Any) -> Case:
    """A case with its appointment `days` from today (None: none), with `details` (contact, external ref)."""
    answers = {k: v for k, v in details.items() if k not in ("contact_name", "contact_detail", "external_reference")}
    data = intake_data(**answers)
    if days is None:
        data.pop("appointment_date")
    else:
        data["appointment_date"] = (current_day() + dt.timedelta(days=days)).isoformat()
    intake = parse_intake(data)
    with app.app_context(), get_db().session() as session:
        case, _ = store_submission(session, intake, screen(intake), idempotency_key=None, body_hash=None,
                                   source=source, contact_name=details.get("contact_name"),
                                   contact_detail=details.get("contact_detail"),
                                   external_reference=details.get("external_reference"), rulesets=library_rulesets)
    return case


def listed(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/practitioner/?{query}")
    assert response.status_code == 200
    return re.findall(r'class="case-link"[^>]*>([^<]+)<', response.get_data(as_text=True))


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_queue_row_shows_the_appointment_reasons_flags_treatments_and_source(
        app: Flask, signed_in: FlaskClient) -> None:
    case = store(app, 3, source="fhir", fitzpatrick="V")
    html = main_of(signed_in.get("/practitioner/?status=all").get_data(as_text=True))
    row = html.split(case.reference, 1)[1].split("</tr>", 1)[0]
    assert fmt_date(current_day() + dt.timedelta(days=3)) in row and "FHIR" in row
    assert "Cheeks: " in row  # the treatment in the form's words
    for finding in case.decision["findings"]:
        if finding["outcome"] == case.decision["outcome"]:
            assert finding["title"] in row
    for flag in case.decision["flags"]:
        assert flag_words(flag) in row and flag not in row


def test_today_this_week_and_a_range_filter_by_appointment_and_say_what_has_no_date(
        app: Flask, signed_in: FlaskClient) -> None:
    today, soon, later, undated = store(app, 0), store(app, 1), store(app, 40), store(app, None)
    assert listed(signed_in, "when=today&status=all") == [today.reference]
    week = set(listed(signed_in, "when=week&status=all"))
    assert today.reference in week and later.reference not in week and undated.reference not in week
    assert (soon.reference in week) == ((current_day() + dt.timedelta(days=1)).weekday() != 0)  # Sunday ends the week
    end = (current_day() + dt.timedelta(days=45)).isoformat()
    assert set(listed(signed_in, f"when=range&from={current_day().isoformat()}&to={end}&status=all")) == {
        today.reference, soon.reference, later.reference}
    # a range typed back to front is read the right way round, not as "nothing"
    assert set(listed(signed_in, f"when=range&from={end}&to={current_day().isoformat()}&status=all")) == {
        today.reference, soon.reference, later.reference}
    page = signed_in.get("/practitioner/?when=today&status=all").get_data(as_text=True)
    assert re.search(r'id="queue-undated">\s*1 case without an appointment date', page)
    assert undated.reference in listed(signed_in, "status=all")


def test_check_ins_due_lists_the_cases_whose_answers_run_out_before_the_appointment(
        app: Flask, signed_in: FlaskClient) -> None:
    soon, later = store(app, 2), store(app, 40)
    assert soon.decision["valid_until"] >= soon.appointment_date.isoformat()  # type: ignore[union-attr]
    assert listed(signed_in, "due=1&status=all") == [later.reference]
    page = main_of(signed_in.get("/practitioner/?status=all").get_data(as_text=True))
    assert page.split(later.reference, 1)[1].split("</tr>", 1)[0].count("check-in due") == 1
    assert "check-in due" not in page.split(soon.reference, 1)[1].split("</tr>", 1)[0]


def test_every_case_adds_the_suitable_ones_to_the_day(app: Flask, signed_in: FlaskClient) -> None:
    plain = store(app, 0, retinoid="no", cold_sore_history="no")
    assert plain.outcome is Outcome.SUITABLE
    assert listed(signed_in, "when=today&status=all") == []
    assert listed(signed_in, "when=today&status=all&scope=every") == [plain.reference]


@pytest.mark.parametrize("term", ["ana lópez", "ANA@EXAMPLE", "EHR-77", "{day}"])
def test_one_search_box_finds_name_contact_external_reference_and_appointment_day(
        app: Flask, signed_in: FlaskClient, term: str) -> None:
    found = store(app, 5, contact_name="Ana López", contact_detail="ana@example.org", external_reference="EHR-77")
    store(app, 6, contact_name="Bo", contact_detail="bo@example.org")
    query = term.format(day=(current_day() + dt.timedelta(days=5)).isoformat())
    assert listed(signed_in, f"status=all&reference={query}") == [found.reference]
    with signed_in.application.app_context(), get_db().session() as session:
        searched = session.scalars(select(AuditEvent).where(AuditEvent.action == "queue.searched")).all()
    assert searched[-1].detail["found"] == 1


def test_the_case_page_summary_comes_before_the_decision_form_and_the_detail_is_collapsible(
        app: Flask, signed_in: FlaskClient) -> None:
    case = store(app, 3, fitzpatrick="V", contact_name="Ana López", contact_detail="+44 7700 900123",
                 external_reference="EHR-9")
    html = main_of(signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True))
    top, rest = html.split('<details', 1)
    for piece in ('id="engine-outcome"', 'id="reasons"', 'id="flags"', 'id="depth-limits"', 'id="notable-answers"',
                  'id="appointment"', 'id="earliest-date"', 'id="decide"', 'action="/practitioner/case/'):
        assert piece in top, piece
    assert 'href="#decide"' in top.split('id="engine-outcome"', 1)[0]  # the jump link comes first
    assert "Ana López" in top and "+44 7700 900123" in top and "EHR-9" in top
    notable = top.split('id="notable-answers"', 1)[1].split("</dl>", 1)[0]
    assert "Type V" in notable and ">No<" not in notable
    for section in ("more-findings", "more-answers", "more-history"):
        assert f'id="{section}"' in rest
    assert 'id="decide"' not in rest


def test_case_pages_speak_in_words_not_codes(app: Flask, signed_in: FlaskClient) -> None:
    case = store(app, 3, fitzpatrick="V")
    html = main_of(signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True))
    top = html.split("<details", 1)[0]
    assert "suitable_with" not in top and "needs_information" not in top and "->" not in top and "=>" not in top
    for flag in case.decision["flags"]:
        assert f">{flag}<" not in top


def test_what_would_change_it_names_the_question_and_both_answers_in_the_forms_words() -> None:
    change = Change(answers=(AnswerChange(field="chemical_peel", question="peel", given="superficial",
                                          changed_to="no"),),
                    clears=("peel-superficial",), outcome=Outcome.SUITABLE, patient_text="",
                    practitioner_text="chemical_peel: superficial -> no => re-screened suitable")
    text = change_words(change, {"peel-superficial": "Recent superficial peel"})
    labels = {o.value: o.label for o in QUESTIONS["chemical_peel"].options}
    assert QUESTIONS["chemical_peel"].text in text and labels["superficial"] in text and labels["no"] in text
    assert "Recent superficial peel" in text and "suitable" in text.lower()
    assert "->" not in text and "=>" not in text and "chemical_peel" not in text and "peel-superficial" not in text


def test_a_practitioner_on_an_admin_page_is_told_the_role_it_needs(signed_in: FlaskClient) -> None:
    for path in ("/practitioner/users", "/practitioner/rulesets"):
        response = signed_in.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "admin role" in html and "Pat Practitioner" in html and 'href="/practitioner/"' in html
        assert "Your answers on this page were not sent" not in html and "pre-screen" not in main_of(html)


def test_a_patient_403_keeps_the_patients_words(app: Flask, client: FlaskClient) -> None:
    @app.get("/forbidden-for-test")
    def _forbidden() -> str:
        from flask import abort
        abort(403)

    html = client.get("/forbidden-for-test").get_data(as_text=True)
    assert "admin role" not in html and "Your answers on this page were not sent" not in html


def _export(client: FlaskClient, contact: bool) -> list[dict[str, str]]:
    query = f"start={current_day().isoformat()}&end={current_day().isoformat()}" + ("&contact=1" if contact else "")
    response = client.get(f"/practitioner/export?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _decide(client: FlaskClient, case: Case) -> None:
    html = client.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version
    response = client.post(f"/practitioner/case/{case.id}/decide",
                           data={"action": "decline", "version": version[1], "note": "seen"})
    assert response.status_code == 303


def test_contacts_are_exported_only_when_collected_and_asked_for_and_each_export_is_audited(
        tmp_path: Path) -> None:
    app = make_app(tmp_path, COLLECT_CONTACT=True)
    make_user(app, "pat", display_name="Pat Practitioner")
    client = app.test_client()
    assert sign_in(client).status_code == 303
    case = store(app, 3, fitzpatrick="V", contact_name="=Ana", contact_detail="ana@example.org")
    _decide(client, case)
    assert "contact_name" not in _export(client, contact=False)[0]
    [row] = _export(client, contact=True)
    assert row["contact_name"] == "'=Ana" and row["contact_detail"] == "ana@example.org"  # neutralised formula
    with app.app_context(), get_db().session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["decisions.exported", "case.contact_exported"])).order_by(AuditEvent.id)).all()
    assert [(e.action, e.detail.get("contact")) for e in events] == [
        ("decisions.exported", None), ("decisions.exported", True), ("case.contact_exported", None)]
    assert events[-1].case_id == case.id and "Ana" not in str([e.detail for e in events])
    history = client.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert "Contact details exported" in history


def test_without_the_setting_asking_for_contacts_exports_none(app: Flask, signed_in: FlaskClient) -> None:
    case = store(app, 3, fitzpatrick="V", contact_name="Ana", contact_detail="ana@example.org")
    _decide(signed_in, case)
    [row] = _export(signed_in, contact=True)
    assert "contact_name" not in row and "Ana" not in str(row)

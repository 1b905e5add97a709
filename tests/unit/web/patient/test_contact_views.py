"""The contact step (SUITABILITY_COLLECT_CONTACT): off by default and then never asked; on, the form asks a name
and one phone or email after the questions, stores them with the case (not in the intake the rules see), and the
patient's result page never shows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.common.patient_form import answer_all, errors_in, example_answers, make_app, submit_token

from suitability.storage import Case
from suitability.web.database import get_db


@pytest.fixture
def collecting(tmp_path: Path) -> Flask:
    return make_app(tmp_path, COLLECT_CONTACT=True)


def _cases(app: Flask) -> list[Case]:
    with app.app_context(), get_db().session() as session:
        return list(session.scalars(select(Case)))


def test_without_the_setting_no_contact_is_asked_or_stored(app: Flask) -> None:
    client = app.test_client()
    answer_all(client, example_answers())
    assert client.get("/check").status_code == 200
    assert client.get("/contact").headers["Location"].endswith("/check")
    client.post("/submit", data={"token": submit_token(client)})
    [case] = _cases(app)
    assert case.contact_name is None and case.contact_detail is None


def test_with_the_setting_the_contact_is_asked_then_stored_with_the_case_not_the_intake(collecting: Flask) -> None:
    client = collecting.test_client()
    answer_all(client, example_answers())
    assert client.get("/check").headers["Location"].endswith("/contact")
    assert client.post("/submit", data={"token": "forged"}).status_code == 302 and _cases(collecting) == []
    response = client.post("/contact", data={"contact_name": "  Ana   María ", "contact_detail": "+44 7700 900123"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    check = client.get("/check").get_data(as_text=True)
    assert "Ana María, +44 7700 900123" in check
    result = client.post("/submit", data={"token": submit_token(client)})
    [case] = _cases(collecting)
    assert (case.contact_name, case.contact_detail) == ("Ana María", "+44 7700 900123")
    assert "contact" not in str(case.intake) and "Ana" not in str(case.intake) and "Ana" not in str(case.decision)
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Ana" not in page and "7700" not in page


def test_submitting_before_the_contact_step_stores_nothing(collecting: Flask) -> None:
    client = collecting.test_client()
    answer_all(client, example_answers())
    html = client.get("/check", follow_redirects=True).get_data(as_text=True)
    assert 'name="token"' not in html  # the contact page, not the send button
    client.post("/submit", data={"token": "anything"})
    assert _cases(collecting) == []


@pytest.mark.parametrize(("name", "detail", "fields"), [
    ("", "ana@example.org", {"contact_name"}),
    ("Ana", "", {"contact_detail"}),
    ("Ana", "not a contact SECRET", {"contact_detail"}),
    ("Ana", "12345", {"contact_detail"}),
    ("A" * 201, "ana@example.org", {"contact_name"}),
    ("Ana\x00SECRET", "ana@example.org\nSECRET", {"contact_name", "contact_detail"}),
])
def test_an_unusable_contact_is_refused_with_a_message_per_field(collecting: Flask, name: str, detail: str,
                                                                 fields: set[str]) -> None:
    client = collecting.test_client()
    answer_all(client, example_answers())
    response = client.post("/contact", data={"contact_name": name, "contact_detail": detail})
    assert response.status_code == 400
    assert len(errors_in(response)) == len(fields)
    assert all(f'href="#q-{field}"' in response.get_data(as_text=True) for field in fields)
    assert "SECRET" not in " ".join(errors_in(response))

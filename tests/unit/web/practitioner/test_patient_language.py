"""A practitioner reads a Spanish-speaking patient's answers in the practitioner's own language, and sees which
language the patient answered in."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.common.review_support import store_case

from suitability.storage import Case
from suitability.web.database import get_db


def spanish_case(app: Flask) -> Case:
    case = store_case(app, "review")
    with app.app_context(), get_db().session() as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        stored.language = "es"
        session.commit()
    return case


def test_the_case_page_names_the_patients_language_and_shows_the_answers_in_the_practitioners(
        app: Flask, signed_in: FlaskClient) -> None:
    case = spanish_case(app)
    html = signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert '<dd id="patient-language"><span lang="es">Español</span></dd>' in html
    assert "Cheeks: acne scars; Forehead: fine lines" in html
    assert "Mejillas" not in html


def test_a_practitioner_who_reads_spanish_sees_the_answers_in_spanish(app: Flask, signed_in: FlaskClient) -> None:
    case = spanish_case(app)
    html = signed_in.get(f"/practitioner/case/{case.id}?lang=es").get_data(as_text=True)
    assert "Mejillas: cicatrices de acné; Frente: líneas finas" in html
    assert "Cheeks: acne scars" not in html


def test_a_case_without_a_recorded_language_says_so(app: Flask, signed_in: FlaskClient) -> None:
    case = store_case(app, "review")
    html = signed_in.get(f"/practitioner/case/{case.id}").get_data(as_text=True)
    assert '<dd id="patient-language">not recorded</dd>' in html

"""Form pages with no answer yet are rendered once and reused (form_views._fields): the reuse must never show one
patient's answers to another, nor a stale page to the patient who answered."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.common.patient_form import answer_all, example_answers

from suitability.web.patient.questions import PAGES, QUESTIONS


def _pages(client: FlaskClient) -> dict[str, str]:
    """Each page as this browser sees it, its own CSRF token left out."""
    return {page.slug: re.sub(r'name="csrf_token" value="[^"]*"', "", client.get(f"/questions/{page.slug}")
                              .get_data(as_text=True)) for page in PAGES}


def test_a_reused_blank_page_is_the_page_rendered_afresh(app: Flask) -> None:
    first = app.test_client()
    first.post("/start", data={"consent": "yes"})
    fresh = _pages(first)
    assert app.extensions["patient_blank_fields"], "no blank page was kept for reuse"
    second = app.test_client()
    second.post("/start", data={"consent": "yes"})
    assert _pages(second) == fresh


def test_answers_are_never_kept_for_reuse_nor_hidden_by_it(app: Flask) -> None:
    data = example_answers()
    blank = app.test_client()
    blank.post("/start", data={"consent": "yes"})
    empty = _pages(blank)
    patient = app.test_client()
    answer_all(patient, data)
    answered = _pages(patient)
    year = 'name="date_of_birth-year"\n                 value="' + data["date_of_birth"][:4] + '"'
    assert year in answered["about-you"]
    assert year not in empty["about-you"]
    kept = "".join(app.extensions["patient_blank_fields"].values())
    assert year not in kept
    ticked = re.findall(r'name="([^"]+)" value="([^"]+)"(?: checked| selected)', kept)
    assert ticked == [(q.name, q.default) for q in QUESTIONS.values() if q.default]  # only the defaults
    assert _pages(blank) == empty  # the other browser still gets the blank pages

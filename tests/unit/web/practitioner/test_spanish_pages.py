"""The staff pages in Spanish: with ?lang=es the queue, a case page and the Rule sets page show the catalogue's
Spanish, and none of their English headings or labels is left."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.common.review_support import make_user, sign_in, store_case

from suitability.web.i18n import shown_date

ENGLISH = ["Cases to review", "Show cases", "Previous page", "Queue", "Rule catalogue", "Sign out", "Re-screen",
           "Rules' outcome", "Depth limits", "Findings and sources", "Record a decision", "Override reason",
           "All answers", "History", "Back to the queue", "Rule sets", "Approved now", "Sign-off history",
           "Serving", "On disk", "Rules to review", "Accounts", "Export", "Open: waiting for a decision",
           "newest first", "from the patient form"]


def _text(html: str) -> str:
    """The page's visible text, roughly: tags and the head's title left out, spaces collapsed."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _english_left(text: str) -> list[str]:
    return [words for words in ENGLISH if re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", text)]


def test_the_queue_a_case_and_the_rule_sets_page_are_in_spanish(app: Flask) -> None:
    case = store_case(app, "review")
    make_user(app, "ada", role="admin", display_name="Ada Admin")
    client: FlaskClient = app.test_client()
    assert sign_in(client, "ada").status_code == 303
    queue = _text(client.get("/practitioner/?lang=es").get_data(as_text=True))
    assert "Casos para revisar" in queue and "Mostrar casos" in queue and "Cola" in queue
    assert "apto con precauciones" in queue and "más recientes primero" in queue
    assert _english_left(queue) == []

    page = client.get(f"/practitioner/case/{case.id}")  # the language is kept in the session
    assert page.status_code == 200
    shown = _text(page.get_data(as_text=True))
    assert "Resultado de las reglas" in shown and "Registrar una decisión" in shown
    assert "Límites de profundidad" in shown and "Historial" in shown
    assert _english_left(shown) == []

    rulesets = client.get("/practitioner/rulesets")
    assert rulesets.status_code == 200
    shown = _text(rulesets.get_data(as_text=True))
    assert "Conjuntos de reglas" in shown and "Aprobados ahora" in shown and "Historial de aprobaciones" in shown
    assert _english_left(shown) == []


def test_dates_on_the_staff_pages_follow_the_language(app: Flask) -> None:
    day = dt.date(2027, 1, 3)
    with app.test_request_context("/practitioner/queue?lang=es"):
        assert shown_date(day) == "3 de enero de 2027"
    with app.test_request_context("/practitioner/queue?lang=en"):
        assert shown_date(day) == "3 Jan 2027"

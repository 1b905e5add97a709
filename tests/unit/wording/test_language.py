"""The language machinery every HTTP door shares, on a bare Flask app without the web package: the language
each request is answered in, the catalogue's words in it, and decisions reworded from the rule set that made
them."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from suitability.deciding.localise import localise
from suitability.intake import parse_intake
from suitability.screening import default_screener
from suitability.wording import language
from suitability.wording.language import LANGUAGES, chosen_language, localised, page_language, translator


@pytest.fixture
def app() -> Flask:
    """A Flask app with only the shared machinery: its language comes back in each response's body."""
    bare = Flask("bare")
    bare.config.update(SECRET_KEY="k" * 32, DEFAULT_LANGUAGE="en")
    language.init_app(bare)

    @bare.get("/")
    def _page() -> str:
        return f"{page_language()}|{language._('Not sure')}"

    return bare


def test_the_catalogues_are_where_the_machinery_looks() -> None:
    for code in LANGUAGES:
        if code != "en":
            assert (language.catalogue_dir() / code / "LC_MESSAGES" / "messages.mo").is_file()


def test_a_request_is_answered_in_the_language_asked_for_and_says_so(app: Flask) -> None:
    client = app.test_client()
    spanish = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert spanish.text == "es|No estoy seguro/a"
    assert spanish.headers["Content-Language"] == "es"
    english = client.get("/", headers={"Accept-Language": "fr, en;q=0.5"})
    assert english.text == "en|Not sure" and english.headers["Content-Language"] == "en"


def test_a_chosen_language_is_kept_for_the_session_and_an_unknown_one_ignored(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/?lang=es").text.startswith("es|")
    assert client.get("/", headers={"Accept-Language": "en"}).text.startswith("es|")
    assert client.get("/?lang=xx", headers={"Accept-Language": "en"}).text.startswith("es|")
    with app.test_request_context("/?lang=<script>"):
        assert chosen_language() == "en"


def test_the_clinic_default_applies_when_nothing_else_says(app: Flask) -> None:
    app.config["DEFAULT_LANGUAGE"] = "es"
    assert app.test_client().get("/").text.startswith("es|")


def test_a_translator_gives_one_language_whatever_the_request_asked(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert translator("es")("Not sure") == "No estoy seguro/a"
        assert translator("es")("a text the catalogue does not have") == "a text the catalogue does not have"
        assert page_language() == "en"


def test_a_decision_is_reworded_from_the_rule_set_the_screener_holds(app: Flask) -> None:
    screener = default_screener()
    intake = parse_intake({"age": 40, "setting": "clinic", "screening_date": dt.date.today().isoformat(),
                           "treatments": [{"area": "cheeks", "concern": "acne_scars"}]})
    decision = screener.screen(intake)
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        spanish = localised(decision, screener, intake)
    assert spanish == localise(decision, screener.ruleset, "es", intake)
    assert spanish != decision  # the rule set speaks Spanish: the patient texts changed
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert localised(decision, screener, intake) == decision

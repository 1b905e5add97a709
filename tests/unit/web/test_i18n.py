"""The patient's pages in Spanish: the switcher, the choice kept for the session, Accept-Language, the clinic's
default, the language recorded on the case; a pseudo-locale that names every string that bypasses the
catalogue; and every decision of the clinical scenario set rendered in Spanish with no English left over."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.common.patient_form import answer_all, example_answers, make_app, page_form, submit_token

from suitability.deciding.localise import TOO_EARLY, localise
from suitability.deciding.validity import _SENTENCES as SENTENCES
from suitability.rules.loading import load_rules
from suitability.scenarios import parse_scenarios
from suitability.screening import default_screener
from suitability.storage import Case, decision_of, intake_of
from suitability.web.assets import web_dir
from suitability.web.database import get_db
from suitability.web.patient.present import present
from suitability.web.patient.questions import PAGES

TRANSLATIONS = web_dir() / "translations"
OPEN, CLOSE = "⟦", "⟧"
ENGLISH_MONTHS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w* \d{4}\b")


class _Text(HTMLParser):
    """The words a person meets on a page: text nodes and the attributes read aloud or shown."""

    SHOWN = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.found.append(" ".join(data.split()))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def shown_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.found


def finish(client: FlaskClient, data: dict[str, Any]) -> str:
    """Answer every page, send, and return the result page's address."""
    answer_all(client, data)
    response = client.post("/submit", data={"token": submit_token(client)})
    assert response.status_code == 303
    return str(response.headers["Location"])


# --- choosing the language ----------------------------------------------------------------------------------------

def test_every_page_has_a_language_switcher_in_a_landmark_that_works_without_javascript(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="language-switcher" aria-label="Language">(.*?)</nav>', html, re.DOTALL)
    assert nav, "no switcher in a navigation landmark"
    assert '<a href="?lang=es" lang="es" hreflang="es">Español</a>' in nav.group(1)
    assert '<span aria-current="true" lang="en">English</span>' in nav.group(1)


def test_the_choice_is_kept_for_the_session_and_the_page_says_its_language(client: FlaskClient) -> None:
    chosen = client.get("/?lang=es")
    assert chosen.headers["Content-Language"] == "es"
    assert '<html lang="es">' in chosen.get_data(as_text=True)
    later = client.get("/", headers={"Accept-Language": "en"})
    assert "Compruebe si la micropunción es adecuada para usted" in later.get_data(as_text=True)
    back = client.get("/?lang=en").get_data(as_text=True)
    assert "Check if microneedling is suitable for you" in back and '<html lang="en">' in back


def test_accept_language_is_used_when_the_patient_has_not_chosen(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.8"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "Empezar ahora" in html


def test_the_clinic_default_applies_when_nothing_else_says(tmp_path: Path) -> None:
    app = make_app(tmp_path, DEFAULT_LANGUAGE="es")
    html = app.test_client().get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="es">' in html


def test_the_switcher_on_a_question_page_keeps_the_page_and_writes_back_nothing_else(client: FlaskClient) -> None:
    client.post("/start", data={"consent": "yes"})
    html = client.get(f"/questions/{PAGES[1].slug}?return=check").get_data(as_text=True)
    assert 'href="?return=check&amp;lang=es"' in html
    odd = client.get(f"/questions/{PAGES[1].slug}?return=zqechoqz&other=zqechoqz").get_data(as_text=True)
    assert "zqechoqz" not in odd and 'href="?lang=es"' in odd


def test_a_spanish_submission_is_recorded_on_the_case_and_the_result_is_in_spanish(app: Flask,
                                                                                 client: FlaskClient) -> None:
    client.get("/?lang=es")
    result = client.get(finish(client, {**example_answers(), "pregnant": "yes"})).get_data(as_text=True)
    assert "La micropunción no se hace durante el embarazo" in result
    assert "Microneedling is not done during pregnancy" not in result
    with app.app_context(), get_db().session() as session:
        case = session.scalars(select(Case)).one()
        assert case.language == "es"
        assert case.decision["findings"][0]["patient_text"].startswith("Microneedling")  # decided in English


def test_errors_are_in_spanish(client: FlaskClient) -> None:
    client.get("/?lang=es")
    client.post("/start", data={"consent": "yes"})
    html = client.post(f"/questions/{PAGES[0].slug}", data={}).get_data(as_text=True)
    assert "Hay un problema" in html and "Elija una respuesta" in html


# --- the pseudo-locale: strings that bypass the catalogue -------------------------------------------------------

@pytest.fixture
def pseudo(tmp_path: Path) -> Flask:
    """An app whose Spanish catalogue is a pseudo-locale: every catalogue string wrapped in ⟦ ⟧."""
    template = read_catalogue(TRANSLATIONS / "messages.pot")
    catalog = Catalog(locale="es")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            catalog.add(message.id, tuple(OPEN + form + CLOSE for form in (message.id[0], *message.id[1:],
                                                                               message.id[-1])))
        else:
            catalog.add(message.id, OPEN + message.id + CLOSE, context=message.context)
    folder = tmp_path / "pseudo" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    return make_app(tmp_path / "app", BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "pseudo"))


def bypassing(html: str, allowed: set[str]) -> list[str]:
    """The shown strings with letters left once the catalogue's (marked) strings and `allowed` are removed."""
    left = []
    for text in shown_text(html):
        for known in sorted(allowed, key=len, reverse=True):
            text = text.replace(known, " ")
        while True:
            stripped = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
            if stripped == text:
                break
            text = stripped
        text = re.sub(r"\d{1,2} de [a-z]+ de \d{4}|MN-[A-Z0-9]{4}-[A-Z0-9]{4}|\([A-Za-z_/]+\)", " ", text)
        if re.search(r"[A-Za-zÀ-ÿ]{2,}", text):
            left.append(text.strip())
    return left


def test_every_patient_page_takes_every_string_from_the_catalogue(pseudo: Flask) -> None:
    client = pseudo.test_client()
    allowed = {"English", "Español", pseudo.config["CLINIC_NAME"]}
    pages = {"start": client.get("/?lang=es").get_data(as_text=True)}
    pages["start, refused"] = client.post("/start", data={}).get_data(as_text=True)
    client.post("/start", data={"consent": "yes"})
    for page in PAGES:
        pages[page.slug] = client.get(f"/questions/{page.slug}").get_data(as_text=True)
        refused = client.post(f"/questions/{page.slug}", data={})
        if refused.status_code == 400:  # a page whose questions may all be left blank is not refused
            pages[f"{page.slug}, refused"] = refused.get_data(as_text=True)
    pages["check, unanswered"] = client.get("/check").get_data(as_text=True)
    pages["not found"] = client.get("/no-such-page").get_data(as_text=True)
    data = {**example_answers(), "pregnant": "not_sure", "chemical_peel": "superficial",
            "chemical_peel_date": (dt.date.today() - dt.timedelta(days=5)).isoformat()}
    answer_all(client, data)
    pages["check"] = client.get("/check").get_data(as_text=True)
    response = client.post("/submit", data={"token": submit_token(client)})
    with pseudo.app_context(), get_db().session() as session:
        case = session.scalars(select(Case)).one()
        decision = localise(decision_of(case), default_screener().ruleset, "es", intake_of(case))
    pages["result"] = client.get(response.headers["Location"]).get_data(as_text=True)
    from_rules = {f.patient_text for f in decision.findings} | {i.text for i in decision.instructions}
    from_rules |= set(decision.wait_for) | {decision.headline or "", decision.asked_again or ""}
    found = {name: bypassing(html, allowed | from_rules - {""}) for name, html in pages.items()}
    assert {name: left for name, left in found.items() if left} == {}


def test_the_pseudo_locale_check_names_a_string_that_bypasses_the_catalogue() -> None:
    html = f"<main><p>{OPEN}Start now{CLOSE}</p><p>Written straight into a template</p></main>"
    assert bypassing(html, set()) == ["Written straight into a template"]


# --- every decision of the scenario set, in Spanish -------------------------------------------------------------

def english_strings() -> set[str]:
    """Every English text a Spanish page could leak: catalogue strings and the rules' own patient texts."""
    rules = load_rules()
    texts = {m.id for m in read_catalogue(TRANSLATIONS / "messages.pot") if isinstance(m.id, str)}
    texts |= {r.patient for r in rules.rules} | {r.wait_for or "" for r in rules.rules}
    for spec in rules.instructions.values():
        texts |= {spec.text, spec.dated or "", spec.now or ""}
    texts |= set(SENTENCES["en"].values()) | {TOO_EARLY["en"]}  # the sentences the core writes itself
    # a text shown with its placeholders filled is matched by its longest literal part
    parts = {max(re.split(r"%\(\w+\)s|\{\w+\}", text), key=len).strip() for text in texts}
    return {p for p in parts if len(p) >= 12 and p not in ("Microneedling", "Melasma")}


SCENARIOS = parse_scenarios(dict(load_rules().files))


def test_every_scenario_decision_reads_in_spanish_with_no_english_left(app: Flask) -> None:
    english = english_strings() - {app.config["CLINIC_NAME"]}  # the clinic's name is the clinic's own
    leaks: dict[str, list[str]] = {}
    for scenario in SCENARIOS:
        with app.test_request_context("/?lang=es"):
            decision = default_screener().screen(scenario.intake)
            html = render_template("patient/result.html", case=SimpleNamespace(reference="MN-TEST-0000"),
                                   result=present(decision, scenario.intake), sent="hoy")
        text = " ".join(shown_text(html))
        found = [e for e in english if e in text] + ENGLISH_MONTHS.findall(text)
        if found:
            leaks[scenario.id] = found
    assert len(SCENARIOS) > 100
    assert leaks == {}


def test_the_shipped_catalogue_is_compiled_and_complete() -> None:
    po = read_catalogue(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        mo = read_mo(handle)
    template = {_key(m) for m in read_catalogue(TRANSLATIONS / "messages.pot") if m.id}
    assert {_key(m) for m in po if m.id and m.string and not m.fuzzy} >= template, "run pybabel update, translate"
    assert {_key(m): _text(m.string) for m in mo if m.id} == {
        _key(m): _text(m.string) for m in po if m.id and not m.fuzzy}, "run pybabel compile -d web/translations"


def _text(value: Any) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def _key(message: Any) -> tuple[str | None, str | tuple[str, ...]]:
    return message.context, _text(message.id)


def test_a_question_page_in_spanish_shows_the_form_words_translated(client: FlaskClient) -> None:
    client.get("/?lang=es")
    client.post("/start", data={"consent": "yes"})
    html = client.get(f"/questions/{PAGES[0].slug}").get_data(as_text=True)
    assert "Tipo I: siempre se quema, nunca se broncea" in html
    assert "Type I" not in html
    assert ">Atrás</a>" in html  # "Back" the link, not "Back" the part of the body (Espalda)
    assert page_form(PAGES[0], example_answers())  # the page still takes the same answers

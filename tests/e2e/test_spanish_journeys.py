"""Patients who read Spanish, in Chromium at phone (375 px) and desktop (1280 px) widths: a clearly suitable
patient, a pregnant one, and one with several 'not sure' answers and a recent peel. Every page is checked
with axe-core (no violations), photographed, and found by its Spanish words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.common.browser_spanish import SpanishPatient, es

pytestmark = pytest.mark.e2e
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=list(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDTHS[request.param])
    yield context.new_page()
    context.close()


@pytest.fixture
def paciente(tab: Page, live_server: object, axe_source: str, artifacts: Path) -> SpanishPatient:
    return SpanishPatient(tab, live_server.url, axe_source, artifacts)  # type: ignore[attr-defined]


def no_english(paciente: SpanishPatient) -> None:
    text = paciente.page.locator("main").inner_text()
    for english in ("Microneedling is", "Your pre-screen result", "Before your appointment", "Aftercare",
                    "practitioner", "appointment"):
        assert english not in text, f"English left on the result page: {english!r}"


def test_a_clearly_suitable_patient_reads_the_go_ahead_in_spanish(paciente: SpanishPatient) -> None:
    paciente.start()
    paciente.answer_all({})
    paciente.send()
    assert paciente.result_headline() == es("You can go ahead with microneedling")
    expect(paciente.page.locator(".reference")).to_have_text(re.compile(r"^MN-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(paciente.page.get_by_role("heading", name=es("Aftercare"))).to_be_visible()
    expect(paciente.page.get_by_text("protector solar mineral de FPS 30").first).to_be_visible()
    no_english(paciente)


def test_a_pregnant_patient_is_told_in_spanish_it_is_not_suitable(paciente: SpanishPatient) -> None:
    paciente.start()
    paciente.answer_all({"pregnant": "yes"})
    paciente.send()
    assert paciente.result_headline() == es("Microneedling is not advised for you at the moment")
    expect(paciente.page.get_by_role("heading", name=es("Why"))).to_be_visible()
    expect(paciente.page.get_by_text("La micropunción no se hace durante el embarazo")).to_be_visible()
    no_english(paciente)


def test_several_not_sure_answers_and_a_recent_peel_wait_then_see_a_practitioner_in_spanish(
        paciente: SpanishPatient) -> None:
    peeled = current_day() - dt.timedelta(days=10)
    paciente.start()
    paciente.answer_all({"smoker": "not_sure", "rosacea": "not_sure", "anticoagulant": "not_sure",
                         "chemical_peel": "superficial", "chemical_peel_date": peeled.isoformat()})
    paciente.send()
    # the peel's wait decides the outcome (defer outranks review), and the headline names the practitioner's check
    assert paciente.result_headline() == es("Not yet: please wait, and a practitioner needs to check some of your "
                                            "answers")
    main = paciente.page.locator("main")
    expect(main.get_by_text("No tenemos una respuesta clara sobre si fuma o vapea")).to_be_visible()
    expect(main.get_by_text("Su piel necesita 30 días para recuperarse de un peeling suave")).to_be_visible()
    expect(main.get_by_role("heading", name=es("Earliest date for treatment"))).to_be_visible()
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", paciente.page.locator(".date-callout").inner_text())
    no_english(paciente)


def test_the_error_pages_are_in_spanish_and_accessible(paciente: SpanishPatient) -> None:
    paciente.start()
    paciente.page.get_by_role("button", name=es("Continue"), exact=True).click()
    summary = paciente.page.locator(".error-summary")
    expect(summary.get_by_role("heading", name=es("There is a problem"))).to_be_visible()
    expect(summary.get_by_text(es("Select an answer (or ‘Not sure’)")).first).to_be_visible()
    paciente.check_page("errores", status=400)
    paciente.page.goto(paciente.base + "/no-such-page")
    expect(paciente.page.get_by_role("heading", level=1)).to_have_text(es("Page not found"))
    paciente.check_page("no-encontrada", status=404)

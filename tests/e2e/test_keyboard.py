"""A patient who cannot use a mouse: the whole pre-screen with the keyboard alone, focus always visible.

Keys: Tab and Shift+Tab to move, Space to tick, Enter to press buttons, and the arrow keys that native radio
groups and drop-down lists need to change their choice (a radio group is one Tab stop). No mouse, no fill().
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.common.browser_wizard import PAGES, Patient

from suitability.vocabulary import Outcome
from suitability.web.patient.present import HEADLINES
from suitability.web.patient.questions import FormGroup, Question

pytestmark = pytest.mark.e2e
FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, name: e.name || '', value: e.value || '', type: e.type || '',
          text: (e.innerText || '').trim(), shadow: s.boxShadow, outline: s.outlineStyle,
          background: s.backgroundColor}; }"""


@pytest.fixture
def keyboard_patient(browser: Browser, live_server: Any, axe_source: str,
                     artifacts: Path) -> Iterator[Patient]:
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    yield Patient(context.new_page(), live_server.url, axe_source, artifacts)
    context.close()


def focused(page: Page) -> dict[str, str]:
    return dict(page.evaluate(FOCUSED))


def tab_to(page: Page, wanted: Callable[[dict[str, str]], bool], limit: int = 120) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError("never reached the wanted control with Tab")


def assert_focus_visible(state: dict[str, str]) -> None:
    assert state["shadow"] != "none" or state["outline"] != "none", f"no visible focus on {state}"


def choose(page: Page, question: Question, value: str) -> None:
    state = tab_to(page, lambda f: f["name"] == question.name)
    assert_focus_visible(state)
    for _ in range(len(question.options)):
        if state["value"] == value:
            break
        page.keyboard.press("ArrowDown")
        state = focused(page)
    assert state["value"] == value
    page.keyboard.press("Space")  # ticks the first option; a no-op where the arrow already ticked it


def pick(page: Page, name: str, steps: int) -> None:
    tab_to(page, lambda f: f["name"] == name)
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def press_button(page: Page, text: str) -> None:
    state = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == text)
    assert_focus_visible(state)
    page.keyboard.press("Enter")


def test_the_whole_pre_screen_can_be_done_with_the_keyboard(keyboard_patient: Patient) -> None:
    page = keyboard_patient.page
    page.goto(keyboard_patient.base + "/")
    skip = tab_to(page, lambda f: True)
    assert skip["text"] == "Skip to main content"
    assert_focus_visible(skip)
    keyboard_patient.check_page("start-skip-link-focused")
    state = tab_to(page, lambda f: f["name"] == "consent")
    assert_focus_visible(state)
    page.keyboard.press("Space")
    keyboard_patient.check_page("start-consent-focused")
    press_button(page, "Start now")

    for form_page in PAGES:
        expect(page.get_by_role("heading", level=1)).to_have_text(form_page.heading)
        for question in form_page.blocks:
            if isinstance(question, FormGroup):  # "None of these", by Tab and Space
                state = tab_to(page, lambda f, key=question.key: f["name"] == key and f["value"] == "none")
                assert_focus_visible(state)
                page.keyboard.press("Space")
            elif question.kind == "choice" and not question.default:
                values = [o.value for o in question.options]
                choose(page, question, "no" if "no" in values else values[0])
            elif question.kind == "treatments":
                pick(page, "treatments-0-area", 1)      # the first area
                pick(page, "treatments-0-concern", 1)   # the first concern
        if form_page.slug == "request":
            keyboard_patient.check_page("request-by-keyboard")
        press_button(page, "Continue")
        if form_page.slug == "about-you":  # no date of birth: the age is asked next, and left blank
            expect(page).to_have_url(re.compile(r"/questions/about-you/details$"))
            keyboard_patient.check_page("about-you-details-by-keyboard")
            press_button(page, "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    press_button(page, "Send my answers")
    expect(page.get_by_text("Your pre-screen result")).to_be_visible()
    keyboard_patient.check_page("result-by-keyboard")
    # No date of birth or age (typing is not in this run's key set), so a practitioner reviews the answers.
    assert page.get_by_role("heading", level=1).inner_text() == HEADLINES[Outcome.REVIEW]


@pytest.mark.parametrize(("ticks", "outcome"), [
    ({"about-you-group": "pregnant"}, Outcome.NOT_SUITABLE),
    ({"health-group": "not_sure"}, Outcome.REVIEW),
], ids=["pregnant", "not-sure-about-health"])
def test_ticking_boxes_and_answering_one_by_one_with_the_keyboard(keyboard_patient: Patient,
                                                                 ticks: dict[str, str], outcome: Outcome) -> None:
    page = keyboard_patient.page
    page.goto(keyboard_patient.base + "/")
    tab_to(page, lambda f: f["name"] == "consent")
    page.keyboard.press("Space")
    press_button(page, "Start now")
    for form_page in PAGES:
        expect(page.get_by_role("heading", level=1)).to_have_text(form_page.heading)
        for block in form_page.blocks:
            if isinstance(block, FormGroup):
                box = ticks.get(block.key, "none")
                state = tab_to(page, lambda f, key=block.key, box=box: f["name"] == key and f["value"] == box)
                assert_focus_visible(state)
                page.keyboard.press("Space")
            elif block.kind == "choice" and not block.default:
                values = [o.value for o in block.options]
                choose(page, block, "no" if "no" in values else values[0])
            elif block.kind == "treatments":
                pick(page, "treatments-0-area", 1)
                pick(page, "treatments-0-concern", 1)
        here = page.url
        press_button(page, "Continue")
        page.wait_for_url(lambda url, here=here: url != here)
        if page.url.endswith(f"/questions/{form_page.slug}/details"):
            keyboard_patient.check_page(f"{form_page.slug}-details-by-keyboard")
            for question in form_page.questions:
                if page.locator(f"#group-{question.name} input[type=radio]").count():
                    choose(page, question, "not_sure")  # asked one by one: "Not sure", by arrow keys
            here = page.url
            press_button(page, "Continue")
            page.wait_for_url(lambda url, here=here: url != here)
    press_button(page, "Send my answers")
    expect(page.get_by_text("Your pre-screen result")).to_be_visible()
    keyboard_patient.check_page("result-by-keyboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith(str(HEADLINES[outcome])[:30])


def test_the_error_summary_is_reachable_and_its_links_move_focus(keyboard_patient: Patient) -> None:
    page = keyboard_patient.page
    page.goto(keyboard_patient.base + "/")
    press_button(page, "Start now")  # without ticking the consent box
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    state = tab_to(page, lambda f: f["tag"] == "A" and "Tick the box" in f["text"])
    assert_focus_visible(state)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "q-consent"
    page.keyboard.press("Space")
    press_button(page, "Start now")
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[0].heading)

"""A practitioner's workspace in Chromium, keyboard only, at 1280 and 375 px: the case page's summary and
decision form in the first screen, the queue of a clinic day, the check-in result in plain words and the staff
403 page; axe-core finds no WCAG A/AA violation on any of them and nothing scrolls sideways at 320 px.
Screenshots go to test-artifacts/ (and docs/screenshots/ with SUITABILITY_WRITE_SCREENSHOTS=1)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.common.browser_practitioner import PractitionerTab, add_account, stored_reviews
from tests.common.browser_wizard import AXE_TAGS
from tests.common.minimal import minimal_intake

from suitability.clock import fmt_date
from suitability.deciding.validity import questions_to_reask
from suitability.services.checkin import check_in
from suitability.services.events import RecordingEvents
from suitability.services.submission import submit
from suitability.storage import Case
from suitability.web.database import get_db, get_screener
from suitability.web.patient.questions import QUESTIONS

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 800), "phone": (375, 812)}
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    add_account(live_server.app, "e2e-workspace", "Wes Practitioner")
    return "e2e-workspace"


@pytest.fixture(params=list(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Browser, live_server: Any,
        account: str) -> Iterator[PractitionerTab]:
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    practitioner = PractitionerTab(context, live_server.url)
    practitioner.sign_in(account)
    practitioner.width = request.param  # type: ignore[attr-defined]
    yield practitioner
    context.close()


def store(live_server: Any, **answers: Any) -> Case:
    """A flagged case with an appointment today, a contact and an integration's reference."""
    intake = minimal_intake(**{"screening_date": current_day().isoformat(), "appointment_date": current_day().isoformat(), **answers})
    with live_server.app.app_context():
        case = submit(get_db(), intake, screener=get_screener(), events=RecordingEvents(), source="api",
                      contact_name="Ana López", contact_detail="ana@example.org", external_reference="EHR-4242").case
    return case


def check(tab: PractitionerTab, axe_source: str, name: str, artifacts: Path) -> None:
    """A screenshot (test artifacts, and docs when asked), axe-core clean, no console error; then nothing
    scrolls sideways at 320 px."""
    shot = artifacts / f"{name}-{tab.width}.png"  # type: ignore[attr-defined]
    tab.page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("SUITABILITY_WRITE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, DOCS / f"practitioner-{shot.name}")
    tab.page.evaluate(axe_source)
    found = tab.page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
        ".slice(0, 5)})); }", AXE_TAGS)
    assert found == [], f"axe violations on {name}:\n{json.dumps(found, indent=2)}"
    tab.check_page(name, status=403 if name == "forbidden" else 200)
    size = tab.page.viewport_size
    tab.page.set_viewport_size({"width": 320, "height": 700})
    wide = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{name} scrolls sideways by {wide} px at 320 px"
    assert size is not None
    tab.page.set_viewport_size(size)


def top_of(tab: PractitionerTab, selector: str) -> float:
    box = tab.page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_the_case_page_shows_the_summary_and_the_decision_form_at_once(
        tab: PractitionerTab, live_server: Any, axe_source: str, artifacts: Path) -> None:
    case = store(live_server, fitzpatrick="V", retinoid="yes", retinoid_last_use=(current_day() - dt.timedelta(days=30))
                 .isoformat())
    page = tab.page
    page.goto(f"{live_server.url}/practitioner/case/{case.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    height = page.viewport_size["height"]  # type: ignore[index]
    page.screenshot(path=str(artifacts / f"first-screen-{tab.width}.png"))  # type: ignore[attr-defined]
    if tab.width == "desktop":  # type: ignore[attr-defined]
        for part in ("#engine-outcome", "#reasons", "#appointment", "#earliest-date", "#depth-limits",
                     "#notable-answers", "#decide", "#d-action"):
            assert top_of(tab, part) < height, f"{part} is below the first screen"
        if case.decision["flags"]:
            assert top_of(tab, "#flags") < height
    else:  # one key away: "d" brings the decision form into view and focus
        assert top_of(tab, "#decide") > height
        page.keyboard.press("d")
        expect(page.locator("#decide")).to_be_focused()
        assert -1 <= top_of(tab, "#decide") < height
    expect(page.locator("#engine-outcome")).not_to_contain_text("_")
    expect(page.locator("#contact")).to_contain_text("Ana López")
    for section in ("#more-findings", "#more-answers", "#more-history"):
        expect(page.locator(section)).not_to_have_attribute("open", "")
    check(tab, axe_source, "case", artifacts)

    # the rest by keyboard only: open the history, then decide
    page.locator("#more-history > summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#more-history")).to_have_attribute("open", "")
    expect(page.locator("#more-history")).to_contain_text("Answers sent")
    page.locator("#d-action-decline").focus()
    page.keyboard.press("Space")
    page.locator("#d-note").focus()
    page.keyboard.type("Seen in clinic: dark skin type, see a dermatologist first.")
    page.keyboard.press("Tab")  # override reason
    page.keyboard.press("Tab")  # override note
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Decision recorded")).to_be_visible()
    assert [review.action.value for review, _ in stored_reviews(live_server.app, case.id)] == ["decline"]


def test_the_queue_runs_a_clinic_day(tab: PractitionerTab, live_server: Any, axe_source: str,
                                     artifacts: Path) -> None:
    case = store(live_server, fitzpatrick="V")
    page = tab.page
    page.goto(f"{live_server.url}/practitioner/")
    page.locator("#quick-days").get_by_role("link", name="today").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Appointment", exact=True)).to_have_value("today")
    row = page.locator("tr", has=page.get_by_role("link", name=case.reference))
    expect(row).to_contain_text(fmt_date(current_day()))
    expect(row).to_contain_text("API")
    expect(row).to_contain_text("Ana López")
    expect(row).to_contain_text("Cheeks")
    check(tab, axe_source, "queue-today", artifacts)

    search = page.get_by_label("Search by reference code")
    search.focus()
    page.keyboard.type("lópez")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    search = page.get_by_label("Search by reference code")
    search.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("EHR-4242")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    page.get_by_role("link", name=case.reference).first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")


def test_the_queue_s_filters_fold_on_a_phone_and_open_when_one_is_chosen(
        tab: PractitionerTab, live_server: Any, axe_source: str, artifacts: Path) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/practitioner/")
    panel, status = page.locator("#queue-filters"), page.get_by_label("Status", exact=True)
    summary = panel.locator("summary")
    expect(page.get_by_label("Search by reference code")).to_be_visible()  # the search is never folded
    expect(panel).not_to_have_attribute("open", "")
    if tab.width == "phone":  # type: ignore[attr-defined]
        expect(status).to_be_hidden()
        page.get_by_label("Search by reference code").focus()
        page.keyboard.press("Tab")
        expect(summary).to_be_focused()
        expect(summary).to_have_text("Filter the queue")
        page.keyboard.press("Enter")
        expect(status).to_be_visible()
    else:  # wide enough to show every filter at once: no fold to open
        expect(summary).to_be_hidden()
        expect(status).to_be_visible()
    check(tab, axe_source, "queue-filters", artifacts)
    status.focus()
    page.keyboard.press("End")  # the last status, "any"
    page.get_by_role("button", name="Show cases").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"status=all"))
    expect(panel).to_have_attribute("open", "")  # a chosen filter is never hidden, on any screen
    expect(status).to_be_visible()
    expect(status).to_have_value("all")


def test_a_check_in_result_is_in_plain_words(tab: PractitionerTab, live_server: Any, axe_source: str,
                                             artifacts: Path) -> None:
    screened = current_day() - dt.timedelta(days=20)
    intake = minimal_intake(screening_date=screened.isoformat(), appointment_date=current_day().isoformat())
    app = live_server.app
    with app.app_context():
        case = submit(get_db(), intake, screener=get_screener(), events=RecordingEvents(), source="web").case
        due = questions_to_reask(intake, current_day(), ruleset=get_screener().ruleset)
        answers = {name: "no" for name in due if QUESTIONS[name].kind == "choice" and QUESTIONS[name].parent is None}
        assert "chemical_peel" in answers
        answers["chemical_peel"] = "superficial"
        answers["chemical_peel_date"] = (current_day() - dt.timedelta(days=2)).isoformat()
        check_in(get_db(), get_screener(), case.id, {k: v for k, v in answers.items() if k in due}, current_day(),
                 "practitioner:e2e-workspace", case.review_version, events=RecordingEvents())
    page = tab.page
    page.goto(f"{live_server.url}/practitioner/case/{case.id}/check-in/result")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check-in: case {case.reference}")
    text = page.locator("main").inner_text()
    for code in ("->", "=>", "→", "chemical_peel", "suitable_with", "needs_review"):
        assert code not in text, code
    check(tab, axe_source, "check-in-result", artifacts)


def test_a_practitioner_on_an_admin_page_gets_the_staff_403(tab: PractitionerTab, live_server: Any,
                                                            axe_source: str, artifacts: Path) -> None:
    page = tab.page
    response = page.goto(f"{live_server.url}/practitioner/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You need the admin role for this page")
    expect(page.locator("main")).not_to_contain_text("Your answers on this page were not sent")
    check(tab, axe_source, "forbidden", artifacts)
    page.get_by_role("link", name="Go to the queue of cases").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases to review")

"""Practitioners in Chromium: from a patient's flagged answers to a recorded override, a decision conflict
between two practitioners, and sign-in and decision with the keyboard alone; signing out ends access."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.common.browser_practitioner import (
    PASSWORD,
    SIGN_IN,
    PractitionerTab,
    add_account,
    stored_case,
    stored_reviews,
)
from tests.common.browser_wizard import Patient
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.intake import parse_intake
from suitability.storage import decision_of, events_for, store_submission
from suitability.storage.review_models import OverrideReason, ReviewAction
from suitability.web.database import get_db

pytestmark = pytest.mark.e2e
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
Tabs = Callable[[], PractitionerTab]


@pytest.fixture(scope="module")
def accounts(live_server: Any) -> dict[str, str]:
    """Two practitioner accounts (username -> name shown), made with the real `suitability users add`."""
    made = {"e2e-ash": "Ash Practitioner", "e2e-bo": "Bo Practitioner"}
    for username, name in made.items():
        add_account(live_server.app, username, name)
    return made


@pytest.fixture
def tabs(browser: Browser, live_server: Any) -> Iterator[Tabs]:
    """Opens a practitioner tab in a context of its own (its own cookies), closed after the test."""
    contexts = []

    def open_tab() -> PractitionerTab:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return PractitionerTab(context, live_server.url)

    yield open_tab
    for context in contexts:
        context.close()


def seeded_case(app: Any) -> tuple[str, str]:
    """A case for review stored through the storage API, as the form stores one: (id, reference). Skin type
    unknown, no retinoid (so no earliest date): approving at the rules' own depth limits is no override."""
    data = json.loads(EXAMPLE.read_text()) | {"screening_date": dt.date.today().isoformat(),
                                              "fitzpatrick": "not_sure", "retinoid": "no"}
    data.pop("appointment_date", None)
    intake = parse_intake(data)
    with app.app_context(), get_db().session() as session:
        case, _ = store_submission(session, intake, screen(intake), idempotency_key=None, body_hash=None,
                                   source="web", rulesets=library_rulesets)
    assert case.outcome.value == "review" and case.decision["earliest_date"] is None
    return case.id, case.reference


def test_flagged_intake_is_approved_with_an_override_and_access_ends_at_sign_out(
        browser: Browser, live_server: Any, accounts: dict[str, str], tabs: Tabs, artifacts: Path) -> None:
    # A patient whose skin type is unknown: the rules send the case for review.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    patient = Patient(context.new_page(), live_server.url, "", artifacts, javascript=False)
    patient.start()
    patient.answer_all({"fitzpatrick": "not_sure"})
    patient.send()
    reference = patient.page.locator(".reference").inner_text().strip()
    context.close()
    assert re.fullmatch(r"MN-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    case = stored_case(live_server.app, reference=reference)
    decision = decision_of(case)
    assert case.needs_review and decision.outcome.value == "review"
    engine_mm = decision.depth_limits[0].limit_mm

    tab = tabs()
    tab.sign_in("e2e-ash")
    tab.open_case(reference, typed=reference.lower().replace("-", " "))  # the search forgives case and spacing
    page = tab.page
    expect(page.locator("#engine-outcome")).to_have_text("Needs a practitioner's review")
    findings = page.locator("section.finding")
    expect(findings).to_have_count(len(decision.findings))
    for finding, shown in zip(decision.findings, findings.all(), strict=True):
        expect(shown).to_contain_text(finding.rule_id)
        expect(shown).to_contain_text(f"Rationale: {finding.rationale}")
        assert shown.locator("ul.sources li").count() == len(finding.sources) > 0

    # Deeper than the rules allow: refused without a coded reason and a note, and nothing stored.
    deeper = engine_mm + 0.5
    tab.decide("Approve", **{"depth-0": deeper})
    expect(page.get_by_role("alert")).to_contain_text("choose an override reason")
    expect(page.get_by_role("alert")).to_contain_text("say why in the override note")
    tab.check_page("refused", status=400)
    assert stored_reviews(live_server.app, case.id) == []
    assert stored_case(live_server.app, case_id=case.id).review_status.value == "open"

    started = dt.datetime.now(dt.UTC)
    tab.decide("Approve", **{"depth-0": deeper, "override_reason": "Clinical judgement",
                             "override_note": "Scarring assessed in clinic; skin type IV confirmed"})
    expect(page.get_by_role("status").filter(has_text="Decision recorded: approve.")).to_be_visible()
    expect(page.locator("#review-status")).to_have_text("Decided")
    history = page.locator("ol.history li").filter(has_text="Ash Practitioner")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(
        "override: clinical-judgement (Scarring assessed in clinic; skin type IV confirmed)")
    expect(history).to_contain_text(f"treatment 1: {deeper:g} mm")
    tab.check_page("decided")

    # Who, when and why are stored with the decision and in the audit trail.
    [(review, user)] = stored_reviews(live_server.app, case.id)
    assert (user.username, review.action, review.override_reason) == (
        "e2e-ash", ReviewAction.APPROVE, OverrideReason.CLINICAL_JUDGEMENT)
    assert review.override_note == "Scarring assessed in clinic; skin type IV confirmed"
    assert review.depth_limits == {"0": deeper} and review.case_outcome.value == "review"
    assert started - dt.timedelta(seconds=5) <= review.at <= dt.datetime.now(dt.UTC)
    with live_server.app.app_context(), get_db().session() as session:
        audit = [e for e in events_for(session, case.id) if e.action == "case.reviewed"]
    assert [(e.actor, e.detail["override_reason"], e.detail["overrides"]) for e in audit] == [
        ("e2e-ash", "clinical-judgement", 1)]

    # It has left the open queue and is listed under decided.
    assert tab.search(reference) == []
    expect(page.get_by_text("No cases match.")).to_be_visible()
    assert tab.search(reference, status="decided") == [reference]

    # Sign out: practitioner pages send the browser to sign in, also through the back button.
    page.get_by_role("link", name=reference).click()
    case_url = page.url
    tab.sign_out()
    back = page.go_back()  # pages are no-store: the back button asks the server again, which refuses
    assert back is not None and back.request.redirected_from is not None
    assert back.request.redirected_from.url == case_url
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)
    assert reference not in page.content()
    for path in (case_url, live_server.url + "/practitioner/", live_server.url + "/practitioner/export"):
        page.goto(path)
        assert page.url.startswith(live_server.url + "/practitioner/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)
    tab.check_page("after-sign-out")
    assert len(stored_reviews(live_server.app, case.id)) == 1


def test_a_second_decision_on_a_stale_page_sees_the_conflict_and_overwrites_nothing(
        live_server: Any, accounts: dict[str, str], tabs: Tabs) -> None:
    case_id, reference = seeded_case(live_server.app)
    first, second = tabs(), tabs()
    first.sign_in("e2e-ash")
    second.sign_in("e2e-bo")
    first.open_case(reference)
    second.open_case(reference)  # both pages now hold the same case version

    first.decide("Decline", note="Declined after a call")
    expect(first.page.get_by_role("status").filter(has_text="Decision recorded: decline.")).to_be_visible()
    second.decide("Approve")  # the rules' own depth limits are filled in: no override needed
    alert = second.page.get_by_role("alert")
    expect(alert).to_contain_text("Someone else decided this case")
    expect(alert).to_contain_text("Nothing you sent was saved")
    second.check_page("conflict", status=409)
    expect(second.page.locator("ol.history li").filter(has_text="Ash Practitioner")).to_contain_text("Decline")

    [(review, user)] = stored_reviews(live_server.app, case_id)
    assert (user.username, review.action, review.note) == ("e2e-ash", ReviewAction.DECLINE, "Declined after a call")
    case = stored_case(live_server.app, case_id=case_id)
    assert (case.review_status.value, case.review_version) == ("decided", 1)


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, name: e.name || '', value: e.value || '', checked: !!e.checked,
          text: (e.innerText || '').trim(), label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : '',
          shadow: s.boxShadow, outline: s.outlineStyle}; }"""


def tab_to(page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 150) -> dict[str, Any]:
    """Press Tab until the focused element is the wanted one; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now: dict[str, Any] = page.evaluate(FOCUSED)
        if wanted(now):
            assert now["shadow"] != "none" or now["outline"] != "none", f"no visible focus on {now}"
            return now
    raise AssertionError("never reached the wanted control with Tab")


def test_sign_in_and_a_decision_work_with_the_keyboard_alone_without_console_errors(
        live_server: Any, accounts: dict[str, str], tabs: Tabs) -> None:
    case_id, reference = seeded_case(live_server.app)
    tab = tabs()
    page = tab.page
    page.goto(live_server.url + "/practitioner/sign-in")
    tab.check_page("sign-in")
    assert tab_to(page, lambda f: f["id"] == "username")["label"] == "Username"
    page.keyboard.type("e2e-bo")
    assert tab_to(page, lambda f: f["id"] == "password")["label"] == "Password"
    page.keyboard.type(PASSWORD)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Sign in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases to review")
    tab.check_page("queue")

    assert tab_to(page, lambda f: f["id"] == "f-reference")["label"].startswith("Search by reference code")
    page.keyboard.type(reference)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Show cases")
    page.keyboard.press("Enter")
    expect(page.locator("a.case-link")).to_have_text([reference])
    tab.check_page("queue-search")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == reference)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    tab.check_page("case")

    # The first radio of the group takes focus; Space chooses it ("Approve", at the rules' own depth limits).
    state = tab_to(page, lambda f: f["name"] == "action")
    assert (state["value"], state["label"]) == ("approve", "Approve")
    page.keyboard.press("Space")
    assert page.evaluate(FOCUSED)["checked"] is True
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Record decision")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Decision recorded: approve.")).to_be_visible()
    tab.check_page("decided")

    [(review, user)] = stored_reviews(live_server.app, case_id)
    assert (user.username, review.action, review.override_reason) == ("e2e-bo", ReviewAction.APPROVE, None)
    engine = {str(limit.treatment): limit.limit_mm for limit in decision_of(stored_case(
        live_server.app, case_id=case_id)).depth_limits}
    assert review.depth_limits == engine


def test_every_practitioner_page_in_the_menu_loads_without_console_errors_or_csp_violations(
        live_server: Any, accounts: dict[str, str], tabs: Tabs) -> None:
    _, reference = seeded_case(live_server.app)
    tab = tabs()
    tab.sign_in("e2e-ash")
    tab.open_case(reference)
    menu = tab.page.get_by_role("navigation", name="Practitioner")
    names = [name.strip() for name in menu.get_by_role("link").all_inner_texts()]
    assert {"Queue", "Export", "Rule catalogue", "Re-screen"} <= set(names)
    for name in names:
        tab.page.get_by_role("navigation", name="Practitioner").get_by_role("link", name=name).click()
        expect(tab.page.get_by_role("heading", level=1)).not_to_have_text(SIGN_IN)
        tab.check_page(name)


def test_the_page_check_catches_a_csp_violation(live_server: Any, accounts: dict[str, str], tabs: Tabs) -> None:
    """The check above can fail: an inline script injected into a practitioner page is refused and reported."""
    tab = tabs()
    tab.page.goto(live_server.url + "/practitioner/sign-in")
    tab.check_page("sign-in")
    tab.page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    assert tab.page.evaluate("window.__ran === undefined")  # the policy refused it
    with pytest.raises(AssertionError, match="CSP violations"):
        tab.check_page("injected")

"""Check-in in Chromium: a case whose answers have run out warns on its page; the check-in page asks only the
due questions (patient wording), a blank one counts as not sure; both pages pass axe-core (WCAG 2.0-2.2 A/AA)
with no console errors or CSP refusals, and the stored case has the new decision with the old one kept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.common.browser_practitioner import PractitionerTab, add_account, stored_case
from tests.common.browser_wizard import AXE_TAGS
from tests.common.minimal import minimal_intake

from suitability.deciding.validity import questions_to_reask
from suitability.screening import default_screener
from suitability.services.events import NO_EVENTS
from suitability.services.submission import submit
from suitability.storage.history import history_of
from suitability.web.database import get_db
from suitability.web.patient.questions import QUESTIONS

pytestmark = pytest.mark.e2e


@pytest.fixture
def tab(browser: Browser, live_server: Any) -> Iterator[PractitionerTab]:
    add_account(live_server.app, "e2e-checkin", "Cy Practitioner")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    practitioner = PractitionerTab(context, live_server.url)
    practitioner.sign_in("e2e-checkin")
    yield practitioner
    context.close()


def axe(tab: PractitionerTab, axe_source: str, name: str, artifacts: Path) -> None:
    tab.page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    tab.page.evaluate(axe_source)
    found = tab.page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
        ".slice(0, 5)})); }", AXE_TAGS)
    assert found == [], f"axe violations on {name}:\n{json.dumps(found, indent=2)}"
    tab.check_page(name)


def test_a_check_in_in_the_browser_asks_only_what_ran_out_and_a_blank_is_not_sure(
        tab: PractitionerTab, live_server: Any, axe_source: str, artifacts: Path) -> None:
    today = dt.date.today()
    screened = today - dt.timedelta(days=20)
    app = live_server.app
    with app.app_context():
        case = submit(get_db(), minimal_intake(screening_date=screened.isoformat()), idempotency_key=None,
                      body_hash=None, source="web", events=NO_EVENTS, screener=default_screener()).case
    assert case.outcome.value == "suitable"
    due = questions_to_reask(minimal_intake(screening_date=screened.isoformat()), today,
                             ruleset=default_screener().ruleset)

    tab.page.goto(f"{live_server.url}/practitioner/case/{case.id}")
    expect(tab.page.locator("#answers-run-out")).to_contain_text("Some answers have run out")
    tab.page.locator("#answers-run-out").get_by_role("link", name="check the patient in").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(f"Check-in: case {case.reference}")
    axe(tab, axe_source, "check-in", artifacts)
    form = tab.page.locator("form[method=post]").last
    shown = {name for name in form.locator("input:not([type=hidden])").evaluate_all(
        "els => els.map(e => e.name)")}
    assert shown == set(due)
    expect(form.get_by_role("group", name=QUESTIONS["pregnant"].text)).to_be_visible()

    for name in due:  # "No" to every due yes/no question but pregnancy, left blank
        if QUESTIONS[name].kind == "choice" and name != "pregnant":
            form.locator(f"input[name={name}][value=no]").check()
    tab.page.get_by_role("button", name="Record the check-in").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(f"Check-in: case {case.reference}")
    expect(tab.page.locator("#new-outcome")).to_have_text("Needs a practitioner's review")
    expect(tab.page.locator("#old-outcome")).to_contain_text("from suitable to needs a practitioner's review")
    axe(tab, axe_source, "check-in-result", artifacts)

    stored = stored_case(app, case_id=case.id)
    assert stored.outcome.value == "review" and stored.intake.get("pregnant") is None
    with app.app_context(), get_db().session() as session:
        assert [row.reason.value for row in history_of(session, case.id)] == ["submitted", "checkin"]

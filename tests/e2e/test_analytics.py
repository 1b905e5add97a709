"""Staff with the keyboard alone in Chromium: rule analytics (sorting, charts, CSV link), the review items on the
rule-set page, and the rule catalogue's search and filters, with and without JavaScript. Every page passes
axe-core (WCAG 2.2 A/AA), shows no CSP refusal or script error, and is photographed at 1280 and 375 px wide."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.common.browser_practitioner import CSP_WATCH, PASSWORD
from tests.common.browser_wizard import AXE_TAGS
from tests.common.rulesets import library_rulesets

from suitability import screen
from suitability.intake import parse_intake
from suitability.services.events import RecordingEvents
from suitability.services.review import Proposal, record_review
from suitability.storage import store_submission
from suitability.storage.accounts import add_user
from suitability.storage.review_models import OverrideReason, ReviewAction
from suitability.web.database import get_db

pytestmark = pytest.mark.e2e
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
WIDTHS = (1280, 375)


class StaffTab:
    """A signed-in member of staff's tab that moves by keyboard and checks every page it reaches."""

    def __init__(self, context: BrowserContext, base: str, axe_source: str, artifacts: Path) -> None:
        context.add_init_script(CSP_WATCH)
        self.page: Page = context.new_page()
        self.base, self.axe, self.artifacts = base, axe_source, artifacts
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.javascript = True

    def check(self, name: str) -> None:
        """At each width: a full-page screenshot, axe-core, no sideways scrolling; then no CSP refusal or error."""
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=str(self.artifacts / f"{name}-{width}.png"), full_page=True)
            if not self.javascript:
                continue
            self.page.evaluate(self.axe)
            found = self.page.evaluate(
                "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
                " return r.violations.map(v => ({id: v.id, help: v.help,"
                " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }", AXE_TAGS)
            assert found == [], f"axe violations on {name} at {width}px:\n{json.dumps(found, indent=2)}"
            overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        if self.javascript:
            assert self.page.evaluate("window.__csp || []") == [], f"CSP refusals on {name}"
        assert self.errors == [], f"console errors on {name}: {self.errors}"
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def focused(self) -> dict[str, str]:
        return dict(self.page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id || '',"
            " text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href') || ''}; }"))

    def tab_to(self, wanted: Any, limit: int = 200) -> dict[str, str]:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            now = self.focused()
            if wanted(now):
                return now
        raise AssertionError("never reached the wanted control with Tab")

    def follow(self, text: str) -> None:
        """Tab to the link whose text starts with `text` and press Enter."""
        self.tab_to(lambda f: f["tag"] == "A" and f["text"].startswith(text))
        with self.page.expect_navigation(timeout=60_000):
            self.page.keyboard.press("Enter")

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/practitioner/")
        self.tab_to(lambda f: f["id"] == "username")
        self.page.keyboard.type(username)
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(PASSWORD)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Cases to review")


def _seed(app: Any) -> list[str]:
    """Two active-cold-sore cases approved against the rules and one declined, through the real functions."""
    data = json.loads(EXAMPLE.read_text())
    data.update(cold_sore_now="yes", screening_date=dt.date.today().isoformat(),
                appointment_date=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    intake = parse_intake(data)
    references = []
    with app.app_context(), get_db().session() as session:
        reviewer = add_user(session, "e2e-analyst", PASSWORD, role="admin", display_name="Ada Admin").id
        for proposal in (
                Proposal(ReviewAction.APPROVE, depth_limits={0: 0.5, 1: 0.5}, override_reason=OverrideReason.OTHER,
                         override_note="Healed on the day"),
                Proposal(ReviewAction.APPROVE, depth_limits={0: 0.5, 1: 0.5},
                         override_reason=OverrideReason.CLINICAL_JUDGEMENT, override_note="Seen"),
                Proposal(ReviewAction.DECLINE)):
            case, _ = store_submission(session, intake, screen(intake), idempotency_key=None, body_hash=None,
                                       source="web", rulesets=library_rulesets)
            references.append(case.reference)
            record_review(session, case.id, reviewer, proposal, expected_version=0, events=RecordingEvents())
    return references


@pytest.fixture(scope="module")
def seeded(live_server: Any) -> Iterator[list[str]]:
    before = live_server.app.config.get("OVERRIDE_ALERT")
    live_server.app.config["OVERRIDE_ALERT"] = "60%/3"   # 2 of 3 decisions overridden: a review item
    yield _seed(live_server.app)
    live_server.app.config["OVERRIDE_ALERT"] = before


@pytest.fixture
def staff(browser: Browser, live_server: Any, axe_source: str, artifacts: Path) -> Iterator[StaffTab]:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    yield StaffTab(context, live_server.url, axe_source, artifacts)
    context.close()


def test_analytics_and_review_items_by_keyboard(staff: StaffTab, seeded: list[str]) -> None:
    staff.sign_in("e2e-analyst")
    staff.follow("Rule analytics")
    expect(staff.page.get_by_role("heading", level=1)).to_have_text("Rule analytics")
    staff.check("analytics")
    row = staff.page.locator("#row-cold-sore-active")
    expect(row.locator("td").nth(4)).to_have_text("2")           # overrides
    expect(row.locator("td").nth(5)).to_have_text("66.7%")       # 2 of 3 decisions
    expect(staff.page.get_by_role("img", name="Cases per week by outcome")).to_be_visible()
    expect(staff.page.get_by_role("img", name="Override rate per rule")).to_be_visible()

    staff.follow("Fired")
    expect(staff.page.locator('th[aria-sort="descending"]')).to_have_text("Fired, sorted descending ▼")
    staff.follow("Fired")
    expect(staff.page.locator('th[aria-sort="ascending"]')).to_contain_text("Fired")
    staff.check("analytics-sorted")
    staff.tab_to(lambda f: f["tag"] == "A" and f["text"] == "Download these figures as CSV")

    staff.follow("Rule sets")
    expect(staff.page.get_by_role("heading", level=1)).to_have_text("Rule sets", timeout=60_000)  # loads rules
    item = staff.page.locator("#review-cold-sore-active")
    expect(item).to_contain_text("2 overrides in 3 practitioner decisions")
    staff.tab_to(lambda f: f["tag"] == "SUMMARY" and f["text"].startswith("The cases behind it"))
    staff.page.keyboard.press("Enter")
    for reference in seeded[:2]:
        expect(item.get_by_role("link", name=reference)).to_be_visible()
    staff.check("rulesets-review-items")


def test_catalogue_search_and_filters_by_keyboard(staff: StaffTab, live_server: Any, seeded: list[str]) -> None:
    staff.sign_in("e2e-analyst")
    staff.follow("Rule catalogue")
    expect(staff.page.get_by_role("heading", level=1)).to_have_text("Rule catalogue")
    staff.check("catalogue")
    staff.tab_to(lambda f: f["id"] == "q")
    staff.page.keyboard.type("pregnan")
    staff.page.keyboard.press("Tab")                       # the topic list: left at every topic
    staff.page.keyboard.press("Tab")                       # the outcome list
    staff.page.keyboard.press("ArrowDown")                 # the first outcome after "every outcome"
    outcome = staff.page.locator("#outcome").input_value()
    assert outcome
    staff.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "Find rules")
    with staff.page.expect_navigation():
        staff.page.keyboard.press("Enter")
    assert f"outcome={outcome}" in staff.page.url and "q=pregnan" in staff.page.url
    rows = staff.page.locator("li[id^=rule-]")
    expect(staff.page.locator("#results")).to_contain_text("found")
    count = rows.count()
    assert 0 < count < 20
    staff.tab_to(lambda f: f["tag"] == "SUMMARY")
    staff.page.keyboard.press("Enter")
    opened = staff.page.locator("details[open]").first
    expect(opened.locator("dt").first).to_be_visible()
    staff.check("catalogue-filtered")
    links = staff.page.locator("details[open] a[rel=noreferrer]")
    assert "link" not in [text.strip() for text in links.all_inner_texts()]


def test_catalogue_filters_and_rows_work_without_javascript(browser: Browser, live_server: Any, axe_source: str,
                                                            artifacts: Path, seeded: list[str]) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, java_script_enabled=False)
    tab = StaffTab(context, live_server.url, axe_source, artifacts)
    tab.javascript = False
    try:
        tab.page.goto(live_server.url + "/practitioner/sign-in")
        tab.page.get_by_label("Username").fill("e2e-analyst")
        tab.page.get_by_label("Password").fill(PASSWORD)
        tab.page.get_by_role("button", name="Sign in").click()
        tab.page.goto(live_server.url + "/practitioner/rules")
        tab.page.get_by_label("Source tier").select_option("A")
        tab.page.get_by_role("button", name="Find rules").click()
        assert "tier=A" in tab.page.url
        first = tab.page.locator("li[id^=rule-] details").first
        first.locator("summary").click()
        expect(first).to_have_attribute("open", "")
        tab.check("catalogue-no-javascript")
    finally:
        context.close()

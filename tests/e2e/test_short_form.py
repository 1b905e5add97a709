"""The shorter form in Chromium: three patients (nothing to report, pregnant, several "not sure" answers and a
recent peel) on a phone and a laptop, with and without JavaScript; axe-core on every page, a screenshot of each,
the number of screens an all-clear patient answers, a Back link inside <main> on every page, and continue
taking a returning patient to the first screen still to answer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.common.browser_wizard import PAGES, Patient

pytestmark = pytest.mark.e2e
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()
MAX_SCREENS = 8
PATIENTS: dict[str, dict[str, Any]] = {
    "all-clear": {},
    "pregnant": {"pregnant": "yes"},
    "unsure-after-a-peel": {"smoker": "not_sure", "bleeding_disorder": "not_sure", "tan": "not_sure",
                            "chemical_peel": "superficial",
                            "chemical_peel_date": (current_day() - dt.timedelta(days=5)).isoformat()},
}


@pytest.fixture
def tab(request: pytest.FixtureRequest, browser: Browser, live_server: Any, axe_source: str,
        artifacts: Path) -> Iterator[Patient]:
    """A patient in a tab `request.param` = (width, javascript) wide."""
    width, javascript = request.param
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    yield Patient(context.new_page(), live_server.url, axe_source, artifacts, javascript=javascript)
    context.close()


def _walk(patient: Patient, answers: dict[str, Any]) -> list[int]:
    """The whole journey; every question page must hold its Back link inside <main>. The pages' heights."""
    heights: list[int] = []
    patient.start()
    for form_page in PAGES:
        expect(patient.page.locator("main .back-link")).to_have_count(1)
        heights.append(int(patient.page.evaluate("document.documentElement.scrollHeight")))
        patient.answer_page(form_page, answers)
    expect(patient.page.locator("main .back-link")).to_have_count(1)  # on the check page as well
    patient.send()
    return heights


@pytest.mark.parametrize("tab", [(375, True), (1280, True), (375, False), (1280, False)], indirect=True,
                         ids=["375px", "1280px", "375px-no-js", "1280px-no-js"])
@pytest.mark.parametrize("who", list(PATIENTS))
def test_three_patients_on_a_phone_and_a_laptop(tab: Patient, who: str) -> None:
    heights = _walk(tab, PATIENTS[who])
    headline = tab.result_headline()
    print(f"{who}: {tab.screens} screens, question pages {heights} px tall; result: {headline}")
    if who == "all-clear":
        assert tab.screens <= MAX_SCREENS
        assert headline == "You can go ahead with microneedling"
    elif who == "pregnant":
        assert headline.startswith("Microneedling is not advised")
    else:
        assert headline.startswith("Not yet: please wait")
    practitioner = tab.page.get_by_role("heading", name="What a practitioner needs to check with you")
    if practitioner.count():  # the headline never says only "please wait" over a practitioner's checks
        assert "practitioner" in headline
    if who == "unsure-after-a-peel":
        expect(practitioner).to_be_visible()
        expect(tab.page.get_by_role("heading", name="Why you need to wait")).to_be_visible()


@pytest.mark.parametrize("tab", [(375, True)], indirect=True, ids=["375px"])
def test_an_all_clear_patient_answers_in_at_most_eight_screens(tab: Patient) -> None:
    _walk(tab, {})
    print(f"an all-clear patient answers in {tab.screens} screens (start, {len(PAGES)} question pages, check)")
    assert tab.screens <= MAX_SCREENS


@pytest.mark.parametrize("tab", [(375, True)], indirect=True, ids=["375px"])
def test_continue_returns_to_the_first_screen_still_to_answer(tab: Patient) -> None:
    page = tab.page
    tab.start()
    tab.answer_page(PAGES[0], {}, shot=False)
    tab.answer_page(PAGES[1], {}, shot=False)
    page.goto(tab.base + "/")
    tab.check_page("start-with-answers")
    page.get_by_role("link", name="Continue with the answers you already gave").click()
    expect(page).to_have_url(re.compile(f"/questions/{PAGES[2].slug}$"))
    # "not sure about some" on the first page: the questions asked one by one are what is left to answer
    page.goto(tab.base + f"/questions/{PAGES[0].slug}")
    page.get_by_role("checkbox", name=re.compile("^I am not sure about some of these")).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(f"/questions/{PAGES[0].slug}/details$"))
    tab.check_page("about-you-one-by-one")
    page.goto(tab.base + "/")
    page.get_by_role("link", name="Continue with the answers you already gave").click()
    expect(page).to_have_url(re.compile(f"/questions/{PAGES[0].slug}/details$"))


@pytest.mark.parametrize("tab", [(375, True)], indirect=True, ids=["375px"])
def test_a_group_left_without_a_tick_is_an_error_not_a_no(tab: Patient) -> None:
    page = tab.page
    tab.start()
    tab.answer_page(PAGES[0], {}, shot=False)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Select the ones that apply to you, or ‘None of these’")
    tab.check_page("your-skin-nothing-ticked", status=400)
    none = page.locator("#group-skin-now-group").get_by_role("checkbox", name="None of these")
    page.locator("#group-skin-now-group").get_by_role("checkbox").first.check()
    none.check()  # the script unticks the others: "None of these" stands alone
    expect(page.locator("#group-skin-now-group").get_by_role("checkbox").first).not_to_be_checked()

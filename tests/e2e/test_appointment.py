"""The appointment in Chromium (clinical-rules.md §1a): a too-early appointment is said first on the result page,
with both dates, and the checklist counts from the earliest date; a follow-up typed and then hidden by a "no" is
dropped by the form, never refused; the time sent is in the clinic's zone, named. The too-early result page is
photographed into test-artifacts/ (and docs/screenshots/ with SUITABILITY_WRITE_SCREENSHOTS=1)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.common.browser_wizard import PAGES, Patient

from suitability.clock import fmt_date

pytestmark = pytest.mark.e2e
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "appointment-too-early-result.png"


def test_a_too_early_appointment_is_said_first_with_both_dates(patient: Patient) -> None:
    # the case reported: retinoid last used today, appointment in 8 days (the 10-day stop ends 2 days after it)
    appointment, earliest = current_day() + dt.timedelta(days=8), current_day() + dt.timedelta(days=10)
    patient.start()
    patient.answer_all({"retinoid": "yes", "retinoid_last_use": current_day().isoformat(),
                        "appointment_date": appointment.isoformat()})
    patient.send()
    page = patient.page
    assert patient.result_headline() == (f"Your appointment on {fmt_date(appointment)} is too early: the earliest "
                                         f"date is {fmt_date(earliest)}; please move it.")
    expect(page.get_by_text("Not yet: please wait before having microneedling")).to_be_visible()
    expect(page.locator(".date-callout")).to_have_text(fmt_date(earliest))
    before = page.locator("ul.checklist").first.inner_text()
    assert f"from {fmt_date(current_day())}" in before  # 10 days before the earliest date: today, never a past date
    after = page.locator("ul.checklist").last.inner_text()
    assert f"Until {fmt_date(earliest + dt.timedelta(days=1))}" in after  # aftercare from the earliest date
    assert fmt_date(appointment + dt.timedelta(days=1)) not in after
    expect(page.locator("#asked-again")).to_contain_text(f"{fmt_date(earliest)} at the earliest")
    expect(page.locator("p.meta")).to_contain_text("(")  # the time sent names the clinic's zone
    taken = patient.artifacts / SCREENSHOT.name
    page.screenshot(path=str(taken), full_page=True)
    if os.environ.get("SUITABILITY_WRITE_SCREENSHOTS"):  # as test_screenshots_e2e: docs/ only when asked
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(taken, SCREENSHOT)


def test_a_follow_up_typed_then_hidden_by_no_is_dropped_not_refused(patient: Patient) -> None:
    page = patient.page
    medicines = patient.open_page(2)
    stopped = page.locator("#group-isotretinoin").get_by_role("radio", name="Yes, but I have stopped", exact=True)
    stopped.check()
    page.locator("#group-isotretinoin_last_dose").get_by_role("textbox").fill(
        (current_day() - dt.timedelta(days=1)).isoformat())
    patient.answer_page(medicines, {"isotretinoin": "no"}, shot=False)  # "no" after "yes": the date is hidden
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[3].heading)
    for form_page in PAGES[3:]:
        patient.answer_page(form_page, {}, shot=False)
    patient.send()
    assert patient.result_headline() == "You can go ahead with microneedling"

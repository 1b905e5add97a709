"""Patients in Chromium: the main journeys end to end, every page checked with axe-core and photographed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.common.browser_wizard import PAGES, QUESTIONS, Patient

from suitability.clock import fmt_date

pytestmark = pytest.mark.e2e
def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


def test_a_suitable_patient_gets_a_go_ahead_and_a_reference(patient: Patient) -> None:
    patient.start()
    patient.answer_all({})
    patient.send()
    assert patient.result_headline() == "You can go ahead with microneedling"
    expect(patient.page.locator(".reference")).to_have_text(re.compile(r"^MN-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(patient.page.get_by_role("heading", name="Aftercare")).to_be_visible()
    expect(patient.page.get_by_role("button", name="Print this page")).to_be_visible()  # shown by the JS


def test_a_pregnant_patient_is_told_it_is_not_suitable(patient: Patient) -> None:
    patient.start()
    patient.answer_all({"pregnant": "yes"})
    patient.send()
    assert patient.result_headline() == "Microneedling is not advised for you at the moment"
    expect(patient.page.get_by_role("heading", name="Why microneedling is not advised")).to_be_visible()
    expect(patient.page.get_by_text("pregnan").first).to_be_visible()


def test_recent_sunburn_defers_treatment_to_a_date(patient: Patient) -> None:
    burnt = current_day() - dt.timedelta(days=2)
    appointment = current_day() + dt.timedelta(days=5)
    patient.start()
    patient.answer_all({"sunburn": "yes", "sunburn_date": burnt.isoformat(), "retinoid": "yes",
                        "appointment_date": appointment.isoformat()})
    patient.send()
    # the appointment falls inside the sunburn's 14 days: said first, with both dates (clinical-rules.md §1a)
    assert patient.result_headline().startswith(f"Your appointment on {fmt_date(appointment)} is too early")
    expect(patient.page.get_by_text("Not yet: please wait before having microneedling")).to_be_visible()
    expect(patient.page.get_by_role("heading", name="Earliest date for treatment")).to_be_visible()
    callout = patient.page.locator(".date-callout").inner_text()
    assert dt.datetime.strptime(callout, "%d %b %Y").date() > appointment
    expect(patient.page.get_by_role("heading", name="Before your appointment")).to_be_visible()


def test_the_result_prints_on_at_most_two_pages(patient: Patient) -> None:
    patient.start()
    patient.answer_all({"cold_sore_history": "yes", "retinoid": "yes", "acne_comedonal": "yes",
                        "appointment_date": (current_day() + dt.timedelta(days=20)).isoformat()})
    patient.send()
    pdf = patient.page.pdf(path=str(patient.artifacts / "result.pdf"), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2


def test_a_not_sure_answer_goes_to_a_practitioner(patient: Patient) -> None:
    patient.start()
    patient.answer_all({"bleeding_disorder": "not_sure"})
    patient.send()
    assert patient.result_headline() == "A practitioner needs to look at your answers"
    expect(patient.page.get_by_text("Please do not book yet")).to_be_visible()


def test_mistakes_are_explained_and_every_other_answer_is_kept(patient: Patient) -> None:
    page = patient.page
    patient.start()
    first = PAGES[0]
    # about you: a date of birth in the future, and the "Do any of these apply?" group left without a tick
    future = current_day() + dt.timedelta(days=3)
    patient.answer(QUESTIONS["date_of_birth"], future.isoformat())
    fitzpatrick = page.locator("#group-fitzpatrick")
    type_2 = fitzpatrick.get_by_role("radio", name="Type II: usually burns, tans a little", exact=True)
    type_2.check()
    page.get_by_role("button", name="Continue", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # a screen reader hears the problems first
    assert page.title().startswith("Error: ")
    patient.check_page("about-you-errors", status=400)
    links = summary.get_by_role("link")
    assert links.count() == 2  # date of birth, the group
    expect(page.locator("#error-about-you-group")).to_contain_text("‘None of these’")
    expect(type_2).to_be_checked()  # the answer given is kept
    summary.get_by_role("link", name=re.compile("Select the ones that apply")).click()
    expect(page.locator("#q-about-you-group")).to_be_focused()  # the link takes you to the first box

    patient.answer_page(first, {"fitzpatrick": "II", "date_of_birth": "1990-05-05"}, shot=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[1].heading)


def test_follow_up_questions_appear_in_place_and_are_announced(patient: Patient) -> None:
    page = patient.page
    patient.open_page(2)  # the medicines page
    follow_up = page.locator("#followup-isotretinoin_last_dose")
    expect(follow_up).to_be_hidden()
    page.locator("#group-isotretinoin").get_by_role("radio", name="Yes, but I have stopped", exact=True).check()
    expect(follow_up).to_be_visible()
    expect(page.locator("#announcer")).to_have_text(
        f"New question below: {QUESTIONS['isotretinoin_last_dose'].text}")
    patient.check_page("medicines-follow-up-open")
    page.locator("#group-isotretinoin").get_by_role("radio", name="No", exact=True).check()
    expect(follow_up).to_be_hidden()
    expect(page.locator("#announcer")).to_contain_text("Question removed")


def test_a_ticked_box_asks_its_follow_up_on_the_next_screen(patient: Patient) -> None:
    page = patient.page
    patient.open_page(2)
    page.locator("#group-isotretinoin").get_by_role("radio", name="No", exact=True).check()
    page.get_by_role("checkbox", name=QUESTIONS["retinoid"].text, exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/questions/medicines/details$"))
    expect(page.get_by_label(QUESTIONS["retinoid_last_use"].text, exact=True)).to_be_visible()
    patient.check_page("medicines-details")
    page.locator("main .back-link").click()
    expect(page).to_have_url(re.compile(r"/questions/medicines$"))
    expect(page.get_by_role("checkbox", name=QUESTIONS["retinoid"].text, exact=True)).to_be_checked()


def test_check_your_answers_lets_you_change_an_answer(patient: Patient) -> None:
    page = patient.page
    patient.start()
    patient.answer_all({})
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    page.get_by_role("link", name="Change your answer to: Do any of these apply to you?").first.click()
    expect(page.locator("#q-about-you-group")).to_be_attached()
    page.get_by_role("checkbox", name=QUESTIONS["smoker"].text, exact=True).check()
    expect(page.get_by_role("checkbox", name="None of these").first).not_to_be_checked()  # unticked by the JS
    page.get_by_role("button", name="Save and return to your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    row = page.locator(".summary-row", has_text=QUESTIONS["smoker"].text)
    expect(row.locator(".summary-value")).to_have_text("Yes")


def test_adding_a_treatment_row_works_without_javascript(browser: Browser, live_server: object,
                                                         axe_source: str, artifacts: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    patient = Patient(context.new_page(), live_server.url, axe_source, artifacts,  # type: ignore[attr-defined]
                      javascript=False)
    page = patient.page
    patient.page.goto(patient.base + "/")
    page.get_by_label("I understand this does not replace a consultation").check()
    page.get_by_role("button", name="Start now").click()
    for form_page in PAGES[:-1]:
        patient.answer_page(form_page, {}, shot=False)
    expect(page.locator(".conditional")).to_have_count(0)  # no follow-ups on the request page
    rows = page.locator(".treatment-row")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Add another area").click()
    expect(rows).to_have_count(4)
    patient.answer(QUESTIONS["treatments"], [("cheeks", "acne_scars"), ("forehead", "fine_lines"),
                                             ("neck", "laxity"), ("hands", "rejuvenation")])
    page.get_by_role("radio", name="In a clinic, by a practitioner").check()
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_text("Backs of the hands: glow")).to_be_visible()
    patient.check_page("check-without-js")
    context.close()


def test_the_follow_ups_show_without_javascript_and_are_ignored_when_not_needed(
        browser: Browser, live_server: object, axe_source: str, artifacts: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    patient = Patient(context.new_page(), live_server.url, axe_source, artifacts,  # type: ignore[attr-defined]
                      javascript=False)
    page = patient.page
    page.goto(patient.base + "/")
    page.get_by_label("I understand this does not replace a consultation").check()
    page.get_by_role("button", name="Start now").click()
    for form_page in PAGES[:2]:
        patient.answer_page(form_page, {}, shot=False)
    follow_up = page.locator("#followup-isotretinoin_last_dose")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text("Only if you answered ‘Yes, but I have stopped’ above")
    patient.check_page("medicines-without-js")
    page.locator("#group-isotretinoin_last_dose").get_by_label(QUESTIONS["isotretinoin_last_dose"].text).fill(
        (current_day() - dt.timedelta(days=1)).isoformat())
    for form_page in PAGES[2:]:
        patient.answer_page(form_page, {}, shot=False)  # isotretinoin: "No"
    expect(page.get_by_text(QUESTIONS["isotretinoin_last_dose"].text)).to_have_count(0)  # dropped: "No"
    context.close()


@pytest.mark.parametrize("width", [320, 640])
def test_pages_reflow_at_320_px_and_200_percent_zoom(browser: Browser, live_server: object, axe_source: str,
                                                     artifacts: Path, width: int) -> None:
    # 640 CSS px is a 1280 px window at 200 % zoom.
    context = browser.new_context(viewport={"width": width, "height": 800})
    patient = Patient(context.new_page(), live_server.url, axe_source, artifacts)  # type: ignore[attr-defined]
    patient.start()
    for form_page in PAGES:
        patient.answer_page(form_page, {"melasma": "yes", "melasma_areas": ["cheeks"]},
                            shot=form_page.slug in ("your-skin", "request"))
    patient.send()
    context.close()


def test_the_earliest_date_uses_the_clinic_date_format(patient: Patient) -> None:
    assert fmt_date(dt.date(2026, 12, 4)) == "4 Dec 2026"

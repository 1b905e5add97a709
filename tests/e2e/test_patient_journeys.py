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
TODAY = dt.date.today()


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
    expect(patient.page.get_by_role("heading", name="Why")).to_be_visible()
    expect(patient.page.get_by_text("pregnan").first).to_be_visible()


def test_recent_sunburn_defers_treatment_to_a_date(patient: Patient) -> None:
    burnt = TODAY - dt.timedelta(days=2)
    appointment = TODAY + dt.timedelta(days=5)
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
                        "appointment_date": (TODAY + dt.timedelta(days=20)).isoformat()})
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
    # about you: a date of birth in the future, a made-up age, and no answer to "do you smoke"
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    page.get_by_label(QUESTIONS["date_of_birth"].text, exact=True).fill(future)
    page.get_by_label(QUESTIONS["age"].text, exact=True).fill("abc")
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
    assert links.count() == 4  # date of birth, age, smoker, expectations
    expect(page.locator("#error-smoker")).to_contain_text("Select an answer")
    expect(type_2).to_be_checked()  # the answer given is kept
    summary.get_by_role("link", name="Enter a whole number, like 34").click()
    expect(page.locator("#q-age")).to_be_focused()  # the link takes you to the field

    page.get_by_label(QUESTIONS["date_of_birth"].text, exact=True).fill("1990-05-05")
    page.get_by_label(QUESTIONS["age"].text, exact=True).fill("")
    patient.answer_page(first, {"fitzpatrick": "II"}, shot=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[1].heading)


def test_follow_up_questions_appear_in_place_and_are_announced(patient: Patient) -> None:
    page = patient.page
    patient.open_page(5)  # the medicines page
    follow_up = page.locator("#followup-retinoid_last_use")
    expect(follow_up).to_be_hidden()
    page.locator("#group-retinoid").get_by_role("radio", name="Yes", exact=True).check()
    expect(follow_up).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("New question below: When did you last use it?")
    patient.check_page("medicines-follow-up-open")
    page.locator("#group-retinoid").get_by_role("radio", name="No", exact=True).check()
    expect(follow_up).to_be_hidden()
    expect(page.locator("#announcer")).to_contain_text("Question removed")


def test_check_your_answers_lets_you_change_an_answer(patient: Patient) -> None:
    page = patient.page
    patient.start()
    patient.answer_all({})
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    page.get_by_role("link", name=f"Change your answer to: {QUESTIONS['smoker'].text}").click()
    expect(page.locator("#q-smoker")).to_be_attached()
    page.locator("#group-smoker").get_by_role("radio", name="Yes", exact=True).check()
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
    for form_page in PAGES[:-2]:
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
    patient.answer_page(PAGES[-1], {}, shot=False)
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
    for form_page in PAGES[:5]:
        patient.answer_page(form_page, {}, shot=False)
    follow_up = page.locator("#followup-retinoid_last_use")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text("Only if you answered ‘Yes’ above")
    patient.check_page("medicines-without-js")
    page.locator("#group-retinoid_last_use").get_by_label("When did you last use it?").fill(
        (TODAY - dt.timedelta(days=1)).isoformat())
    for form_page in PAGES[5:]:
        patient.answer_page(form_page, {}, shot=False)  # retinoid: "No"
    expect(page.get_by_text("When did you last use it?")).to_have_count(0)  # dropped: its parent is "No"
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
                            shot=form_page.slug in ("skin-today-2", "request"))
    patient.send()
    context.close()


def test_the_earliest_date_uses_the_clinic_date_format(patient: Patient) -> None:
    assert fmt_date(dt.date(2026, 12, 4)) == "4 Dec 2026"

"""A patient who reads Spanish: picks it with the switcher, then answers by the Spanish words on screen (taken
from the shipped catalogue, so a word the page shows in English is not found and the journey fails)."""

from __future__ import annotations

from typing import Any

from babel.support import Translations
from playwright.sync_api import expect

from tests.common.browser_wizard import PAGES, Patient, default_answer, option_label

from suitability.vocabulary import Area, Concern
from suitability.web.assets import web_dir
from suitability.web.patient.labels import LABELS
from suitability.web.patient.questions import FormGroup, Question
from suitability.web.patient.questions import Page as FormPage

CATALOGUE = Translations.load(str(web_dir() / "translations"), ["es"])


def es(text: str, **values: Any) -> str:
    """The Spanish the page shows for an English catalogue string."""
    return CATALOGUE.gettext(text) % values if values else CATALOGUE.gettext(text)


def heading(form_page: FormPage) -> str:
    return es(form_page.heading)


class SpanishPatient(Patient):
    """The same checks on every page (axe-core, console, screenshot, reflow), in Spanish."""

    def start(self) -> None:
        self.page.goto(self.base + "/")
        switcher = self.page.get_by_role("navigation", name="Language")
        switcher.get_by_role("link", name="Español").focus()
        self.page.keyboard.press("Enter")  # the switcher is a plain link: reachable and usable by keyboard
        expect(self.page.locator("html")).to_have_attribute("lang", "es")
        expect(self.page.get_by_role("heading", level=1)).to_have_text(es("Check if microneedling is suitable for you"))
        self.check_page("inicio")
        self.page.get_by_label(es("I understand this does not replace a consultation, and I agree to the clinic "
                                  "storing my answers to check whether microneedling is suitable for me.")).check()
        self.screens += 1
        self.page.get_by_role("button", name=es("Start now")).click()

    def answer_page(self, form_page: FormPage, answers: dict[str, Any], shot: bool = True) -> None:
        """As the English patient does (its main screen, then its details screen), by the Spanish words."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading(form_page))
        if shot:
            self.check_page(form_page.slug)
        for block in form_page.blocks:
            if isinstance(block, FormGroup):
                self.tick(block, answers)
                continue
            self.answer(block, answers.get(block.name, default_answer(block)))
            for follow_up in block.followups:
                if follow_up.name in answers:
                    self.answer(follow_up, answers[follow_up.name])
        self.screens += 1
        self.page.get_by_role("button", name=es("Continue"), exact=True).click()
        self.page.wait_for_load_state()
        if self.page.url.split("?")[0].endswith(f"/questions/{form_page.slug}/details"):
            self.answer_details(form_page, answers, shot)

    def tick(self, group: FormGroup, answers: dict[str, Any]) -> None:
        block = self.page.locator(f"#group-{group.key}")
        values = [answers.get(name, "no") for name in group.names]
        for question, value in zip(group.questions, values, strict=True):
            if value == "yes":
                block.get_by_role("checkbox", name=es(question.text), exact=True).check()
        if any(value not in ("yes", "no") for value in values):
            block.get_by_role("checkbox", name=es("I am not sure about some of these (we will ask about each one)"),
                              exact=True).check()
        elif "yes" not in values:
            block.get_by_role("checkbox", name=es("None of these"), exact=True).check()

    def answer_details(self, form_page: FormPage, answers: dict[str, Any], shot: bool) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading(form_page))
        if shot:
            self.check_page(form_page.slug + "-detalles")
        for question in form_page.all_questions():
            if question in form_page.screen_questions() or self.page.locator(f"#group-{question.name}").count() == 0:
                continue
            if not self.page.locator(f"#group-{question.name}").is_visible():
                continue
            value = answers.get(question.name, default_answer(question) if question.kind == "choice" else None)
            self.answer(question, value)
        self.screens += 1
        self.page.get_by_role("button", name=es("Continue"), exact=True).click()

    def answer(self, question: Question, value: Any) -> None:
        if value is None:
            return
        block = self.page.locator(f"#group-{question.name}")
        if question.kind == "choice":
            group = block.get_by_role("group", name=es(question.text), exact=True)
            group.get_by_role("radio", name=es(option_label(question, value)), exact=True).check()
        elif question.in_three_parts:
            year, month, day = str(value).split("-")
            for word, part in (("Day", day), ("Month", month), ("Year", year)):
                block.get_by_label(es(word), exact=True).fill(part)
        elif question.kind in ("date", "number"):
            block.get_by_label(es(question.text), exact=True).fill(str(value))
        elif question.kind == "areas":
            group = block.get_by_role("group", name=es(question.text), exact=True)
            for area in value:
                group.get_by_role("checkbox", name=es(LABELS[Area][area]), exact=True).check()
        elif question.kind == "treatments":
            for i, (area, concern) in enumerate(value):
                row = self.page.get_by_role("group", name=es("Area %(number)s", number=i + 1), exact=True)
                row.get_by_label(es("Area"), exact=True).select_option(label=es(LABELS[Area][area]))
                row.get_by_label(es("What to improve"), exact=True).select_option(label=es(LABELS[Concern][concern]))

    def answer_all(self, answers: dict[str, Any]) -> None:
        for form_page in PAGES:
            self.answer_page(form_page, answers)

    def send(self) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(es("Check your answers before sending them"))
        self.check_page("revisar")
        self.page.get_by_role("button", name=es("Send my answers")).click()
        expect(self.page.get_by_text(es("Your pre-screen result"))).to_be_visible()
        self.check_page("resultado")


__all__ = ["SpanishPatient", "es", "heading"]

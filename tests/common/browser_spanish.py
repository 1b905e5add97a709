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
from suitability.web.patient.questions import Page as FormPage
from suitability.web.patient.questions import Question

CATALOGUE = Translations.load(str(web_dir() / "translations"), ["es"])


def es(text: str, **values: Any) -> str:
    """The Spanish the page shows for an English catalogue string."""
    return CATALOGUE.gettext(text) % values if values else CATALOGUE.gettext(text)


def heading(form_page: FormPage) -> str:
    title = es(form_page.title)
    return title if form_page.parts == 1 else f"{title} {es('(%(part)s of %(parts)s)', part=form_page.part, parts=form_page.parts)}"


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
        self.page.get_by_role("button", name=es("Start now")).click()

    def answer_page(self, form_page: FormPage, answers: dict[str, Any], shot: bool = True) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading(form_page))
        if shot:
            self.check_page(form_page.slug)
        for question in form_page.questions:
            self.answer(question, answers.get(question.name, default_answer(question)))
            for follow_up in question.followups:
                if follow_up.name in answers:
                    self.answer(follow_up, answers[follow_up.name])
        self.page.get_by_role("button", name=es("Continue"), exact=True).click()

    def answer(self, question: Question, value: Any) -> None:
        if value is None:
            return
        block = self.page.locator(f"#group-{question.name}")
        if question.kind == "choice":
            group = block.get_by_role("group", name=es(question.text), exact=True)
            group.get_by_role("radio", name=es(option_label(question, value)), exact=True).check()
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

"""A patient who reads Spanish: picks it with the switcher, then answers by the Spanish words on screen (taken
from the shipped catalogue, so a word the page shows in English is not found and the journey fails)."""

from __future__ import annotations

from typing import Any

from babel.support import Translations
from playwright.sync_api import expect

from tests.common.browser_wizard import Patient

from suitability.web.assets import web_dir
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

    def word(self, text: str, **values: Any) -> str:
        return es(text, **values)

    def send(self) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(es("Check your answers before sending them"))
        self.check_page("revisar")
        self.page.get_by_role("button", name=es("Send my answers")).click()
        expect(self.page.get_by_text(es("Your pre-screen result"))).to_be_visible()
        self.check_page("resultado")


__all__ = ["SpanishPatient", "es", "heading"]

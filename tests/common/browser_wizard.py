"""A patient in a real browser: answers by the words on screen, and checks every page as it goes
(axe-core WCAG 2.2 A/AA, no console errors such as CSP refusals, a screenshot, no sideways scrolling)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from suitability.vocabulary import Area, Concern
from suitability.web.patient.questions import PAGES, QUESTIONS, FormGroup, Question
from suitability.web.patient.questions import Page as FormPage
from suitability.wording.labels import LABELS

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Patient:
    """One browser tab going through the pre-screen."""

    def __init__(self, page: Page, base_url: str, axe_source: str, artifacts: Path, *,
                 javascript: bool = True) -> None:
        self.page = page
        self.javascript = javascript  # without it, page.evaluate cannot run axe (the JS-on runs cover axe)
        self.base = base_url
        self.axe_source = axe_source
        self.artifacts = artifacts
        self.shots = 0
        self.screens = 0  # screens answered (the start page's consent counts as one)
        self.console_errors: list[str] = []
        page.on("console", lambda message: self.console_errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    # --- checks on every page ------------------------------------------------------------------------------
    def check_page(self, name: str, *, status: int = 200) -> None:
        """Screenshot, axe-core, console, reflow: what every page must pass.

        `status` 400 is for a page re-shown with errors: Chromium logs the document's own 4xx status as a
        console error, and only that message is then allowed."""
        self.shots += 1
        description = self.page.locator('head meta[name="description"]')
        assert description.count() == 1 and len(description.get_attribute("content") or "") > 20, name
        self.page.screenshot(path=str(self.artifacts / f"{self.shots:02d}-{name}.png"), full_page=True)
        if not self.javascript:
            return
        self.page.evaluate(self.axe_source)  # evaluate is not subject to the page's CSP (a script tag is)
        result = self.page.evaluate(
            "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }", AXE_TAGS)
        assert result == [], f"axe violations on {name}:\n{json.dumps(result, indent=2)}"
        expected = f"the server responded with a status of {status}"
        errors = [e for e in self.console_errors if status == 200 or expected not in e]
        assert errors == [], f"console errors on {name}: {errors}"
        self.console_errors.clear()
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"

    # --- the words on screen --------------------------------------------------------------------------------
    def word(self, text: str, **values: Any) -> str:
        """What the page shows for one of the form's English texts (a patient reading another language
        overrides this with the shipped catalogue)."""
        return text % values if values else text

    # --- moving through the form ---------------------------------------------------------------------------
    def start(self) -> None:
        self.page.goto(self.base + "/")
        heading = self.page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Check if microneedling is suitable for you")
        self.check_page("start")
        self.page.get_by_label("I understand this does not replace a consultation").check()
        self.screens += 1
        self.page.get_by_role("button", name="Start now").click()

    def answer_page(self, form_page: FormPage, answers: dict[str, Any], shot: bool = True) -> None:
        """Answer what `answers` says, and "No" (or the first choice) to every other question on the page: its
        main screen, then its details screen if the answers lead there."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.word(form_page.heading))
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
        self.page.get_by_role("button", name=self.word("Continue"), exact=True).click()
        self.page.wait_for_load_state()
        if self.page.url.split("?")[0].endswith(f"/questions/{form_page.slug}/details"):
            self.answer_details(form_page, answers, shot)

    def tick(self, group: FormGroup, answers: dict[str, Any]) -> None:
        """Tick each "yes"; "not sure about some" if any answer is neither yes nor no; else "None of these"."""
        block = self.page.locator(f"#group-{group.key}")
        values = [answers.get(name, "no") for name in group.names]
        for question, value in zip(group.questions, values, strict=True):
            if value == "yes":
                block.get_by_role("checkbox", name=self.word(question.text), exact=True).check()
        if any(value not in ("yes", "no") for value in values):
            block.get_by_role("checkbox", name=self.word("I am not sure about some of these (we will ask about each "
                                                         "one)"), exact=True).check()
        elif "yes" not in values:
            block.get_by_role("checkbox", name=self.word("None of these"), exact=True).check()

    def answer_details(self, form_page: FormPage, answers: dict[str, Any], shot: bool) -> None:
        """The details screen: each question on it as `answers` says ("No" to a choice it leaves out)."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.word(form_page.heading))
        if shot:
            self.check_page(form_page.slug + "-details")
        for question in form_page.all_questions():
            if question in form_page.screen_questions() or self.page.locator(f"#group-{question.name}").count() == 0:
                continue
            if not self.page.locator(f"#group-{question.name}").is_visible():
                continue
            value = answers.get(question.name, default_answer(question) if question.kind == "choice" else None)
            self.answer(question, value)
        self.screens += 1
        self.page.get_by_role("button", name=self.word("Continue"), exact=True).click()

    def answer(self, question: Question, value: Any) -> None:
        if value is None:
            return
        # Scoped to the question's block: several follow-ups share wording ("When did you last use it?").
        block = self.page.locator(f"#group-{question.name}")
        if question.kind == "choice":
            group = block.get_by_role("group", name=self.word(question.text), exact=True)
            group.get_by_role("radio", name=self.word(option_label(question, value)), exact=True).check()
        elif question.in_three_parts:
            year, month, day = str(value).split("-")
            for word, part in (("Day", day), ("Month", month), ("Year", year)):
                block.get_by_label(self.word(word), exact=True).fill(part)
        elif question.kind in ("date", "number"):
            block.get_by_label(self.word(question.text), exact=True).fill(str(value))
        elif question.kind == "areas":
            group = block.get_by_role("group", name=self.word(question.text), exact=True)
            for area in value:
                group.get_by_role("checkbox", name=self.word(LABELS[Area][area]), exact=True).check()
        elif question.kind == "treatments":
            for i, (area, concern) in enumerate(value):
                row = self.page.get_by_role("group", name=self.word("Area %(number)s", number=i + 1), exact=True)
                row.get_by_label(self.word("Area"), exact=True).select_option(label=self.word(LABELS[Area][area]))
                row.get_by_label(self.word("What to improve"), exact=True).select_option(
                    label=self.word(LABELS[Concern][concern]))

    def answer_all(self, answers: dict[str, Any]) -> None:
        for form_page in PAGES:
            self.answer_page(form_page, answers)

    def open_page(self, index: int) -> FormPage:
        """Start and answer every page before `index` with all-clear answers; the page at `index` is open."""
        self.start()
        for form_page in PAGES[:index]:
            self.answer_page(form_page, {}, shot=False)
        opened = PAGES[index]
        expect(self.page.get_by_role("heading", level=1)).to_have_text(opened.heading)
        return opened

    def send(self) -> None:
        heading = self.page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Check your answers before sending them")
        self.check_page("check")
        self.screens += 1
        self.page.get_by_role("button", name="Send my answers").click()
        expect(self.page.get_by_text("Your pre-screen result")).to_be_visible()
        self.check_page("result")

    def result_headline(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()


def option_label(question: Question, value: str) -> str:
    return next(o.label for o in question.options if o.value == value)


def default_answer(question: Question) -> Any:
    """What a patient with nothing to report answers."""
    if question.kind == "choice":
        values = [o.value for o in question.options]
        if question.name == "fitzpatrick":
            return "III"
        if question.default:
            return None  # already chosen on the page
        return "no" if "no" in values else values[0]
    if question.kind == "treatments":
        return [("cheeks", "acne_scars")]
    if question.name == "date_of_birth":
        return "1988-04-02"
    return None


__all__ = ["PAGES", "QUESTIONS", "Patient", "default_answer", "option_label"]

"""The form, generated from the intake's questions (suitability.wording.questions): its pages, each with its
questions and checkbox groups.

Nothing here knows a particular question: a new field in intake.py appears on its topic's page by itself
(groups.py says which page holds a topic and which yes/no questions share a checkbox group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...intake import TOPICS
from ...intake import is_asked as is_asked_in_intake
from ...vocabulary import Area, Concern
from ...wording.labels import LABELS
from ...wording.questions import TOP_QUESTIONS, Option, Question
from .groups import ASKED_IF_BLANK, GROUP_OF, GROUPS, LAYOUT


@dataclass(frozen=True)
class FormGroup:
    """A checkbox group on a page: its declaration's key and legend, and its questions."""

    key: str
    legend: str
    questions: tuple[Question, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The intake fields the group answers."""
        return tuple(q.name for q in self.questions)


@dataclass(frozen=True)
class Page:
    """The questions of one or two topics: the unit the patient fills in and the check page groups by.

    A page is shown as a main screen (its own questions and checkbox groups) and, when the answers call for
    it, a details screen (`details` true: follow-ups of ticked boxes, the boxes of a group the patient was not
    sure about, one by one, and the age without a date of birth)."""

    slug: str
    title: str
    questions: tuple[Question, ...]
    groups: tuple[FormGroup, ...] = ()
    details: bool = False

    @property
    def heading(self) -> str:
        """The page's h1 and title."""
        return str(self.title)

    @property
    def blocks(self) -> tuple[Question | FormGroup, ...]:
        """What the screen shows, in order: questions, and each group where its first question would be."""
        if self.details:
            return self.questions
        out: list[Question | FormGroup] = []
        groups = {g.key: g for g in self.groups}
        for q in self.questions:
            group = GROUP_OF.get(q.name)
            if group is None:
                if q.name not in ASKED_IF_BLANK:
                    out.append(q)
            elif groups[group.key].questions[0] is q:
                out.append(groups[group.key])
        return tuple(out)

    def screen_questions(self) -> tuple[Question, ...]:
        """The questions shown on this screen itself (the groups' boxes aside), each with its follow-ups."""
        shown = tuple(b for b in self.blocks if isinstance(b, Question))
        return tuple(q for top in shown for q in (top, *top.followups))

    @property
    def has_treatments(self) -> bool:
        """Whether the page holds the treatments table (its "Add another" button must not be Enter's)."""
        return any(q.kind == "treatments" for q in self.questions)

    def all_questions(self) -> tuple[Question, ...]:
        """Top-level questions each followed by its follow-ups, in page order."""
        return tuple(q for top in self.questions for q in (top, *top.followups))


def _build() -> tuple[Page, ...]:
    pages: list[Page] = []
    for layout in LAYOUT:
        mine = tuple(q for q in TOP_QUESTIONS if q.topic in layout.topics)
        by_top = {q.name: q for q in mine}
        groups = tuple(FormGroup(g.key, g.legend, tuple(by_top[n] for n in g.fields))
                       for g in GROUPS if g.fields[0] in by_top)
        pages.append(Page(layout.slug, layout.title, mine, groups))
    unplaced = {q.topic for q in TOP_QUESTIONS} - set(TOPICS)
    if unplaced:
        raise TypeError(f"intake topics without a page: {sorted(unplaced)}")
    return tuple(pages)


def is_asked(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether a question applies: a top-level one unless the answer it stands in for was given (the age
    beside a date of birth); a follow-up when its parent calls for it."""
    if question.name in ASKED_IF_BLANK:
        return not answers.get(ASKED_IF_BLANK[question.name])
    return is_asked_in_intake(question.name, answers)  # the one rule for follow-ups, shared with the core


PAGES: tuple[Page, ...] = _build()
PAGE_BY_SLUG: dict[str, Page] = {page.slug: page for page in PAGES}
QUESTIONS: dict[str, Question] = {q.name: q for page in PAGES for q in page.all_questions()}
PAGE_OF: dict[str, Page] = {q.name: page for page in PAGES for q in page.all_questions()}
GROUP_BY_KEY: dict[str, FormGroup] = {g.key: g for page in PAGES for g in page.groups}
PAGE_OF_GROUP: dict[str, Page] = {g.key: page for page in PAGES for g in page.groups}
CONCERN_OPTIONS = tuple(Option(c.value, LABELS[Concern][c.value]) for c in Concern)
AREA_OPTIONS = tuple(Option(a.value, LABELS[Area][a.value]) for a in Area)

__all__ = ["AREA_OPTIONS", "CONCERN_OPTIONS", "GROUP_BY_KEY", "PAGES", "PAGE_BY_SLUG", "PAGE_OF", "PAGE_OF_GROUP",
           "QUESTIONS", "FormGroup", "Option", "Page", "Question", "is_asked"]

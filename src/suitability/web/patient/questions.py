"""The form, generated from the Intake's fields: each field's kind, words, options, page and follow-ups.

Nothing here knows a particular question: a new field in intake.py appears on its topic's page by itself
(groups.py says which page holds a topic and which yes/no questions share a checkbox group), and a field of a
kind the form cannot show fails at import instead of silently disappearing from the form.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic.fields import FieldInfo

from ...intake import TOPICS, Intake, TreatmentRequest, field_meta
from ...intake import is_asked as is_asked_in_intake
from ...vocabulary import Area, Concern
from .groups import ASKED_IF_BLANK, GROUP_OF, GROUPS, LAYOUT, THREE_PART_DATES
from .labels import LABELS

Kind = Literal["choice", "date", "number", "areas", "treatments"]
SERVER_SET = frozenset({"screening_date"})  # not a question: the server sets it


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """One intake field as a form control."""

    name: str
    text: str
    help: str | None
    kind: Kind
    topic: str
    options: tuple[Option, ...] = ()
    enum: type[Enum] | None = None
    parent: str | None = None
    parent_values: tuple[str, ...] = ()
    blank_means: str | None = None
    default: str | None = None
    followups: tuple[Question, ...] = ()

    @property
    def required(self) -> bool:
        """Choices must be answered ("Not sure" is an answer); dates and numbers may be left blank."""
        return self.kind in ("choice", "treatments")

    @property
    def is_past_date(self) -> bool:
        """Every date but the appointment's is of something that has happened."""
        return self.kind == "date" and self.name != "appointment_date"

    @property
    def in_three_parts(self) -> bool:
        """A date typed as day, month and year in three boxes."""
        return self.name in THREE_PART_DATES


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


def _enum_in(annotation: Any) -> type[Enum] | None:
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _kind(name: str, info: FieldInfo) -> tuple[Kind, type[Enum] | None]:
    annotation = info.annotation
    args = set(typing.get_args(annotation)) | {annotation}
    if dt.date in args:
        return "date", None
    if int in args:
        return "number", None
    if typing.get_origin(annotation) is tuple:
        item = typing.get_args(annotation)[0]
        if item is Area:
            return "areas", Area
        if item is TreatmentRequest:
            return "treatments", None
    enum = _enum_in(annotation)
    if enum is not None:
        return "choice", enum
    raise TypeError(f"intake field {name!r} has a type the web form cannot show: {annotation!r}")


def _question(name: str, info: FieldInfo) -> Question:
    kind, enum = _kind(name, info)
    meta = field_meta(name)
    parent, values = next(iter(meta.get("enable_when", {}).items()), (None, []))
    options = tuple(Option(m.value, LABELS[enum][m.value]) for m in enum) if enum and kind == "choice" else ()
    default = info.default.value if isinstance(info.default, Enum) else None
    return Question(name=name, text=info.title or name, help=info.description, kind=kind, topic=meta["topic"],
                    options=options, enum=enum, parent=parent, parent_values=tuple(values),
                    blank_means=meta.get("blank_means"), default=default)


def _build() -> tuple[Page, ...]:
    flat = [_question(n, i) for n, i in Intake.model_fields.items() if n not in SERVER_SET]
    by_name = {q.name: q for q in flat}
    children: dict[str, list[Question]] = {}
    for q in flat:
        if q.parent:
            if by_name[q.parent].topic != q.topic:
                raise TypeError(f"follow-up {q.name!r} must be on its parent {q.parent!r}'s page")
            children.setdefault(q.parent, []).append(q)
    tops = [q for q in flat if not q.parent]
    tops = [_with_followups(q, children) for q in tops]
    pages: list[Page] = []
    for layout in LAYOUT:
        mine = tuple(q for q in tops if q.topic in layout.topics)
        by_top = {q.name: q for q in mine}
        groups = tuple(FormGroup(g.key, g.legend, tuple(by_top[n] for n in g.fields))
                       for g in GROUPS if g.fields[0] in by_top)
        pages.append(Page(layout.slug, layout.title, mine, groups))
    unplaced = {q.topic for q in tops} - set(TOPICS)
    if unplaced:
        raise TypeError(f"intake topics without a page: {sorted(unplaced)}")
    return tuple(pages)


def _with_followups(q: Question, children: dict[str, list[Question]]) -> Question:
    if q.name not in children:
        return q
    followups = tuple(_with_followups(c, children) for c in children[q.name])
    return Question(**{**q.__dict__, "followups": followups})


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

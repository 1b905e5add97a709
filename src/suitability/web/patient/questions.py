"""The form, generated from the Intake's fields: each field's kind, words, options, page and follow-ups.

Nothing here knows a particular question: a new field in intake.py appears on its topic's page by itself, and
a field of a kind the form cannot show fails at import instead of silently disappearing from the form.
"""

from __future__ import annotations

import datetime as dt
import math
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic.fields import FieldInfo

from ...intake import TOPICS, Intake, TreatmentRequest, field_meta
from ...vocabulary import Area, Concern
from .labels import LABELS

Kind = Literal["choice", "date", "number", "areas", "treatments"]
SERVER_SET = frozenset({"screening_date"})  # not a question: the server sets it
MAX_PER_PAGE = 8  # top-level questions on one page; a bigger topic is split into parts


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
        return self.kind == "date" and self.name != "appointment_date"


@dataclass(frozen=True)
class Page:
    """A few questions of one topic: the unit the patient fills in and the check page groups by."""

    slug: str
    topic: str
    title: str
    part: int
    parts: int
    questions: tuple[Question, ...]

    @property
    def heading(self) -> str:
        return self.title if self.parts == 1 else f"{self.title} ({self.part} of {self.parts})"

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
    for topic, title in TOPICS.items():
        mine = [q for q in tops if q.topic == topic]
        parts = max(1, math.ceil(len(mine) / MAX_PER_PAGE))
        size = math.ceil(len(mine) / parts) if mine else 0
        for part in range(parts):
            chunk = tuple(mine[part * size:(part + 1) * size])
            slug = topic.replace("_", "-") + (f"-{part + 1}" if parts > 1 else "")
            pages.append(Page(slug, topic, title, part + 1, parts, chunk))
    unplaced = {q.topic for q in tops} - set(TOPICS)
    if unplaced:
        raise TypeError(f"intake topics without a page: {sorted(unplaced)}")
    return tuple(pages)


def _with_followups(q: Question, children: dict[str, list[Question]]) -> Question:
    if q.name not in children:
        return q
    followups = tuple(_with_followups(c, children) for c in children[q.name])
    return Question(**{**q.__dict__, "followups": followups})


PAGES: tuple[Page, ...] = _build()
PAGE_BY_SLUG: dict[str, Page] = {page.slug: page for page in PAGES}
QUESTIONS: dict[str, Question] = {q.name: q for page in PAGES for q in page.all_questions()}
PAGE_OF: dict[str, Page] = {q.name: page for page in PAGES for q in page.all_questions()}
CONCERN_OPTIONS = tuple(Option(c.value, LABELS[Concern][c.value]) for c in Concern)
AREA_OPTIONS = tuple(Option(a.value, LABELS[Area][a.value]) for a in Area)

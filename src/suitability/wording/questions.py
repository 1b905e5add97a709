"""Every intake field as a question, in the words every door asks it: its kind, text, hint, answer options
(with their labels) and follow-ups, generated from the Intake's fields.

Nothing here knows a particular question: a new field in the intake is asked by itself, and a field of a kind no
door can ask fails at import instead of silently disappearing. Which page shows a question is the web form's
business (web/patient/groups.py)."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic.fields import FieldInfo

from ..intake import Intake, TreatmentRequest, field_meta
from ..vocabulary import Area
from .labels import LABELS

Kind = Literal["choice", "date", "number", "areas", "treatments"]
SERVER_SET = frozenset({"screening_date"})  # not a question: the server sets it
# Dates typed as day, month and year in three boxes (a date picker shows the browser's locale, not the site's).
THREE_PART_DATES: frozenset[str] = frozenset({"date_of_birth"})


@dataclass(frozen=True)
class Option:
    """One answer a question offers: the value stored and the words shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """One intake field as a question."""

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
    raise TypeError(f"intake field {name!r} has a type no door can ask: {annotation!r}")


def _question(name: str, info: FieldInfo) -> Question:
    kind, enum = _kind(name, info)
    meta = field_meta(name)
    parent, values = next(iter(meta.get("enable_when", {}).items()), (None, []))
    options = tuple(Option(m.value, LABELS[enum][m.value]) for m in enum) if enum and kind == "choice" else ()
    default = info.default.value if isinstance(info.default, Enum) else None
    return Question(name=name, text=info.title or name, help=info.description, kind=kind, topic=meta["topic"],
                    options=options, enum=enum, parent=parent, parent_values=tuple(values),
                    blank_means=meta.get("blank_means"), default=default)


def _build() -> tuple[Question, ...]:
    flat = [_question(n, i) for n, i in Intake.model_fields.items() if n not in SERVER_SET]
    by_name = {q.name: q for q in flat}
    children: dict[str, list[Question]] = {}
    for q in flat:
        if q.parent:
            if by_name[q.parent].topic != q.topic:
                raise TypeError(f"follow-up {q.name!r} must be on its parent {q.parent!r}'s page")
            children.setdefault(q.parent, []).append(q)
    if not THREE_PART_DATES <= set(by_name):
        raise TypeError("THREE_PART_DATES names a field the intake does not have")
    return tuple(_with_followups(q, children) for q in flat if not q.parent)


def _with_followups(q: Question, children: dict[str, list[Question]]) -> Question:
    if q.name not in children:
        return q
    followups = tuple(_with_followups(c, children) for c in children[q.name])
    return Question(**{**q.__dict__, "followups": followups})


TOP_QUESTIONS: tuple[Question, ...] = _build()  # in the intake's order, each with its follow-ups
QUESTION_OF: dict[str, Question] = {q.name: q for top in TOP_QUESTIONS for q in (top, *top.followups)}

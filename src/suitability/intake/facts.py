"""Turn a validated Intake into the typed, flat facts the engine sees, and describe the fields rules may use.

Only validated, typed values reach the engine (strings from closed vocabularies, ints); dates become whole
days and whole calendar months elapsed up to the reference date, so a rule's wait is one integer comparison.
Facts are split by topic (and one per requested treatment) so that no fact can match 64 rules at once.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..vocabulary import Answer, Area, Concern, Modality, Region, Setting
from .agreement import is_asked
from .fields import field_meta
from .model import Intake

SCREENING = "screening"
TREATMENT = "treatment"
CONTEXT_FIELDS = ("setting", "modality")
# Fields that are not questions to match on: they shape the facts instead.
NOT_MATCHED = {"treatments", "screening_date", "appointment_date", "date_of_birth", "melasma_areas"}


@dataclass(frozen=True)
class FieldInfo:
    """A field a rule may test: which fact carries it, its kind and its allowed values."""

    name: str
    topic: str
    kind: str  # "choice", "date", "int"
    values: tuple[str, ...] = ()
    still_using: bool = False


def _enum_of(annotation: Any) -> type[Enum] | None:
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _is_date(annotation: Any) -> bool:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or typing.get_origin(
        annotation) is typing.Union else (annotation,)
    return dt.date in args


def _catalogue() -> dict[str, FieldInfo]:
    fields: dict[str, FieldInfo] = {}
    for name, info in Intake.model_fields.items():
        if name in NOT_MATCHED:
            continue
        topic = field_meta(name).get("topic", "about_you")
        enum = _enum_of(info.annotation)
        if name in CONTEXT_FIELDS:
            continue
        if enum is not None:
            fields[name] = FieldInfo(name, topic, "choice", tuple(e.value for e in enum))
        elif _is_date(info.annotation):
            still = field_meta(name).get("blank_means") == "still_using"
            fields[name] = FieldInfo(name, topic, "date", still_using=still)
        elif name == "age":
            fields[name] = FieldInfo(name, topic, "int")
    for name, enum in (("setting", Setting), ("modality", Modality)):
        fields[name] = FieldInfo(name, "*", "choice", tuple(e.value for e in enum))
    fields["area"] = FieldInfo("area", TREATMENT, "choice", tuple(a.value for a in Area))
    fields["concern"] = FieldInfo("concern", TREATMENT, "choice", tuple(c.value for c in Concern))
    fields["region"] = FieldInfo("region", TREATMENT, "choice", tuple(r.value for r in Region))
    fields["melasma_in_area"] = FieldInfo("melasma_in_area", TREATMENT, "choice", tuple(a.value for a in Answer))
    return fields


FIELDS: dict[str, FieldInfo] = _catalogue()
# The all-clear intake's answers beyond "no" to every yes/no question: what nothing should be found in.
ALL_CLEAR = {"age": 35, "fitzpatrick": "II", "setting": "clinic", "modality": "mechanical"}


def all_clear_answers() -> dict[str, Any]:
    """The all-clear intake, from the model: every top-level yes/no safety question "no" (follow-ups are asked
    only after a "yes", so they stay unanswered), age 35, skin type II, mechanical at a clinic."""
    answers: dict[str, Any] = {
        name: "no" for name, info in FIELDS.items()
        if info.kind == "choice" and "no" in info.values and name in Intake.model_fields
        and not field_meta(name).get("enable_when")
    }
    return answers | ALL_CLEAR
TOPICS: tuple[str, ...] = tuple(sorted({f.topic for f in FIELDS.values()} - {"*", TREATMENT}))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months: 15 March + 6 months = 15 September; 31 August + 6 months = 28 (or 29) February."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start to end: the largest k with start + k months <= end (0 if none)."""
    k = (end.year - start.year) * 12 + end.month - start.month
    while k > 0 and add_months(start, k) > end:
        k -= 1
    return max(k, 0)


def event_date(intake: Intake, name: str) -> dt.date | None:
    """The date a wait counts from: the given date, or the screening date for a product still in use."""
    value = getattr(intake, name)
    if value is None and FIELDS[name].still_using and is_asked(name, intake.__dict__):
        return intake.screening_date
    return value if isinstance(value, dt.date) else None


def melasma_in_area(intake: Intake, area: Area) -> Answer:
    """Yes if the patient named this area; unknown if they have (or may have) melasma but named no area."""
    if area in intake.melasma_areas:
        return Answer.YES
    if intake.melasma in (None, Answer.NOT_SURE) or (intake.melasma is Answer.YES and not intake.melasma_areas):
        return Answer.NOT_SURE
    return Answer.NO


def counted_from(intake: Intake, name: str) -> dt.date | None:
    """The date a fact counts a wait's days and months from: the given date; for a product still in use, the
    reference date (use is assumed to continue up to the appointment unless the patient is told to stop)."""
    when = intake.__dict__[name]
    if when is None and FIELDS[name].still_using and is_asked(name, intake.__dict__):
        return intake.reference_date
    return when  # type: ignore[no-any-return]


# The whole-person fields, worked out once: (name, topic, kind); treatment and context fields apart.
_PLAN = tuple((name, info.topic, info.kind) for name, info in FIELDS.items() if info.topic not in ("*", TREATMENT))
_NOT_SURE = Answer.NOT_SURE.value


def intake_to_facts(intake: Intake) -> list[dict[str, Any]]:
    """The facts for one screening: a screening fact, one per topic, one per requested treatment."""
    ref = intake.reference_date
    # `_value_` is the member's value as a plain attribute (`.value` goes through a slow descriptor, 70 times
    # per intake); the enum docs name it as the attribute that holds the value
    context = {"setting": intake.setting._value_, "modality": intake.modality._value_}
    by_topic: dict[str, dict[str, Any]] = {topic: {"t": topic, **context} for topic in TOPICS}
    answers = intake.__dict__  # the validated field values (pydantic keeps them here); read, never changed
    for name, topic, kind in _PLAN:
        fact = by_topic[topic]
        if kind == "choice":
            value = answers[name]
            fact[name] = value._value_ if value is not None else _NOT_SURE
        elif kind == "int":
            age = intake.age_years
            if age is not None:
                fact[name] = int(age)
        else:  # a date
            when = counted_from(intake, name)
            if when is not None:
                fact[f"{name}__days"] = (ref - when).days
                fact[f"{name}__months"] = months_between(when, ref)
    facts = [{"t": SCREENING, **context}, *by_topic.values()]
    for index, request in enumerate(intake.treatments):
        facts.append({
            "t": TREATMENT, "idx": index, **context,
            "area": request.area._value_, "concern": request.concern._value_,
            "region": request.area.region._value_,
            "melasma_in_area": melasma_in_area(intake, request.area)._value_,
        })
    return facts

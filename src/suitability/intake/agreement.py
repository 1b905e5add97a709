"""Answers checked against each other: which follow-ups are asked, and the contradictions an intake refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .fields import IntakeFields, field_meta
from .questions import OLDEST_DATE

# Follow-up -> {parent question: the parent's answers that ask it}, from each field's enable_when.
FOLLOW_UPS: dict[str, dict[str, list[str]]] = {
    name: dict(field_meta(name)["enable_when"]) for name in IntakeFields.model_fields
    if field_meta(name).get("enable_when")}


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def _answered(value: Any) -> bool:
    return value is not None and value != ()


def is_asked(name: str, answers: Mapping[str, Any]) -> bool:
    """Whether the form asks this question given the other answers: a top-level question always, a follow-up
    when a parent is asked and answered with a value that calls for it. `answers` maps field names to values
    (enum members or their text), as the intake holds them or as the form keeps them."""
    parents = FOLLOW_UPS.get(name)
    if not parents:
        return True
    return any(_text(answers.get(parent)) in values and is_asked(parent, answers)
               for parent, values in parents.items())


def unasked_follow_ups(answers: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """The follow-ups answered although no parent answer asks them, each with its parents' names; `answers`
    maps field names to values (enum members or their text)."""
    return [(name, tuple(parents)) for name, parents in FOLLOW_UPS.items()
            if _answered(answers.get(name)) and not is_asked(name, answers)]


def _date_fields() -> tuple[str, ...]:
    """The intake's date fields that must lie in the past, in the form's order."""
    def is_date(annotation: Any) -> bool:
        return annotation is dt.date or dt.date in getattr(annotation, "__args__", ())
    return tuple(name for name, info in IntakeFields.model_fields.items()
                 if is_date(info.annotation) and name not in ("screening_date", "appointment_date"))


_DATE_FIELDS = _date_fields()


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def disagreements(intake: IntakeFields, *, stored: bool) -> list[str]:
    """The contradictions among an intake's answers, each "<field>: <message>", naming fields, never values.

    stored: an intake read back from storage, checked as it was accepted then (no follow-up check, a year's
    slack between age and date of birth)."""
    errors: list[str] = []
    today = intake.screening_date
    answers = intake.__dict__  # the validated values (iterating the model itself is several times slower)
    for name in _DATE_FIELDS:
        value = answers[name]
        if not isinstance(value, dt.date):
            continue
        if value > today:
            errors.append(f"{name}: this date is after the date of the pre-screen (screening_date); "
                          "it must be on or before it")
        elif value < OLDEST_DATE:
            errors.append(f"{name}: this date is too long ago")
    if intake.appointment_date is not None and intake.appointment_date < today:
        errors.append("appointment_date: the appointment is before the date of the pre-screen (screening_date)")
    if intake.date_of_birth is not None:
        years = age_on(intake.date_of_birth, today)
        if years > 120:
            errors.append("date_of_birth: this date of birth gives an age over 120")
        elif intake.age is not None and (years != intake.age if not stored else abs(years - intake.age) > 1):
            errors.append("age: your age does not match your date of birth")
    if not stored:
        for name, parents in unasked_follow_ups(answers):
            asked_by = " or ".join(parents)
            errors.append(f"{name}: answered although your answer to {asked_by} does not ask it; remove "
                          f"this answer or change {asked_by}")
    if len(set(intake.treatments)) != len(intake.treatments):
        errors.append("treatments: the same area and concern are listed twice")
    return errors

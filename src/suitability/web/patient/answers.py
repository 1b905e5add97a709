"""Form data in, answers out: read one page, keep every answer, say what is wrong, build the Intake.

Answers are kept as JSON-ready values (the session stores them): choices and ISO dates as text, the age as an
int, melasma areas as a list, treatments as [area, concern] pairs. A follow-up whose parent does not call for
it is dropped here, whatever the browser sent, so a hidden or stale follow-up never reaches the screen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from ...intake import MAX_TREATMENTS, OLDEST_DATE, Intake, field_errors, parse_intake
from ..numbers import whole_number
from .grouping import details_page, read_group
from .questions import (
    AREA_OPTIONS,
    CONCERN_OPTIONS,
    PAGE_BY_SLUG,
    QUESTIONS,
    FormGroup,
    Page,
    Question,
    is_asked,
)

Answers = dict[str, Any]
# Stand-ins for required answers on later pages, so one page can be checked by the Intake model on its own.
PLACEHOLDERS: dict[str, Any] = {"setting": "clinic",
                                "treatments": [{"area": "forehead", "concern": "fine_lines"}]}
_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})\s*$")


FormData = MultiDict[str, str]


@dataclass
class PageResult:
    """The answers after reading a page, the errors by field name, and what to show again in each control."""

    answers: Answers
    errors: dict[str, str] = field(default_factory=dict)
    shown: dict[str, Any] = field(default_factory=dict)


def parse_date(text: str) -> dt.date | None:
    """ISO (what date inputs send) or day/month/year (typed where date inputs are not supported)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def read_page(page: Page, form: FormData, answers: Mapping[str, Any], today: dt.date) -> PageResult:
    """Read one screen's controls into a copy of the answers; check them, then check them as an Intake would.

    A main screen also reads any details question whose control was sent with it (a client that posts a
    whole page at once); one that was not sent keeps its answer, to be asked on the details screen."""
    result = PageResult(answers=dict(answers))
    read: list[Question] = []
    if not page.details:
        for group in page.groups:
            read_group(group, form, result.answers, result.errors, result.shown)
    for question in page.screen_questions():
        if is_asked(question, result.answers):
            _read(question, form, result, today)
            read.append(question)
    if not page.details and (more := details_page(page, result.answers)) is not None:
        for question in more.screen_questions():
            if is_asked(question, result.answers) and _posted(question, form):
                _read(question, form, result, today)
                read.append(question)
    base = PAGE_BY_SLUG[page.slug]
    for question in base.all_questions():
        if not is_asked(question, result.answers):
            result.answers.pop(question.name, None)
    if not result.errors:
        names = {q.name for q in read} | {q.name for g in page.groups for q in g.questions}
        for name, message in intake_errors(result.answers, today, placeholders=True).items():
            if name in names:
                result.errors[name] = message
    order = [b.key if isinstance(b, FormGroup) else b.name for b in page.blocks] + [q.name for q in read]
    result.errors = dict(sorted(result.errors.items(),  # in the order the screen shows them
                                key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
    return result


def _posted(question: Question, form: FormData) -> bool:
    return any(key == question.name or key.startswith(question.name + "-") for key in form)


def _read(q: Question, form: FormData, result: PageResult, today: dt.date) -> None:
    name, out, errors = q.name, result.answers, result.errors
    if q.kind == "choice":
        value = form.get(name, "")
        result.shown[name] = value
        if not value:
            out.pop(name, None)
            if q.required:
                errors[name] = "Select an answer" + (" (or ‘Not sure’)" if _has_not_sure(q) else "")
        elif value not in {o.value for o in q.options}:
            errors[name] = "Select one of the answers"
        else:
            out[name] = value
    elif q.kind == "date":
        text, parts = _date_text(q, form)
        result.shown[name] = parts if parts is not None else text
        day = parse_date(text) if text else None
        if not text:
            out.pop(name, None)
        elif parts is not None and not all(parts.values()):
            errors[name] = _("Enter a day, a month and a year")
        elif day is None:
            errors[name] = "Enter a real date, for example 27 3 2025 (day, month, year)"
        elif q.is_past_date and day > today:
            errors[name] = "The date must be today or in the past"
        elif day < OLDEST_DATE:
            errors[name] = "The date must be after 1900"
        elif not q.is_past_date and day < today:
            errors[name] = "The appointment must be today or later"
        else:
            out[name] = day.isoformat()
            result.shown[name] = day.isoformat()
    elif q.kind == "number":
        text = form.get(name, "").strip()
        result.shown[name] = text
        if not text:
            out.pop(name, None)
        elif (number := whole_number(text, 3)) is None:
            errors[name] = "Enter a whole number, like 34"
        else:
            out[name] = number
    elif q.kind == "areas":
        chosen = set(form.getlist(name))
        allowed = [o.value for o in AREA_OPTIONS]
        result.shown[name] = [v for v in allowed if v in chosen]
        if chosen - set(allowed):
            errors[name] = "Choose from the areas listed"
        else:
            out[name] = result.shown[name]
    elif q.kind == "treatments":
        _read_treatments(q, form, result)


def _date_text(q: Question, form: FormData) -> tuple[str, dict[str, str] | None]:
    """A date's text, and for a three-box date the boxes as typed (a single field is read as well)."""
    if not q.in_three_parts or q.name in form:
        return form.get(q.name, "").strip(), None
    parts = {part: form.get(f"{q.name}-{part}", "").strip()[:4] for part in ("day", "month", "year")}
    if not any(parts.values()):
        return "", parts
    return f"{parts['day']}/{parts['month']}/{parts['year']}", parts


def _read_treatments(q: Question, form: FormData, result: PageResult) -> None:
    areas, concerns = {o.value for o in AREA_OPTIONS}, {o.value for o in CONCERN_OPTIONS}
    rows: list[list[str]] = []
    shown: list[list[str]] = []
    for i in range(MAX_TREATMENTS):
        area, concern = form.get(f"{q.name}-{i}-area", ""), form.get(f"{q.name}-{i}-concern", "")
        if not area and not concern:
            continue
        shown.append([area, concern])
        if not area or not concern:
            message = f"Row {len(shown)}: choose both the area and what to improve there"
            result.errors.setdefault(q.name, message)
        elif area not in areas or concern not in concerns:
            result.errors.setdefault(q.name, "Choose from the areas and concerns listed")
        elif [area, concern] in rows:
            result.errors.setdefault(q.name, "You have chosen the same area and concern twice")
        else:
            rows.append([area, concern])
    result.shown[q.name] = shown
    if not shown:
        result.errors[q.name] = "Choose at least one area and what you would like to improve there"
    if rows:
        result.answers[q.name] = rows
    else:
        result.answers.pop(q.name, None)


def _has_not_sure(q: Question) -> bool:
    return any(o.value == "not_sure" for o in q.options)


def intake_data(answers: Mapping[str, Any], today: dt.date, *, placeholders: bool = False) -> dict[str, Any]:
    """The answers that apply, as JSON-like data for `parse_intake` (blank answers are left out)."""
    data: dict[str, Any] = {}
    for name, question in QUESTIONS.items():
        value = answers.get(name)
        if value in (None, "", []) or not is_asked(question, answers):
            continue
        if question.kind == "treatments":
            value = [{"area": area, "concern": concern} for area, concern in value]
        data[name] = value
    if placeholders:
        for name, value in PLACEHOLDERS.items():
            data.setdefault(name, value)
    data["screening_date"] = today.isoformat()
    return data


def intake_errors(answers: Mapping[str, Any], today: dt.date, *,
                  placeholders: bool = False) -> dict[str, str]:
    """What the Intake model refuses, by question name (first message each), never echoing an answer."""
    try:
        parse_intake(intake_data(answers, today, placeholders=placeholders))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for item in field_errors(exc):
            name = item["field"].split(".")[0]
            message = item["message"]
            errors.setdefault(name if name in QUESTIONS else "", message[:1].upper() + message[1:])
        return errors
    return {}


def to_intake(answers: Mapping[str, Any], today: dt.date) -> Intake:
    """The Intake of a complete set of answers; raises pydantic's ValidationError if they are not one."""
    return parse_intake(intake_data(answers, today))


def unanswered(answers: Mapping[str, Any]) -> list[Question]:
    """Required questions that apply and have no answer yet, in form order."""
    return [q for q in QUESTIONS.values() if q.required and is_asked(q, answers) and not answers.get(q.name)]

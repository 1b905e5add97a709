"""Checkbox groups and details screens: the boxes a patient ticked, the answers they give, and the questions
left for the page's details screen (a ticked box's follow-ups, the boxes not sure about, the age)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from .groups import ASKED_IF_BLANK, NONE, NOT_SURE
from .questions import PAGE_BY_SLUG, FormGroup, Page, Question, is_asked


def ticks(group: FormGroup, answers: Mapping[str, Any]) -> list[str]:
    """The boxes ticked in a group: as the patient last sent them, else as their answers say."""
    kept = answers.get(group.key)
    if isinstance(kept, list):
        return [str(v) for v in kept]
    values = [answers.get(name) for name in group.names]
    if any(v is None for v in values):
        return []
    out = [name for name in group.names if answers.get(name) == "yes"]
    if any(v == "not_sure" for v in values):
        out.append(NOT_SURE)
    return out or [NONE]


def one_by_one(group: FormGroup, answers: Mapping[str, Any]) -> tuple[Question, ...]:
    """The group's questions asked one by one: those left unticked beside "I am not sure about some"."""
    chosen = ticks(group, answers)
    if NOT_SURE not in chosen:
        return ()
    return tuple(q for q in group.questions if q.name not in chosen)


def read_group(group: FormGroup, form: MultiDict[str, str], answers: dict[str, Any], errors: dict[str, str],
               shown: dict[str, Any]) -> None:
    """Ticked boxes are "yes"; unticked ones "no" only beside a tick or "None of these" (never by default),
    or asked one by one when the patient is not sure about some."""
    chosen = form.getlist(group.key)
    before = ticks(group, answers)
    shown[group.key] = chosen
    allowed = {*group.names, NONE, NOT_SURE}
    error = None
    if not chosen:
        error = _("Select the ones that apply to you, or ‘None of these’")
    elif set(chosen) - allowed:
        error = _("Select from the answers listed")
    elif NONE in chosen and len(set(chosen)) > 1:
        error = _("Select ‘None of these’ on its own, or only the ones that apply to you")
    if error is not None:
        errors[group.key] = error
        answers.pop(group.key, None)
        for name in group.names:  # nothing is implied from a group the patient has not answered
            answers.pop(name, None)
        return
    unsure = NOT_SURE in chosen
    for name in group.names:
        if name in chosen:
            answers[name] = "yes"
        elif not unsure:
            answers[name] = "no"
        elif NOT_SURE not in before or name in before:  # not yet asked one by one
            answers.pop(name, None)
    answers[group.key] = [v for v in (*group.names, NOT_SURE, NONE) if v in chosen]


def details_page(page: Page, answers: Mapping[str, Any]) -> Page | None:
    """The details screen of a page for these answers, or None when there is nothing more to ask."""
    base = PAGE_BY_SLUG[page.slug]
    questions: list[Question] = []
    for group in base.groups:
        alone = one_by_one(group, answers)
        questions.extend(alone)
        for q in group.questions:
            if q not in alone:
                questions.extend(f for f in q.followups if is_asked(f, answers))
    for q in base.questions:
        if q.name in ASKED_IF_BLANK and is_asked(q, answers):
            questions.append(q)
    if not questions:
        return None
    return Page(base.slug, base.title, tuple(questions), details=True)

"""Where the patient goes: the screens in order for the answers so far, the one after and before a screen, the
first with a question still to answer, and the screen (and control) that holds a given answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .answers import unanswered
from .grouping import details_page, one_by_one
from .questions import GROUP_BY_KEY, PAGE_BY_SLUG, PAGE_OF, PAGE_OF_GROUP, PAGES


class Screen(NamedTuple):
    """A page's main screen, or its details screen."""

    slug: str
    details: bool = False


def screens(answers: Mapping[str, Any]) -> list[Screen]:
    """Every screen these answers call for, in order: each page, then its details screen if it has one."""
    out: list[Screen] = []
    for page in PAGES:
        out.append(Screen(page.slug))
        if details_page(page, answers) is not None:
            out.append(Screen(page.slug, True))
    return out


def after(screen: Screen, answers: Mapping[str, Any]) -> Screen | None:
    """The screen after this one (None: the check page)."""
    order = screens(answers)
    if screen in order:
        index = order.index(screen) + 1
    else:  # a details screen the answers no longer call for: on to the next page
        index = order.index(Screen(screen.slug)) + 1
    return order[index] if index < len(order) else None


def before(screen: Screen | None, answers: Mapping[str, Any]) -> Screen | None:
    """The screen before this one (None: the start page); `screen` None is the check page."""
    order = screens(answers)
    if screen is None:
        return order[-1]
    if screen not in order:
        screen = Screen(screen.slug)
    index = order.index(screen)
    return order[index - 1] if index else None


def holding(name: str, answers: Mapping[str, Any]) -> tuple[Screen, str]:
    """The screen where an answer (or a group's ticks) is given, and the id of its first control."""
    if name in GROUP_BY_KEY:
        return Screen(PAGE_OF_GROUP[name].slug), f"q-{name}"
    page = PAGE_OF.get(name, PAGES[-1])
    if name in {q.name for q in page.screen_questions()}:
        return Screen(page.slug), f"q-{name}"
    for group in page.groups:
        if name in group.names and name not in {q.name for q in one_by_one(group, answers)}:
            return Screen(page.slug), f"q-{group.key}"
    return Screen(page.slug, True), f"q-{name}"


def resume(answers: Mapping[str, Any]) -> Screen | None:
    """The first screen with a question still to answer (None: every answer is in, the check page)."""
    missing = {holding(q.name, answers)[0] for q in unanswered(answers)}
    return next((s for s in screens(answers) if s in missing), None)


def exists(screen: Screen, answers: Mapping[str, Any]) -> bool:
    """Whether these answers call for this screen (a details screen only when there is something to ask)."""
    return screen.slug in PAGE_BY_SLUG and (not screen.details or screen in screens(answers))

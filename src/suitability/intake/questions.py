"""Intake fields as questions: the form's topics, the question() field helper and the intake's limits.

Each field of the intake is also a question: its `title` is the question in plain words, its `description` the
help text, and `json_schema_extra` says the topic (the page of the form), when a follow-up is asked
(`enable_when`) and, for dates, whether a blank date means "still using it" (`blank_means`). The web form, the
JSON Schema and the FHIR Questionnaire are all generated from these definitions, so the question wording lives
in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from ..vocabulary import Answer

TOPICS: dict[str, str] = {
    "about_you": "About you",
    "pregnancy": "Pregnancy and breastfeeding",
    "skin_today": "Your skin today",
    "skin_history": "Your skin's history",
    "medicines": "Medicines and supplements",
    "recent": "Recent treatments and sun",
    "health": "Health conditions",
    "request": "What you want treated",
    "appointment": "Your appointment",
}

MAX_TREATMENTS = 12
OLDEST_DATE = dt.date(1900, 1, 1)


def question(
    text: str,
    topic: str,
    help: str | None = None,
    enable_when: dict[str, list[str]] | None = None,
    blank_means: str | None = None,
    default: Any = None,
) -> Any:
    """A field that is also a question on the form; see the module docstring."""
    extra: dict[str, Any] = {"topic": topic}
    if enable_when:
        extra["enable_when"] = enable_when
    if blank_means:
        extra["blank_means"] = blank_means
    return Field(default=default, title=text, description=help, json_schema_extra=extra)


def in_area(text: str) -> str:
    """A question about the skin asked of the area to be treated."""
    return f"{text} in or near the area you want treated?"


YES = [Answer.YES.value]  # the enable_when of a follow-up asked after a "yes"

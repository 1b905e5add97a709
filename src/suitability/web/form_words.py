"""The form's words that live in code rather than templates (each question, its hint, page titles, every answer's
label), as a Babel extractor: `pybabel extract` imports the form and puts them in messages.pot, so they are
translated through the catalogue like any template string and looked up with gettext when a page is shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from ..intake import TOPICS, TreatmentRequest
from ..wording.labels import LABELS
from .patient.questions import PAGES


def form_texts() -> list[tuple[str, str]]:
    """(where, text) for every word of the form held in code, each text once, in form order."""
    found: dict[str, str] = {}
    for page in PAGES:
        found.setdefault(str(page.title), f"page {page.slug}")
        for group in page.groups:
            found.setdefault(str(group.legend), f"group {group.key}")
        for question in page.all_questions():
            found.setdefault(question.text, f"question {question.name}")
            if question.help:
                found.setdefault(question.help, f"hint of {question.name}")
    for slug, title in TOPICS.items():  # the FHIR Questionnaire's groups are the intake's topics
        found.setdefault(str(title), f"topic {slug}")
    for name, info in TreatmentRequest.model_fields.items():  # the FHIR Questionnaire asks these one by one
        found.setdefault(info.title or name, f"treatment {name}")
        if info.description:
            found.setdefault(info.description, f"hint of treatment {name}")
    for enum, words in LABELS.items():
        for value, text in words.items():
            found.setdefault(text, f"answer {enum.__name__}.{value}")
    return [(where, text) for text, where in found.items()]


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extractor interface (babel.cfg `[extractors] form = ...`): the file itself is only the anchor."""
    for line, (where, text) in enumerate(form_texts(), start=1):
        yield line, "gettext", str(text), [where]  # page titles and legends are lazy strings


__all__ = ["extract", "form_texts"]

"""Spot a patient's answers in log records: an intake dumped as JSON, a dict, a model or a form, in a message,
its arguments or its exception. Used by tests/conftest.py on every test of the run (issue 6)."""

from __future__ import annotations

import logging
import re
from functools import cache

from suitability.intake import Intake


@cache
def dumped_answer() -> re.Pattern[str]:
    """`"pregnant": "no"`, `'pregnant': 'no'`, `pregnant='no'`, `date_of_birth=datetime.date(`, `('smoker', 'no')`:
    an answer with its value, as json.dumps, repr of a dict or a pydantic model, or a form's items print it."""
    names = "|".join(sorted(map(re.escape, Intake.model_fields), key=len, reverse=True))
    return re.compile(rf"""["']({names})["']\s*:\s*\S|\b({names})=(?:['"\d\[(<]|datetime|None)|\(['"]({names})['"],\s*['"]""")


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: message, raw arguments, exception chain."""
    parts = [str(record.msg), repr(record.args)]
    try:
        parts.append(record.getMessage())
    except (TypeError, ValueError):  # a badly formatted record: its raw parts are checked above
        parts.append("(message could not be formatted)")
    if record.exc_text:
        parts.append(record.exc_text)
    error = record.exc_info[1] if record.exc_info else None
    while error is not None:
        parts.append(f"{error!r} {error}")
        error = error.__cause__ or error.__context__
    return "\n".join(parts)


def leaks(records: list[logging.LogRecord]) -> list[str]:
    """`logger: excerpt` for each record that prints an answer with its value."""
    found = []
    for record in records:
        text = record_text(record)
        match = dumped_answer().search(text)
        if match:
            start = max(0, match.start() - 80)
            found.append(f"{record.name}: ...{text[start:match.end() + 40]}...")
    return found

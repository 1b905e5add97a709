"""Reading an intake: JSON in, an Intake or field errors out, never echoing what was sent."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from .model import Intake
from .unknown_fields import is_unknown_field, unknown_field


def parse_intake(data: Any, *, stored: bool = False) -> Intake:
    """Parse JSON text, bytes or JSON-like Python data in JSON mode: strict types, ISO dates, enum values.

    stored: an intake read back from storage, accepted under the checks of its day (see Intake._answers_agree)."""
    context = {"stored": True} if stored else None
    if isinstance(data, (str, bytes, bytearray)):
        return Intake.model_validate_json(data, context=context)
    try:
        text = json.dumps(data, default=str)
    except (RecursionError, TypeError, ValueError):  # too deep, circular, or keys that are not text
        raise ValidationError.from_exception_data("Intake", [{
            "type": "json_invalid", "loc": (), "input": "",
            "ctx": {"error": "not JSON data (too deeply nested, circular, or with keys that are not text)"}}]) from None
    return Intake.model_validate_json(text, context=context)


# The model validator joins its errors with "; ", each starting "<field>: "; a message may contain "; " too.
_BETWEEN_ERRORS = re.compile("; (?=(?:" + "|".join(map(re.escape, Intake.model_fields)) + "): )")


def field_errors(error: Any, data: Any = None) -> list[dict[str, str]]:
    """A pydantic ValidationError as [{field, message}], never echoing the patient's input, nor the name of a
    field that is not in the model (`data`, the parsed input, gives its position)."""
    out: list[dict[str, str]] = []
    for item in error.errors(include_input=False, include_url=False):
        where, message = (unknown_field(item["loc"], data) if is_unknown_field(item)
                          else (item["loc"], str(item["msg"])))
        loc = ".".join(str(p) for p in where)
        if not loc and message.startswith("Value error, "):
            for part in _BETWEEN_ERRORS.split(message.removeprefix("Value error, ")):
                name, _, text = part.partition(": ")
                out.append({"field": name, "message": text or part})
            continue
        out.append({"field": loc or "(intake)", "message": message})
    return out

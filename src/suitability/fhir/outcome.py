"""OperationOutcome: every problem with a posted resource, each naming where it is, never echoing the input."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome

from .. import vocabulary
from .codes import checked


class ResponseInvalid(ValueError):
    """A QuestionnaireResponse that cannot be screened; `outcome` is the OperationOutcome listing every issue."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        self.outcome = operation_outcome(errors)
        super().__init__(f"{len(errors)} problem(s) in the QuestionnaireResponse")


def operation_outcome(errors: Iterable[dict[str, str]], code: str = "invalid") -> dict[str, Any]:
    """[{field, message}] as an OperationOutcome; `field` (a linkId or element path) becomes the expression."""
    issues = [{"severity": "error", "code": code, "details": {"text": e["message"]},
               "expression": [e["field"]]} for e in errors]
    return checked(OperationOutcome, {"resourceType": "OperationOutcome", "issue": issues or [
        {"severity": "error", "code": code, "details": {"text": "The request could not be processed."}}]})


def _leaves(data: Any) -> Iterable[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from _leaves(value)
    elif data is not None and not isinstance(data, bool):
        yield str(data)


# Codes of the closed vocabularies are the API's own words (messages list them), not a patient's input.
_CODES = {str(m.value) for e in vars(vocabulary).values()
          if isinstance(e, type) and issubclass(e, Enum) and e is not Enum for m in e}


def redact(message: str, posted: Any) -> str:
    """A validator's message, whitespace tidied, with any value the client sent (a date, a number, a text that
    is not one of our codes) replaced by '[redacted]': error replies never quote a patient's answers."""
    text = re.sub(r"\s+", " ", message).strip().removeprefix("Value error, ")
    for leaf in sorted(set(_leaves(posted)) - _CODES, key=len, reverse=True):
        if len(leaf) >= 2 and leaf in text:
            text = re.sub(rf"(?<![\w-]){re.escape(leaf)}(?![\w-])", "[redacted]", text)
    return text


def element_path(loc: Iterable[Any], root: str = "QuestionnaireResponse") -> str:
    """A pydantic error location as a FHIR element path, e.g. QuestionnaireResponse.item[0].answer[1]."""
    path = root
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{'resourceType' if part == 'resource_type' else part}"
    return path

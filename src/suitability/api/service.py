"""Reading the API's and FHIR's requests: the screening envelope, its JSON, its idempotency key; every problem
is an InvalidRequest that never echoes an answer. Storing is `services.submission.submit`."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .. import clock, settings
from ..errors import SuitabilityError
from ..fhir.outcome import redact
from ..intake import Intake, field_errors, parse_intake
from ..intake.unknown_fields import UNKNOWN
from ..services.submission import body_hash

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces
ENVELOPE = {"intake", "store", "external_reference"}
# An integration's own id for a case: printable characters (any script), no control characters, kept short.
EXTERNAL_REFERENCE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


class InvalidRequest(SuitabilityError):
    """The request cannot be screened; `errors` lists every problem as {field, message}."""

    def __init__(self, status: int, errors: list[dict[str, str]]) -> None:
        self.status, self.errors = status, errors
        super().__init__(f"{len(errors)} problem(s) in the request")


@dataclass(frozen=True)
class ScreeningCall:
    """A parsed request: the intake, whether to store it, and the hash that makes a retry 'the same'."""

    intake: Intake
    store: bool
    digest: str
    external_reference: str | None = None


def parse_external_reference(value: object) -> str:
    """An integration's reference for a case, trimmed; ValueError (naming the rule, never the value) if unusable."""
    if not isinstance(value, str) or not EXTERNAL_REFERENCE.match(value.strip()):
        raise ValueError("must be text of 1 to 200 characters, without control characters")
    return value.strip()


def canonical_hash(document: Any) -> str:
    """sha256 of the JSON document in canonical form, so a retry that re-serialises the body still matches."""
    return body_hash(json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def intake_errors(exc: ValidationError, posted: Any, prefix: str = "") -> list[dict[str, str]]:
    return [{"field": prefix.rstrip(".") if prefix and e["field"] == "(intake)" else prefix + e["field"],
             "message": redact(e["message"], posted)} for e in field_errors(exc, posted)]


def read_json(raw: bytes | str) -> Any:
    """A JSON body as Python data. A whole number written with a fraction or exponent (30.0, 3e1) is read as
    the integer it is: JSON and JSON Schema make no difference between them, so neither does the API."""
    return json.loads(raw, parse_float=_number)


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= 2 ** 53 else value


def parse_screening(raw: bytes, zone: dt.tzinfo | None = None) -> ScreeningCall:
    """The POST /screenings body: {"intake": {...}, "store": false}; raises InvalidRequest with every error.
    The screening date is today in the clinic's zone unless the intake gives an earlier one (never a later)."""
    zone = zone if zone is not None else settings.clinic_zone()
    try:
        body = read_json(raw)
    except (ValueError, RecursionError):
        raise InvalidRequest(400, [{"field": "(body)", "message": "the body is not valid JSON"}]) from None
    if not isinstance(body, dict):
        raise InvalidRequest(422, [{"field": "(body)", "message": "send a JSON object: {\"intake\": {...}}"}])
    errors = [{"field": "(body)", "message": f"{UNKNOWN} (key {n} of the body); use 'intake', 'store' and "
                                            "'external_reference'"}
              for n, k in enumerate(body, 1) if k not in ENVELOPE]
    store = body.get("store", False)
    external: str | None = None
    if body.get("external_reference") is not None:
        try:
            external = parse_external_reference(body["external_reference"])
        except ValueError as exc:
            errors.append({"field": "external_reference", "message": str(exc)})
    if not isinstance(store, bool):
        errors.append({"field": "store", "message": "must be true or false"})
    intake: Intake | None = None
    if "intake" not in body:
        errors.append({"field": "intake", "message": "Field required"})
    elif not isinstance(body["intake"], dict):
        errors.append({"field": "intake", "message": "must be a JSON object of answers"})
    else:
        answers = dict(body["intake"])
        answers.setdefault("screening_date", clock.today(zone).isoformat())
        try:
            intake = parse_intake(answers)
            clock.check_screening_date(intake.screening_date, zone)
        except ValidationError as exc:
            intake = None
            errors += intake_errors(exc, body["intake"], "intake.")
        except ValueError as exc:  # a screening date later than today in the clinic's zone
            intake = None
            name, _, message = str(exc).partition(": ")
            errors.append({"field": f"intake.{name}", "message": message})
    if errors or intake is None:
        raise InvalidRequest(422, errors)
    return ScreeningCall(intake, bool(store), canonical_hash(body), external)


def check_idempotency_key(value: str | None) -> str | None:
    if value is not None and not IDEMPOTENCY_KEY.match(value):
        raise InvalidRequest(400, [{"field": "Idempotency-Key",
                                    "message": "1 to 100 printable ASCII characters without spaces"}])
    return value

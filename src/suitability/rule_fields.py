"""Validators for the values of a rule's keys (texts, outcome, wait, depth cap), shared by a rule and its less
strict reading. Each problem names the file, the rule and the key."""

from __future__ import annotations

from typing import Any

from .conditions import parse_period, suggest
from .errors import RuleFileError
from .facts import FIELDS
from .rule import Wait
from .vocabulary import Outcome


def texts(raw: Any, where: dict[str, Any], key: str) -> tuple[str, ...]:
    """A text or a list of non-empty texts."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(i, str) and i.strip() for i in items):
        raise RuleFileError(f"'{key}' must be a list of non-empty texts", **where, field=key)
    return tuple(items)


def text(raw: Any, where: dict[str, Any], key: str) -> str:
    """One non-empty text, stripped."""
    if not isinstance(raw, str) or not raw.strip():
        raise RuleFileError(f"'{key}' must be text", **where, field=key)
    return raw.strip()


def outcome(raw: Any, where: dict[str, Any], key: str = "outcome") -> Outcome:
    try:
        return Outcome(raw)
    except ValueError:
        raise RuleFileError(f"{raw!r} is not an outcome", **where, field=key,
                            suggestion=suggest(raw, [o.value for o in Outcome])) from None


def wait(raw: Any, where: dict[str, Any], topic: str, key: str = "wait") -> Wait:
    """{after: <date field>, days|weeks|months: N}; the date must be on the rule's own fact (its topic), or the
    compiled rule would test a field its fact never carries and silently never match."""
    if not isinstance(raw, dict) or "after" not in raw or len(raw) != 2:
        raise RuleFileError("use wait: {after: <date field>, days|weeks|months: N}", **where, field=key)
    after = str(raw["after"])
    if after not in FIELDS or FIELDS[after].kind != "date":
        raise RuleFileError(f"{after!r} is not a date field", **where, field=key,
                            suggestion=suggest(after, [n for n, f in FIELDS.items() if f.kind == "date"]))
    if FIELDS[after].topic != topic:
        same = [n for n, f in FIELDS.items() if f.kind == "date" and f.topic == topic]
        raise RuleFileError(f"{after!r} is a {FIELDS[after].topic} date; this rule tests {topic} fields, so its "
                            f"wait must count from a {topic} date", **where, field=key,
                            suggestion=suggest(after, same))
    (unit, n), = ((k, v) for k, v in raw.items() if k != "after")
    return Wait(after, parse_period({unit: n}, {**where, "field": key}))


def depth_cap(raw: Any, where: dict[str, Any], per_treatment: bool, key: str = "depth_cap_mm") -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 < raw <= 3:
        raise RuleFileError("depth_cap_mm must be a number of mm between 0 and 3", **where, field=key)
    if not per_treatment:
        raise RuleFileError("a depth cap needs a test on a treatment field (area, concern, region...)",
                            **where, field=key)
    return float(raw)

"""Validators for the values of a rule's keys (texts, outcome, wait, depth cap), each problem named.

They are shared by a rule and its less strict reading; each problem names the file, the rule and the key."""

from __future__ import annotations

from typing import Any

from ..errors import RuleFileError
from ..intake.facts import FIELDS
from ..vocabulary import Outcome
from .conditions import parse_period, suggest
from .model import LAPSES, STANDS, Wait

WAIT_FORM = "use wait: {after: <date field>, days|weeks|months: N, once_passed: stands|lapses}"


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
    """A rule's outcome, one of the vocabulary's, else an error naming the key."""
    try:
        return Outcome(raw)
    except ValueError:
        raise RuleFileError(f"{raw!r} is not an outcome", **where, field=key,
                            suggestion=suggest(raw, [o.value for o in Outcome])) from None


def wait(raw: Any, where: dict[str, Any], topic: str, key: str = "wait", inherits: Wait | None = None) -> Wait:
    """{after: <date field>, days|weeks|months: N, once_passed: stands|lapses}; the date must be on the rule's
    own fact (its topic), or the compiled rule would test a field its fact never carries and silently never
    match. `once_passed` is required on a rule's wait; a less strict reading's wait (`inherits`: the rule's)
    takes the rule's unless it repeats it."""
    if not isinstance(raw, dict) or "after" not in raw:
        raise RuleFileError(WAIT_FORM, **where, field=key)
    raw = dict(raw)
    once = raw.pop("once_passed", None)
    if len(raw) != 2:
        raise RuleFileError(WAIT_FORM, **where, field=key)
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
    if once is None and inherits is None:
        raise RuleFileError(
            "say what the wait does once it has passed: 'once_passed: stands' (the rule still applies and its "
            "instructions still stand, as for a precaution) or 'once_passed: lapses' (the rule no longer "
            "applies, as for a deferral)", **where, field=f"{key}.once_passed")
    if once is not None and once not in (STANDS, LAPSES):
        raise RuleFileError("once_passed must be 'stands' or 'lapses'", **where, field=f"{key}.once_passed",
                            suggestion=suggest(str(once), [STANDS, LAPSES]))
    if once is not None and inherits is not None and once != inherits.once_passed:
        raise RuleFileError(f"a less strict reading keeps the rule's 'once_passed: {inherits.once_passed}'",
                            **where, field=f"{key}.once_passed")
    stands = once == STANDS if once is not None else bool(inherits and inherits.stands)
    return Wait(after, parse_period({unit: n}, {**where, "field": key}), stands)


def check_wait_kind(outcome: Outcome | None, wait: Wait | None, where: dict[str, Any], key: str = "wait") -> None:
    """A precaution's wait stands once passed (its instructions still apply: clinical-rules.md §1); any other
    rule's wait lapses (a deferral whose wait has passed no longer defers)."""
    if wait is None:
        return
    if outcome is Outcome.SUITABLE_WITH_PRECAUTIONS and not wait.stands:
        raise RuleFileError(
            "a precaution's wait must be 'once_passed: stands': with 'lapses' the precaution and its "
            "instructions would be lost once the wait has passed", **where, field=f"{key}.once_passed")
    if outcome is not Outcome.SUITABLE_WITH_PRECAUTIONS and wait.stands:
        shown = outcome.value if outcome is not None else "no outcome"
        raise RuleFileError(
            f"a rule with {shown} must have 'once_passed: lapses': its wait ends what it decides (a deferral "
            "whose wait has passed no longer defers)", **where, field=f"{key}.once_passed")


def depth_cap(raw: Any, where: dict[str, Any], per_treatment: bool, key: str = "depth_cap_mm") -> float:
    """A depth cap in mm, above 0 and at most 3, else an error naming the key."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 < raw <= 3:
        raise RuleFileError("depth_cap_mm must be a number of mm between 0 and 3", **where, field=key)
    if not per_treatment:
        raise RuleFileError("a depth cap needs a test on a treatment field (area, concern, region...)",
                            **where, field=key)
    return float(raw)

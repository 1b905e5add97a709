"""Parse and validate the tests in a rule's `when`: field names and values checked against the intake."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from ..errors import RuleFileError
from ..intake.facts import FIELDS, TREATMENT

NUMERIC_OPS = {"below": "lt", "at_most": "lte", "above": "gt", "at_least": "gte"}
_PERIOD = re.compile(r"^\s*(\d{1,4})\s*(day|days|week|weeks|month|months)\s*$")


@dataclass(frozen=True)
class Test:
    """One test on one fact field. `op` is eq, in, not_in, lt, lte, gt, gte, within_days, within_months,
    missing."""

    field: str
    op: str
    value: Any = None

    @property
    def fact_field(self) -> str:
        """The field name in the engine's fact (dates are matched on their elapsed days or months)."""
        if self.op == "within_months":
            return f"{self.field}__months"
        if self.op in ("within_days", "missing") and FIELDS[self.field].kind == "date":
            return f"{self.field}__days"
        return self.field


@dataclass(frozen=True)
class Period:
    """A wait length: days or calendar months (weeks are 7 days)."""

    days: int = 0
    months: int = 0

    def __str__(self) -> str:
        if self.months:
            return f"{self.months} month{'s' * (self.months != 1)}"
        if self.days % 7 == 0 and self.days >= 14:
            return f"{self.days // 7} weeks"
        return f"{self.days} day{'s' * (self.days != 1)}"


def parse_period(raw: Any, where: dict[str, Any]) -> Period:
    """'30 days', '4 weeks', '6 months' or a mapping {days: 30}."""
    if isinstance(raw, dict) and len(raw) == 1:
        (unit, n), = raw.items()
        raw = f"{n} {unit}"
    m = _PERIOD.match(str(raw))
    if not m or int(m.group(1)) <= 0:
        raise RuleFileError(f"{raw!r} is not a period such as '30 days', '4 weeks' or '6 months'", **where)
    n, unit = int(m.group(1)), m.group(2)
    if unit.startswith("month"):
        return Period(months=n)
    return Period(days=n * 7 if unit.startswith("week") else n)


def suggest(name: str, options: Any) -> str | None:
    """The closest option to a misspelt name, for a "did you mean", or None."""
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.6)
    return close[0] if close else None


def parse_when(raw: Any, where: dict[str, Any]) -> tuple[Test, ...]:
    """A mapping of field -> test, all of which must hold."""
    if not isinstance(raw, dict) or not raw:
        raise RuleFileError("'when' must be a non-empty mapping of field: test", **where)
    tests: list[Test] = []
    for name, spec in raw.items():
        name = str(name)
        info = FIELDS.get(name)
        if info is None:
            raise RuleFileError("unknown field", **where, field=name, suggestion=suggest(name, FIELDS))
        tests.extend(_parse_test(name, spec, {**where, "field": name}))
    topics = {FIELDS[t.field].topic for t in tests} - {"*"}
    if len(topics) > 1:
        raise RuleFileError(f"a rule may test fields of one topic only, not {sorted(topics)}", **where)
    return tuple(tests)


def _choice(name: str, value: Any, where: dict[str, Any]) -> str:
    allowed = FIELDS[name].values
    if isinstance(value, bool):  # only true/false can reach here; yes/no stay text
        value = "yes" if value else "no"
    text = str(value)
    if text not in allowed:
        raise RuleFileError(f"{text!r} is not one of {list(allowed)}", **where, suggestion=suggest(text, allowed))
    return text


def _parse_test(name: str, spec: Any, where: dict[str, Any]) -> list[Test]:
    kind = FIELDS[name].kind
    if kind == "choice":
        if isinstance(spec, list):
            if not spec:
                raise RuleFileError("an empty list matches nothing", **where)
            return [Test(name, "in", tuple(_choice(name, v, where) for v in spec))]
        if isinstance(spec, dict):
            if set(spec) != {"not"}:
                raise RuleFileError(f"unknown test {sorted(spec)}; use a value, a list or {{not: [...]}}", **where)
            values = spec["not"] if isinstance(spec["not"], list) else [spec["not"]]
            return [Test(name, "not_in", tuple(_choice(name, v, where) for v in values))]
        return [Test(name, "eq", _choice(name, spec, where))]
    if not isinstance(spec, dict):
        raise RuleFileError(f"a {kind} field needs a test such as {{within: 30 days}} or {{below: 18}}", **where)
    tests: list[Test] = []
    for op, value in spec.items():
        if op == "missing":
            if value is not True:
                raise RuleFileError("use 'missing: true'", **where)
            tests.append(Test(name, "missing"))
        elif kind == "date" and op == "within":
            period = parse_period(value, where)
            tests.append(Test(name, "within_months", period.months) if period.months
                         else Test(name, "within_days", period.days))
        elif kind == "int" and op in NUMERIC_OPS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise RuleFileError(f"{op} needs a whole number, not {value!r}", **where)
            tests.append(Test(name, NUMERIC_OPS[op], value))
        else:
            allowed = ["within", "missing"] if kind == "date" else [*NUMERIC_OPS, "missing"]
            raise RuleFileError(f"unknown test {op!r} for a {kind} field", **where, suggestion=suggest(op, allowed))
    return tests


def is_treatment_rule(tests: tuple[Test, ...]) -> bool:
    """Whether a group of tests looks at a requested treatment (area, concern) rather than the whole person."""
    return any(FIELDS[t.field].topic == TREATMENT for t in tests)


def topic_of(tests: tuple[Test, ...]) -> str:
    """The fact a rule matches: its fields' topic, or the screening fact for setting/modality only."""
    topics = {FIELDS[t.field].topic for t in tests} - {"*"}
    return topics.pop() if topics else "screening"

"""A small, independent evaluator of the parsed rules: the oracle the durable-rules path is checked against.

It reads the same validated `Rule` objects and the same facts (`facts.intake_to_facts`), but shares nothing with
`compiler.py` or `engine.py`: it re-derives each wait's condition from `rule.wait`, and it looks every field up
by meaning (any fact of the screening, plus the treatment's own fact) rather than in the one fact the compiler
chose. It returns the (rule id, treatment index) pairs that `Engine.match` should report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from suitability.intake.facts import FIELDS
from suitability.rules.conditions import Test
from suitability.rules.loading import Rule, RuleSet

Match = tuple[str, int | None]
_ABSENT = object()


def _elapsed(view: Mapping[str, Any], field: str, unit: str) -> Any:
    """Days or whole months since a date the patient gave; absent when no date (and no "still using")."""
    return view.get(f"{field}__{unit}", _ABSENT)


def holds(test: Test, view: Mapping[str, Any]) -> bool:
    """Whether one test holds on the facts. An absent value satisfies only `missing`."""
    kind = FIELDS[test.field].kind
    if test.op == "missing":
        return (_elapsed(view, test.field, "days") if kind == "date" else view.get(test.field, _ABSENT)) is _ABSENT
    if test.op in ("within_days", "within_months"):
        elapsed = _elapsed(view, test.field, "days" if test.op == "within_days" else "months")
        return elapsed is not _ABSENT and elapsed < test.value
    value = view.get(test.field, _ABSENT)
    if value is _ABSENT:
        return False
    if test.op == "eq":
        return type(value) is type(test.value) and value == test.value
    if test.op == "in":
        return value in test.value
    if test.op == "not_in":
        return value not in test.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return {"lt": value < test.value, "lte": value <= test.value,
            "gt": value > test.value, "gte": value >= test.value}[test.op]


def wait_condition(rule: Rule) -> tuple[Test, ...]:
    """A wait that lapses is itself a condition: the rule holds only while the wait is still running at the
    reference date. A wait that stands (a precaution) is no condition: the rule holds once it has passed too."""
    if rule.wait is None or rule.wait.stands:
        return ()
    period = rule.wait.period
    if period.months:
        return (Test(rule.wait.after, "within_months", period.months),)
    return (Test(rule.wait.after, "within_days", period.days),)


def _on_treatment(group: Iterable[Test]) -> bool:
    return any(FIELDS[t.field].topic == "treatment" for t in group)


def evaluate(ruleset: RuleSet, facts: list[dict[str, Any]]) -> frozenset[Match]:
    """Every (rule id, treatment index) whose conditions hold; treatment index None for whole-person rules."""
    person: dict[str, Any] = {}
    treatments: list[dict[str, Any]] = []
    for fact in facts:
        if fact["t"] == "treatment":
            treatments.append(fact)
        else:
            person.update((k, v) for k, v in fact.items() if k != "t")
    matched: set[Match] = set()
    for rule in ruleset.rules:
        if rule.system:
            continue
        for group in rule.alternatives:
            tests = group + wait_condition(rule)
            if _on_treatment(tests):
                for fact in treatments:
                    view = {**person, **fact}
                    if all(holds(t, view) for t in tests):
                        matched.add((rule.id, fact["idx"]))
            elif all(holds(t, person) for t in tests):
                matched.add((rule.id, None))
    return frozenset(matched)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start to end, written independently of facts.py (for its own test)."""
    import calendar

    months = (end.year - start.year) * 12 + end.month - start.month
    if months <= 0:
        return 0
    # start + months lands on the same day, or the month's last day when that day does not exist
    year, month = divmod(start.month - 1 + months, 12)
    landing = min(start.day, calendar.monthrange(start.year + year, month + 1)[1])
    return months - 1 if landing > end.day else months

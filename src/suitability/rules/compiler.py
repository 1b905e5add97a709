"""Compile validated rules into a durable_rules ruleset definition (plain JSON data, no Python actions).

Shaped by what a screening costs in durable-rules (docs/performance.md): every `$or` fires its action once per
true branch, so a list of values is written as "none of the other values" (the fields are closed vocabularies
and always present in the facts), and one catch-all rule on the screening fact (asserted in every screening)
guarantees the one action per session that delete_state needs.
"""

from __future__ import annotations

from typing import Any

from ..intake.facts import FIELDS, SCREENING
from .conditions import Test
from .model import Rule, RuleSet

CATCH_ALL = "_seen"  # the catch-all rule: matches the screening fact, so every screening runs an action


def compile_test(test: Test) -> list[dict[str, Any]]:
    """One test as the conditions it adds to its rule's `$and` (a list of values: the others excluded)."""
    field = test.fact_field
    if test.op == "eq":
        return [{field: test.value}]
    if test.op == "in":
        others = [v for v in FIELDS[test.field].values if v not in test.value]
        return [{"$neq": {field: v}} for v in others] or [{"$ex": {field: 1}}]
    if test.op == "not_in":
        return [{"$neq": {field: v}} for v in test.value]
    if test.op in ("lt", "lte", "gt", "gte"):
        return [{f"${test.op}": {field: test.value}}]
    if test.op in ("within_days", "within_months"):
        return [{"$lt": {field: test.value}}]
    if test.op == "missing":
        return [{"$nex": {field: 1}}]
    raise ValueError(f"unknown test operator {test.op!r}")


def wait_test(rule: Rule) -> Test | None:
    """A wait that lapses implies its own condition: the rule matches only while the wait is running. A wait
    that stands adds none: the rule matches whether or not its wait has passed."""
    if rule.wait is None or rule.wait.stands:
        return None
    if rule.wait.period.months:
        return Test(rule.wait.after, "within_months", rule.wait.period.months)
    return Test(rule.wait.after, "within_days", rule.wait.period.days)


def rule_groups(rule: Rule) -> tuple[tuple[Test, ...], ...]:
    """The rule's AND-groups with its wait condition added to each."""
    extra = wait_test(rule)
    return tuple(group + ((extra,) if extra else ()) for group in rule.alternatives)


def compile_rule(rule: Rule) -> dict[str, Any]:
    """Every condition starts with the fact's topic tag, so no rule can match the engine's state fact."""
    groups = [[c for t in group for c in compile_test(t)] for group in rule_groups(rule)]
    body: list[dict[str, Any]] = [{"t": rule.topic}]
    if len(groups) == 1:
        body.extend(groups[0])
    else:
        body.append({"$or": [{"$and": g} for g in groups]})
    return {"all": [{"m": {"$and": body}}]}


def fact_fields(ruleset: RuleSet) -> dict[str, frozenset[str]]:
    """Per fact topic, the fields some rule tests: the only ones the engine needs to see."""
    fields: dict[str, set[str]] = {}
    for rule in ruleset.matchable:
        for group in rule_groups(rule):
            fields.setdefault(rule.topic, set()).update(t.fact_field for t in group)
    return {topic: frozenset(names) for topic, names in fields.items()}


def compile_ruleset(ruleset: RuleSet) -> dict[str, Any]:
    """The definition for durable_rules_engine.create_ruleset, plus the catch-all (see matching/engine.py)."""
    definition = {rule.id: compile_rule(rule) for rule in ruleset.matchable}
    definition[CATCH_ALL] = {"all": [{"m": {"t": SCREENING}}]}
    return definition

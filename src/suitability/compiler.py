"""Compile validated rules into a durable_rules ruleset definition (plain JSON data, no Python actions)."""

from __future__ import annotations

from typing import Any

from .conditions import Test
from .facts import SCREENING, TOPICS, TREATMENT
from .rule import Rule, RuleSet

CATCH_ALL = "_seen"  # prefix of the catch-all rules, one per fact type


def compile_test(test: Test) -> dict[str, Any]:
    field = test.fact_field
    if test.op == "eq":
        return {field: test.value}
    if test.op == "in":
        if len(test.value) == 1:
            return {field: test.value[0]}
        return {"$or": [{field: v} for v in test.value]}
    if test.op == "not_in":
        return {"$and": [{"$neq": {field: v}} for v in test.value]}
    if test.op in ("lt", "lte", "gt", "gte"):
        return {f"${test.op}": {field: test.value}}
    if test.op in ("within_days", "within_months"):
        return {"$lt": {field: test.value}}
    if test.op == "missing":
        return {"$nex": {field: 1}}
    raise ValueError(f"unknown test operator {test.op!r}")


def wait_test(rule: Rule) -> Test | None:
    """A wait implies its own condition: the rule matches only while the wait is running."""
    if rule.wait is None:
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
    groups = [[compile_test(t) for t in group] for group in rule_groups(rule)]
    body: list[dict[str, Any]] = [{"t": rule.topic}]
    if len(groups) == 1:
        body.extend(groups[0])
    else:
        body.append({"$or": [{"$and": g} for g in groups]})
    return {"all": [{"m": {"$and": body}}]}


def compile_ruleset(ruleset: RuleSet) -> dict[str, Any]:
    """The definition for durable_rules_engine.create_ruleset, plus one catch-all per fact type, so every
    asserted fact is handled and every screening runs at least one action (see engine.py)."""
    definition = {rule.id: compile_rule(rule) for rule in ruleset.matchable}
    for fact_type in (SCREENING, TREATMENT, *TOPICS):
        definition[f"{CATCH_ALL}-{fact_type}"] = {"all": [{"m": {"t": fact_type}}]}
    return definition

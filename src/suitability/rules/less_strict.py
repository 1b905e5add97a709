"""The less strict reading of a disputed rule: validated at load, applied by the `standard` profile.

A reading may change the outcome, the wait (or drop it: `wait: none`), the depth cap, what the patient is told
(`patient`), what to wait for (`wait_for`, or `none`) and the instructions, or drop the rule. It can never be
stricter than the rule it relaxes: `standard` must never screen a patient more strictly than `conservative`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import RuleFileError
from . import fields as rule_fields
from .conditions import Test, suggest
from .model import Rule, Wait

KEYS = {"reading", "held_by", "outcome", "wait", "depth_cap_mm", "drop", "patient", "wait_for", "instructions"}
EFFECTS = KEYS - {"reading", "held_by"}
NONE = "none"  # `wait: none`, `wait_for: none`: the reading has no wait


def check(rule: Rule) -> None:
    """Validate `rule.less_strict` against the rule it relaxes; raise RuleFileError naming less_strict.<key>."""
    less = rule.less_strict
    where: dict[str, Any] = {"file": rule.file, "rule_id": rule.id}
    if not isinstance(less, dict) or not {"reading", "held_by"} <= set(less):
        raise RuleFileError("less_strict needs 'reading' and 'held_by'", **where, field="less_strict")
    for key in less:
        if key not in KEYS:
            raise RuleFileError("unknown key in less_strict", **where, field=str(key), suggestion=suggest(key, KEYS))
    for key in ("reading", "held_by"):
        rule_fields.text(less[key], where, f"less_strict.{key}")
    if "drop" in less:
        if less["drop"] is not True:
            raise RuleFileError("use 'drop: true'", **where, field="less_strict.drop")
        if set(less) & EFFECTS - {"drop"}:
            raise RuleFileError("a dropped rule has no other effect", **where, field="less_strict.drop")
    if "outcome" in less:
        relaxed = rule_fields.outcome(less["outcome"], where, "less_strict.outcome")
        if relaxed.value == "suitable":
            raise RuleFileError("use 'drop: true' for a reading that clears the patient", **where,
                                field="less_strict.outcome")
        if rule.outcome is None or relaxed.severity > rule.outcome.severity:
            raise RuleFileError(f"{relaxed.value!r} is stricter than the rule's outcome", **where,
                                field="less_strict.outcome")
    if less.get("wait") not in (None, NONE):
        shorter = rule_fields.wait(less["wait"], where, rule.topic, "less_strict.wait", inherits=rule.wait)
        if rule.wait is not None and (shorter.after != rule.wait.after or _longer(shorter, rule.wait)):
            raise RuleFileError(f"the wait must count from {rule.wait.after} and be no longer than "
                                f"{rule.wait.period}", **where, field="less_strict.wait")
    if "depth_cap_mm" in less:
        cap = rule_fields.depth_cap(less["depth_cap_mm"], where, rule.per_treatment, "less_strict.depth_cap_mm")
        if rule.depth_cap_mm is None or cap < rule.depth_cap_mm:
            raise RuleFileError("a less strict depth cap cannot be below the rule's", **where,
                                field="less_strict.depth_cap_mm")
    if "patient" in less:
        rule_fields.text(less["patient"], where, "less_strict.patient")
    if "wait_for" in less:
        rule_fields.text(less["wait_for"], where, "less_strict.wait_for")
    if "instructions" in less and not isinstance(less["instructions"], list):
        raise RuleFileError("'less_strict.instructions' must be a list (may be empty)", **where,
                            field="less_strict.instructions")
    rule_fields.texts(less.get("instructions"), where, "less_strict.instructions")
    relaxed_rule = apply_profile(rule, "standard")
    if relaxed_rule is not None:  # the reading's outcome and wait together obey the rule's own constraint
        rule_fields.check_wait_kind(relaxed_rule.outcome, relaxed_rule.wait, where, "less_strict.wait")


def _longer(wait: Wait, than: Wait) -> bool:
    """Whether `wait` can last longer than `than` (a month is 28 to 31 days)."""
    mine, theirs = wait.period, than.period
    if mine.months and theirs.months:
        return mine.months > theirs.months
    return (mine.months * 31 or mine.days) > (theirs.months * 28 or theirs.days)


def apply_profile(rule: Rule, profile: str) -> Rule | None:
    """The `standard` profile takes each disputed rule's less strict reading (None: the rule is dropped)."""
    if profile == "conservative" or not rule.less_strict:
        return rule
    less = rule.less_strict
    if less.get("drop") is True:
        return None
    where = {"file": rule.file, "rule_id": rule.id}
    changes: dict[str, Any] = {}
    if "outcome" in less:
        changes["outcome"] = rule_fields.outcome(less["outcome"], where)
    if "wait" in less:
        changes["wait"] = None if less["wait"] == NONE else rule_fields.wait(
            less["wait"], where, rule.topic, inherits=rule.wait)
        if changes["wait"] is None and rule.wait is not None and not rule.wait.stands:
            # "no wait" drops the deferral date, not the window the dispute is about: the less strict reading
            # applies where the conservative one would, so `standard` is never stricter than `conservative`.
            changes["alternatives"] = _with_window(rule.alternatives, rule.wait)
    if "depth_cap_mm" in less:
        changes["depth_cap_mm"] = float(less["depth_cap_mm"])
    if "patient" in less:
        changes["patient"] = less["patient"].strip()
    if "wait_for" in less:
        changes["wait_for"] = None if less["wait_for"].strip() == NONE else less["wait_for"].strip()
    if "instructions" in less:
        changes["instructions"] = tuple(less["instructions"])
    return replace(rule, **changes)


def _with_window(alternatives: tuple[tuple[Test, ...], ...], wait: Wait) -> tuple[tuple[Test, ...], ...]:
    """Each AND-group with the wait's window added as an explicit test (as the compiler adds it for a wait)."""
    period = wait.period
    window = (Test(wait.after, "within_months", period.months) if period.months
              else Test(wait.after, "within_days", period.days))
    return tuple(group + (window,) for group in alternatives)

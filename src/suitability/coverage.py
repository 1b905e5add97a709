"""Cross-checks on a whole rule set that keep it fail-safe and inside the engine's measured limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import RuleFileError
from .facts import FIELDS, TREATMENT
from .intake import field_meta
from .vocabulary import Answer, Area, Concern, Outcome

if TYPE_CHECKING:
    from .ruleset import Rule, RuleSet

SCREEN_FAILED = "automatic-screen-failed"
MAX_RULES_PER_FACT = 60  # durable-rules fails with error 303 past 64 simultaneous matches on one fact
UNSURE = Answer.NOT_SURE.value


def _accepts(rule: Rule, field: str, value: str) -> bool:
    for group in rule.alternatives:
        for test in group:
            if test.field != field:
                continue
            if (test.op == "eq" and test.value == value) or (test.op == "in" and value in test.value):
                return True
    return False


def check_coverage(ruleset: RuleSet) -> None:
    """Unknown is never safe; every area and concern has a cap; no fact can meet too many rules."""
    rules = ruleset.matchable
    if not any(r.id == SCREEN_FAILED and r.system for r in ruleset.rules):
        raise RuleFileError(f"the system rule {SCREEN_FAILED!r} is missing", field="id")
    for name, info in FIELDS.items():
        if info.kind != "choice" or info.topic in ("*", TREATMENT) or UNSURE not in info.values:
            continue
        if not any(_accepts(r, name, UNSURE) and r.outcome is not None
                   and r.outcome.severity >= Outcome.REVIEW.severity for r in rules):
            enable = field_meta(name).get("enable_when")
            hint = f" (asked when {enable})" if enable else ""
            raise RuleFileError(f"no rule sends a 'not sure' answer to review{hint}; unknown is never safe",
                                field=name)
    capped = [r for r in rules if r.depth_cap_mm is not None]
    for area in Area:
        if not any(_accepts(r, "area", area.value) for r in capped):
            raise RuleFileError("no depth cap for this area", field="area", suggestion=None,
                                rule_id=f"area={area.value}")
    for concern in Concern:
        if not any(_accepts(r, "concern", concern.value) for r in capped):
            raise RuleFileError("no depth cap for this concern", field="concern", rule_id=f"concern={concern.value}")
    per_topic: dict[str, int] = {}
    for rule in rules:
        per_topic[rule.topic] = per_topic.get(rule.topic, 0) + 1
    for topic, count in per_topic.items():
        if count > MAX_RULES_PER_FACT:
            raise RuleFileError(f"{count} rules test the {topic!r} fact; the engine allows at most "
                                f"{MAX_RULES_PER_FACT}: split the topic", field=topic)

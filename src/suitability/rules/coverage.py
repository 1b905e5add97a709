"""Cross-checks on a whole rule set that keep it fail-safe and inside the engine's measured limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import RuleFileError
from ..intake import field_meta
from ..intake.facts import ALL_CLEAR, FIELDS, TREATMENT
from ..vocabulary import Answer, Area, Concern, Outcome
from .conditions import suggest

if TYPE_CHECKING:
    from .model import Rule, RuleSet

SCREEN_FAILED = "automatic-screen-failed"
MAX_RULES_PER_FACT = 60  # durable-rules fails with error 303 past 64 simultaneous matches on one fact
UNSURE = Answer.NOT_SURE.value
NEUTRAL_KEY = "neutral_answers"  # in ruleset.yaml: field -> answer -> why no rule needs to act on it
DATE_GIVEN = "date"  # the name of "a date was given" for a date field in neutral_answers
Neutral = dict[tuple[str, str], str]


def _accepts(rule: Rule, field: str, value: str) -> bool:
    for group in rule.alternatives:
        for test in group:
            if test.field != field:
                continue
            if (test.op == "eq" and test.value == value) or (test.op == "in" and value in test.value):
                return True
    return False


def answers_to_cover() -> dict[str, tuple[str, ...]]:
    """Every question and each answer other than its all-clear one and "not sure" (covered apart): the
    answers that must reach a rule. A date field's answer is "date" (a date was given)."""
    found: dict[str, tuple[str, ...]] = {}
    for name, info in FIELDS.items():
        if info.topic == TREATMENT:
            continue
        if info.kind == "date":
            found[name] = (DATE_GIVEN,)
        elif info.kind == "choice":
            clear = "no" if "no" in info.values else ALL_CLEAR.get(name)
            found[name] = tuple(v for v in info.values if v not in (clear, UNSURE))
    return found


def parse_neutral(raw: Any, file: str) -> Neutral:
    """ruleset.yaml's `neutral_answers`: {field: {answer: reason}}. Unknown fields and answers, the all-clear
    answer, "not sure" and a missing reason are refused by name."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RuleFileError("must map a field to {answer: reason}", file=file, field=NEUTRAL_KEY)
    covered = answers_to_cover()
    neutral: Neutral = {}
    for name, answers in raw.items():
        where = f"{NEUTRAL_KEY}.{name}"
        if name not in covered:
            raise RuleFileError("not a question", file=file, field=where, suggestion=suggest(str(name), covered))
        if not isinstance(answers, dict) or not answers:
            raise RuleFileError("must map an answer to the reason it is neutral", file=file, field=where)
        for answer, reason in answers.items():
            answer = str(answer)
            if answer not in covered[name]:
                raise RuleFileError(f"{answer!r} is not an answer that needs a rule (one of: "
                                    f"{', '.join(covered[name]) or 'none'})", file=file, field=where,
                                    suggestion=suggest(answer, covered[name]))
            if not isinstance(reason, str) or not reason.strip():
                raise RuleFileError("say why this answer needs no rule", file=file, field=f"{where}.{answer}")
            neutral[(str(name), answer)] = reason.strip()
    return neutral


def _uses_date(rule: Rule, field: str) -> bool:
    if rule.wait is not None and rule.wait.after == field:
        return True
    return any(test.field == field and test.op in ("within_days", "within_months")
               for group in rule.alternatives for test in group)


def _reaches(rule: Rule, field: str, answer: str) -> bool:
    if rule.outcome is None:  # a depth cap alone tells the patient nothing
        return False
    if answer == DATE_GIVEN and FIELDS[field].kind == "date":
        return _uses_date(rule, field)
    for group in rule.alternatives:
        for test in group:
            if test.field == field and ((test.op == "eq" and test.value == answer)
                                        or (test.op == "in" and answer in test.value)
                                        or (test.op == "not_in" and answer not in test.value)):
                return True
    return False


def check_answers_reach_rules(rules: tuple[Rule, ...], neutral: Mapping[tuple[str, str], str]) -> None:
    """Every answer other than the all-clear one reaches a rule with an outcome (at least precautions), unless
    the rule set declares it neutral with a reason: a rule lost must not turn a "yes" into "suitable"."""
    for name, answers in answers_to_cover().items():
        for answer in answers:
            if (name, answer) in neutral or any(_reaches(rule, name, answer) for rule in rules):
                continue
            what = "a date given" if answer == DATE_GIVEN else f"the answer {answer!r}"
            raise RuleFileError(f"no rule acts on {what}: add a rule, or declare it under {NEUTRAL_KEY} in "
                                "ruleset.yaml with the reason it needs none", field=name)


def check_coverage(ruleset: RuleSet, neutral: Mapping[tuple[str, str], str] | None = None) -> None:
    """Unknown is never safe; every "yes" reaches a rule; every area and concern has a cap; no fact can meet
    too many rules."""
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
    check_answers_reach_rules(rules, neutral or {})
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

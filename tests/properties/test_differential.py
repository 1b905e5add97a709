"""(g) Differential: tests/common/evaluator.py, a small independent evaluator of the same parsed rules, agrees with the
durable-rules path on every generated intake; so do the decisions built from its matches. The facts both read
are checked against the intake with calendar arithmetic written separately."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.common.evaluator import evaluate, months_between
from tests.common.strategies import EVENT_DATES, intakes

from suitability import Intake, Outcome, RuleSet, Screener
from suitability.deciding.combine import combine
from suitability.intake.facts import FIELDS, add_months, event_date, intake_to_facts
from suitability.intake.facts import months_between as core_months_between
from suitability.matching.engine import Engine
from suitability.rules import conditions
from suitability.rules.conditions import Period
from suitability.rules.loading import Rule, Wait


@given(intakes())
def test_the_engine_matches_exactly_what_the_evaluator_matches(screener: Screener, screen, intake: Intake) -> None:
    ruleset = screener.ruleset
    facts = intake_to_facts(intake)
    expected = evaluate(ruleset, facts)
    engine = screener._current[1]  # the compiled engine the screener uses
    assert engine.match(intake_to_facts(intake)) == expected
    assert engine.match_intake(intake) == expected  # the batch written straight from the intake (the service's)
    combined, screened = combine(ruleset, intake, expected), screen(intake)
    fields = combined.model_fields_set  # what combine decides; the service may add explanations on top
    assert screened.model_dump(include=fields) == combined.model_dump(include=fields)


def _facts_in(batch: str) -> list[str]:
    """The facts of an engine batch, each as canonical JSON without its position id, sorted."""
    return sorted(json.dumps({k: v for k, v in fact.items() if k != "id"}, sort_keys=True)
                  for fact in json.loads(batch))


@given(intakes())
def test_the_batch_written_from_the_intake_holds_exactly_the_facts_the_engine_would_be_sent(
        screener: Screener, intake: Intake) -> None:
    engine = screener._current[1]
    assert _facts_in(engine._writer.write(intake, "7")) == _facts_in(engine._messages(intake_to_facts(intake), "7"))


@given(intakes())
def test_the_facts_count_waits_in_days_and_calendar_months_to_the_reference_date(intake: Intake) -> None:
    facts = {k: v for fact in intake_to_facts(intake) if fact["t"] != "treatment" for k, v in fact.items()}
    ref = intake.appointment_date or intake.screening_date
    for name in EVENT_DATES:
        start = event_date(intake, name)
        if start is None:
            assert f"{name}__days" not in facts and f"{name}__months" not in facts
            continue
        counted_from = ref if getattr(intake, name) is None else start  # still in use: up to the appointment
        assert facts[f"{name}__days"] == (ref - counted_from).days
        assert facts[f"{name}__months"] == months_between(counted_from, ref)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 2000))
def test_calendar_months_agree_with_an_independent_count(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    months = months_between(start, end)
    assert core_months_between(start, end) == months
    assert add_months(start, months) <= end < add_months(start, months + 1)


# --- random rule sets: every operator the rule files may use, compiled and matched by durable-rules ------------

_TOPICS = sorted({f.topic for f in FIELDS.values()} - {"*"}) + ["screening"]
_CONTEXT = [n for n, f in FIELDS.items() if f.topic == "*"]


@st.composite
def _test(draw: st.DrawFn, name: str) -> conditions.Test:
    info = FIELDS[name]
    if info.kind == "choice":
        op = draw(st.sampled_from(["eq", "in", "not_in"]))
        if op == "eq":
            return conditions.Test(name, "eq", draw(st.sampled_from(info.values)))
        values = draw(st.lists(st.sampled_from(info.values), min_size=1, max_size=3, unique=True))
        return conditions.Test(name, op, tuple(values))
    if info.kind == "int":
        op = draw(st.sampled_from(["lt", "lte", "gt", "gte", "missing"]))
        if op == "missing":
            return conditions.Test(name, op)
        return conditions.Test(name, op, draw(st.integers(0, 121)))
    op = draw(st.sampled_from(["within_days", "within_months", "missing"]))
    if op == "missing":
        return conditions.Test(name, op)
    return conditions.Test(name, op, draw(st.integers(1, 400) if op == "within_days" else st.integers(1, 24)))


@st.composite
def _group(draw: st.DrawFn, topic: str) -> tuple[conditions.Test, ...]:
    own = [n for n, f in FIELDS.items() if f.topic == topic]
    first = draw(st.sampled_from(own or _CONTEXT))
    more = draw(st.lists(st.sampled_from(own + _CONTEXT), max_size=2))
    return (draw(_test(first)), *[draw(_test(n)) for n in more])


@st.composite
def random_rulesets(draw: st.DrawFn, template: RuleSet) -> RuleSet:
    rules = []
    for index in range(draw(st.integers(1, 25))):
        topic = draw(st.sampled_from(_TOPICS))
        groups = tuple(draw(st.lists(_group(topic), min_size=1, max_size=3)))
        dates = [n for n, f in FIELDS.items() if f.topic == topic and f.kind == "date"]
        wait = None
        if dates and draw(st.booleans()):
            months = draw(st.booleans())
            period = Period(months=draw(st.integers(1, 24))) if months else Period(days=draw(st.integers(1, 400)))
            # a wait that stands (a precaution's) is no matching condition; one that lapses is
            wait = Wait(draw(st.sampled_from(dates)), period, stands=draw(st.booleans()))
        outcome = Outcome.SUITABLE_WITH_PRECAUTIONS if wait is not None and wait.stands else Outcome.REVIEW
        rules.append(Rule(id=f"random-{index}", title="t", file="random.yaml", alternatives=groups,
                          outcome=outcome, patient="p", rationale="r", sources=("s",), wait=wait))
    return replace(template, rules=tuple(rules), version="random")


@settings(max_examples=60)
@given(st.data())
def test_the_engine_and_the_evaluator_agree_on_random_rule_sets(ruleset: RuleSet, data: st.DataObject) -> None:
    rules = data.draw(random_rulesets(ruleset), label="rules")
    engine = Engine(rules)
    try:
        for intake in data.draw(st.lists(intakes(), min_size=1, max_size=4), label="intakes"):
            facts = intake_to_facts(intake)
            expected = evaluate(rules, facts)
            assert engine.match(facts) == expected
            assert engine.match_intake(intake) == expected
    finally:
        engine.close()

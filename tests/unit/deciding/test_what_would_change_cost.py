"""The "what would change it" explanation re-screens its variants with `combine(..., outcome_only=True)` (no
depth limits, instructions or validity, which it never reads): it reports exactly what full re-screens give."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.common.minimal import days_ago, minimal_intake
from tests.common.strategies import intakes

from suitability import Decision, Intake, Screener, load_rules
from suitability.deciding.combine import combine
from suitability.deciding.what_would_change import what_would_change
from suitability.intake.facts import intake_to_facts


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load_rules())


def full_rescreens(screener: Screener, intake: Intake, decision: Decision) -> tuple[Any, ...]:
    ruleset, engine = screener._current

    def rescreen(variant: Intake) -> Decision:
        return combine(ruleset, variant, engine.match(intake_to_facts(variant)))

    return what_would_change(ruleset, intake, decision, rescreen)


def check(screener: Screener, intake: Intake) -> None:
    decision = screener.screen(intake)
    assert decision.what_would_change == full_rescreens(screener, intake, decision)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intakes())
def test_the_changes_are_those_of_full_rescreens(screener: Screener, intake: Intake) -> None:
    check(screener, intake)


@pytest.mark.parametrize("answers", [
    {"retinoid": "yes"}, {"pregnant": "yes", "keloid": "yes"}, {"tan": "yes", "tan_date": days_ago(3)},
    {"isotretinoin": "past", "isotretinoin_last_dose": days_ago(30)}, {"acne_inflamed": "yes"},
])
def test_the_changes_of_known_cases_are_those_of_full_rescreens(screener: Screener, answers: dict[str, Any]) -> None:
    intake = minimal_intake(**answers)
    assert screener.screen(intake).what_would_change  # a case with something to change
    check(screener, intake)


def test_an_outcome_only_decision_has_the_outcome_findings_and_dates_of_the_full_one(screener: Screener) -> None:
    ruleset, engine = screener._current
    intake = minimal_intake(tan="yes", tan_date=days_ago(3), appointment_date="2026-03-05")
    matches = engine.match(intake_to_facts(intake))
    full, brief = combine(ruleset, intake, matches), combine(ruleset, intake, matches, outcome_only=True)
    assert (brief.outcome, brief.findings, brief.earliest_date, brief.wait_for) == \
        (full.outcome, full.findings, full.earliest_date, full.wait_for)
    assert full.instructions and not brief.instructions and not brief.depth_limits

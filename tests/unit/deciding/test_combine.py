"""combine reuses the parts of a decision that depend on little (findings without a wait, dated instructions)
from its rule set's memo: the decisions are the same as freshly built ones, and the memo stays bounded."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tests.common.minimal import days_ago, minimal_intake

import suitability.deciding.combine as combining
from suitability import Decision, Intake, Screener, load_rules
from suitability.intake.facts import intake_to_facts

INTAKES = [
    minimal_intake(),
    minimal_intake(retinoid="yes", appointment_date="2026-03-20"),
    minimal_intake(tan="yes", tan_date=days_ago(3), treatments=[{"area": "forehead", "concern": "fine_lines"},
                                                                 {"area": "neck", "concern": "laxity"}]),
    minimal_intake(pregnant="not_sure", appointment_date="2026-04-01"),
]


def fresh(screener: Screener, intake: Intake) -> Decision:
    """The decision from a copy of the rule set with an empty memo."""
    ruleset, engine = screener._current
    return combining.combine(replace(ruleset), intake, engine.match(intake_to_facts(intake)))


def test_reused_parts_give_the_decisions_of_freshly_built_ones() -> None:
    screener = Screener(load_rules())
    first = [screener.screen(i, explain=False) for i in INTAKES]
    again = [screener.screen(i, explain=False) for i in INTAKES]  # now from the memo
    assert screener.ruleset.memo
    for intake, one, two in zip(INTAKES, first, again, strict=True):
        assert one == two == fresh(screener, intake)
        assert Decision.model_validate_json(two.model_dump_json()) == two


def test_the_memo_is_bounded_and_starting_again_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(combining, "_KEPT", 40)
    screener = Screener(load_rules())
    start = dt.date(2026, 3, 2)
    for day in range(120):  # every appointment date dates the instructions anew
        intake = minimal_intake(retinoid="yes", appointment_date=(start + dt.timedelta(days=day)).isoformat())
        assert screener.screen(intake, explain=False) == fresh(screener, intake)
        assert len(screener.ruleset.memo) <= 41

"""(a) Deterministic and isolated: the same intake gives the same decision, whatever was screened before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import intakes

from suitability import Intake, Screener


@settings(max_examples=100)
@given(first=intakes(), others=st.lists(intakes(), min_size=1, max_size=4))
def test_same_intake_same_decision_whatever_was_screened_before(screener, screen, first: Intake,
                                                                  others: list[Intake]) -> None:
    before = screen(first).model_dump_json()
    for other in others:
        screen(other)
    assert screen(first).model_dump_json() == before


@settings(max_examples=50)
@given(st.lists(intakes(), min_size=1, max_size=6))
def test_a_second_engine_with_another_history_decides_the_same(screener, screen, batch: list[Intake]) -> None:
    fresh = Screener(screener.ruleset)  # its own compiled ruleset, no screenings before these
    for intake in reversed(batch):
        assert fresh.screen(intake).model_dump_json() == screen(intake).model_dump_json()

"""(h) JSON round trip: a decision (and an intake) read back from its own JSON is equal to itself."""

from __future__ import annotations

from hypothesis import given

from tests.common.strategies import intakes

from suitability import Decision, Intake
from suitability.intake import parse_intake


@given(intakes())
def test_a_decision_survives_its_json(screen, intake: Intake) -> None:
    decision = screen(intake)
    again = Decision.model_validate_json(decision.model_dump_json())
    assert again == decision
    assert again.model_dump_json() == decision.model_dump_json()


@given(intakes())
def test_an_intake_survives_its_json(intake: Intake) -> None:
    assert parse_intake(intake.model_dump_json()) == intake
    assert parse_intake(intake.model_dump(mode="json")) == intake

"""The appointment and the dates (clinical-rules.md §1a) over generated intakes, with and without appointments:
no instruction is dated before the pre-screen; an appointment before the earliest date defers and the first
sentence names both dates; a precaution matched while its wait runs still stands (with its instructions) when the
appointment moves later; and moving the appointment later never makes the outcome more severe."""

from __future__ import annotations

import datetime as dt

from hypothesis import event, given
from hypothesis import strategies as st

from tests.common.strategies import intakes

from suitability import Intake, Outcome
from suitability.clock import fmt_date


def moved(intake: Intake, appointment: dt.date) -> Intake:
    return Intake.model_validate({**dict(intake), "appointment_date": appointment})


@given(intakes())
def test_no_instruction_is_dated_before_the_pre_screen(screen, intake: Intake) -> None:
    decision = screen(intake)
    event("with an appointment" if intake.appointment_date else "without an appointment")
    for step in decision.instructions:
        assert step.starts is None or step.starts >= intake.screening_date, step
        assert step.ends is None or step.ends >= intake.screening_date, step


@given(intakes())
def test_an_appointment_before_the_earliest_date_defers_and_says_so_first(screen, intake: Intake) -> None:
    decision = screen(intake)
    appointment, earliest = intake.appointment_date, decision.earliest_date
    too_early = appointment is not None and earliest is not None and earliest > appointment
    event("too early" if too_early else "not too early")
    if too_early:
        assert appointment is not None and earliest is not None
        assert decision.outcome.severity >= Outcome.DEFER.severity
        assert decision.headline is not None
        assert fmt_date(appointment) in decision.headline and fmt_date(earliest) in decision.headline
        # instructions count from the earliest date, never from the appointment that cannot go ahead
        for step in decision.instructions:
            if step.phase.value != "before" and step.starts is not None:
                assert step.starts >= earliest, step
    else:
        assert decision.headline is None


@given(intakes(), st.integers(1, 400))
def test_a_precaution_still_stands_with_its_instructions_when_the_appointment_moves_later(
        screen, ruleset, intake: Intake, later: int) -> None:
    before = screen(intake)
    running = {f.rule_id for f in before.findings if f.outcome is Outcome.SUITABLE_WITH_PRECAUTIONS
               and f.wait_until is not None and f.wait_until > intake.reference_date}
    event("a precaution's wait is running" if running else "no precaution's wait running")
    after = screen(moved(intake, intake.reference_date + dt.timedelta(days=later)))
    assert running <= {f.rule_id for f in after.findings}
    asked = {ref for rule_id in running for ref in ruleset.rule(rule_id).instructions}
    assert asked <= {i.id for i in after.instructions}


@given(intakes(), st.integers(1, 400))
def test_moving_the_appointment_later_never_makes_the_outcome_more_severe(screen, intake: Intake, later: int) -> None:
    before = screen(intake)
    after = screen(moved(intake, intake.reference_date + dt.timedelta(days=later)))
    event(f"{before.outcome.value} -> {after.outcome.value}")
    if intake.appointment_date is not None:
        assert after.outcome.severity <= before.outcome.severity
    else:  # giving a first appointment can only add "too early" on top of the same findings
        assert after.outcome.severity <= max(before.outcome.severity, Outcome.DEFER.severity)

"""(c) Fail-safe: unknown is never safe. A "not sure" or blank answer to a question the form asks yields at
least `review` (spec §1), so never `suitable`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from strategies import CHOICES, EVENT_DATES, enable_when, intake_with_unknown, intakes, is_asked

from suitability import Intake, Outcome
from suitability.facts import FIELDS
from suitability.vocabulary import Answer

REVIEW = Outcome.REVIEW.severity


@given(intake_with_unknown())
def test_an_unknown_answer_to_an_asked_question_is_never_safe(screen, case: tuple[Intake, str]) -> None:
    intake, name = case
    decision = screen(intake)
    assert decision.outcome.severity >= REVIEW, f"{name}={getattr(intake, name)!r} gave {decision.outcome.value}"


DATES_WITHOUT_STILL_USING = [n for n in EVENT_DATES if not FIELDS[n].still_using]


@given(st.data())
def test_a_blank_event_date_that_was_asked_for_is_never_safe(screen, data: st.DataObject) -> None:
    intake = data.draw(intakes(consistent=True))
    asked = [n for n in DATES_WITHOUT_STILL_USING if is_asked(n, dict(intake))]
    if not asked:  # make one asked: answer its parent with a value that shows the date question
        name = data.draw(st.sampled_from(DATES_WITHOUT_STILL_USING))
        parent, values = next(iter(enable_when(name).items()))
        intake = Intake.model_validate({**dict(intake), parent: CHOICES[parent](data.draw(st.sampled_from(values)))})
    else:
        name = data.draw(st.sampled_from(asked))
    intake = Intake.model_validate({**dict(intake), name: None})
    decision = screen(intake)
    assert decision.outcome.severity >= REVIEW, f"{name} blank gave {decision.outcome.value}"


@given(intakes())
def test_an_unknown_age_is_never_safe(screen, intake: Intake) -> None:
    intake = Intake.model_validate({**dict(intake), "age": None, "date_of_birth": None})
    assert screen(intake).outcome.severity >= REVIEW


@given(intakes())
def test_melasma_without_its_areas_is_never_safe(screen, intake: Intake) -> None:
    intake = Intake.model_validate({**dict(intake), "melasma": Answer.YES, "melasma_areas": ()})
    assert screen(intake).outcome.severity >= REVIEW

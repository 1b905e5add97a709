"""(c) Fail-safe: unknown is never safe. A "not sure" or blank answer to a question the form asks yields at
least `review` (spec §1), so never `suitable`. Every question is tried, on intakes that are otherwise low-risk."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.common.strategies import CHOICES, EVENT_DATES, enable_when, intakes

from suitability import Intake, Modality, Outcome
from suitability.intake.facts import FIELDS
from suitability.vocabulary import Answer

REVIEW = Outcome.REVIEW.severity
EACH = settings(max_examples=max(10, settings.default.max_examples // 15))  # per question and profile
# Rows of the spec's factor table that only apply in one context (§2: "Gold allergy, RF", "Metal implants in the
# area, RF"): for mechanical microneedling the form still asks them, but they are not safety questions there.
ONLY_WITH: dict[str, dict[str, Any]] = {
    "gold_allergy": {"modality": Modality.RF}, "metal_implants_in_area": {"modality": Modality.RF},
}
UNSURE_CHOICES = sorted(n for n, enum in CHOICES.items() if Answer.NOT_SURE.value in {e.value for e in enum})
DATES_WITHOUT_STILL_USING = sorted(n for n in EVENT_DATES if not FIELDS[n].still_using)


def asking(intake: Intake, name: str, draw: Any) -> dict[str, Any]:
    """The intake's answers, with the parents of `name` answered so that the form asks it."""
    answers = dict(intake)
    for parent, values in enable_when(name).items():
        answers[parent] = CHOICES[parent](draw(st.sampled_from(values)))
    return {**answers, **ONLY_WITH.get(name, {})}


@pytest.mark.parametrize("name", UNSURE_CHOICES)
@EACH
@given(base=intakes(max_risky=0, wild=False), blank=st.booleans(), data=st.data())
def test_an_unknown_answer_to_an_asked_question_is_never_safe(any_screen, name: str, base: Intake, blank: bool,
                                                              data: st.DataObject) -> None:
    answers = asking(base, name, data.draw)
    answers[name] = None if blank else CHOICES[name](Answer.NOT_SURE.value)
    decision = any_screen(Intake.model_validate(answers))
    assert decision.outcome.severity >= REVIEW, f"{name}={answers[name]!r} gave {decision.outcome.value}"


@pytest.mark.parametrize("name", DATES_WITHOUT_STILL_USING)
@EACH
@given(base=intakes(max_risky=0, wild=False), data=st.data())
def test_a_blank_event_date_that_was_asked_for_is_never_safe(any_screen, name: str, base: Intake,
                                                             data: st.DataObject) -> None:
    answers = {**asking(base, name, data.draw), name: None}
    decision = any_screen(Intake.model_validate(answers))
    assert decision.outcome.severity >= REVIEW, f"{name} blank gave {decision.outcome.value}"


@given(intakes())
def test_an_unknown_age_is_never_safe(any_screen, intake: Intake) -> None:
    intake = Intake.model_validate({**dict(intake), "age": None, "date_of_birth": None})
    assert any_screen(intake).outcome.severity >= REVIEW


@given(intakes(max_risky=0, wild=False))
def test_melasma_without_its_areas_is_never_safe(any_screen, intake: Intake) -> None:
    intake = Intake.model_validate({**dict(intake), "melasma": Answer.YES, "melasma_areas": ()})
    assert any_screen(intake).outcome.severity >= REVIEW

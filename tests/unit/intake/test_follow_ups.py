"""One rule says whether a follow-up question is asked: the intake's checks, the facts, validity and the patient
form all ask `suitability.intake.is_asked`, so they cannot disagree."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from suitability import Intake
from suitability.intake import field_meta, is_asked, unasked_follow_ups
from suitability.vocabulary import Answer
from suitability.web.patient import answers as form_answers
from suitability.web.patient.questions import QUESTIONS

# Written from the field definitions, not from the function under test.
FOLLOW_UPS = {name: field_meta(name)["enable_when"] for name in Intake.model_fields
              if field_meta(name).get("enable_when")}
PARENTS = sorted({parent for parents in FOLLOW_UPS.values() for parent in parents})


def test_a_top_level_question_is_always_asked() -> None:
    for name in ("pregnant", "age", "retinoid", "treatments"):
        assert name not in FOLLOW_UPS
        assert is_asked(name, {})


def test_a_follow_up_is_asked_only_when_its_parent_calls_for_it() -> None:
    assert is_asked("retinoid_last_use", {"retinoid": "yes"})
    assert is_asked("retinoid_last_use", {"retinoid": Answer.YES})  # the intake holds enum members
    for answer in ("no", "not_sure", None, Answer.NO):
        assert not is_asked("retinoid_last_use", {"retinoid": answer})
    assert not is_asked("retinoid_last_use", {})


def test_every_follow_up_follows_its_own_parent() -> None:
    assert len(FOLLOW_UPS) > 15
    for name, parents in FOLLOW_UPS.items():
        for parent, values in parents.items():
            assert is_asked(name, {parent: values[0]}), name
            assert not is_asked(name, {parent: "no such answer"}), name


def test_an_answered_follow_up_whose_parent_does_not_ask_it_is_reported() -> None:
    assert unasked_follow_ups({"retinoid": "no", "retinoid_last_use": "2026-01-01"}) == [
        ("retinoid_last_use", ("retinoid",))]
    assert unasked_follow_ups({"retinoid": "yes", "retinoid_last_use": "2026-01-01"}) == []
    assert unasked_follow_ups({"retinoid": "no", "retinoid_last_use": None}) == []


@given(st.fixed_dictionaries({parent: st.sampled_from([None, "yes", "no", "not_sure", "past", "superficial",
                                                       "treatment_area", "elsewhere_face"]) for parent in PARENTS}))
def test_the_patient_form_asks_exactly_what_the_core_says(answers: dict[str, Any]) -> None:
    for name, question in QUESTIONS.items():
        if name in Intake.model_fields:
            assert form_answers.is_asked(question, answers) == is_asked(name, answers), name

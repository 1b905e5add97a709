"""Every intake field is a question in the intake's own words, with each answer's label, and every door asks
the same questions: the web form lays them out on pages, the check-in API lists the due ones."""

from __future__ import annotations

import pytest
from pydantic.fields import FieldInfo

from suitability.intake import Intake
from suitability.vocabulary import Answer
from suitability.web.patient.questions import QUESTIONS
from suitability.wording import questions
from suitability.wording.labels import LABELS, NOT_SURE
from suitability.wording.questions import QUESTION_OF, SERVER_SET, TOP_QUESTIONS


def test_every_field_the_patient_answers_is_a_question_in_the_intakes_words() -> None:
    assert set(QUESTION_OF) == set(Intake.model_fields) - SERVER_SET
    for name, question in QUESTION_OF.items():
        info = Intake.model_fields[name]
        assert question.text == (info.title or name)
        assert question.help == info.description


def test_a_choice_offers_every_value_with_its_label() -> None:
    for question in QUESTION_OF.values():
        if question.kind == "choice":
            assert question.enum is not None
            assert [(o.value, o.label) for o in question.options] == [
                (m.value, LABELS[question.enum][m.value]) for m in question.enum]
    yes_no = [q for q in QUESTION_OF.values() if q.enum is Answer]
    assert yes_no and all(q.options[-1].label == NOT_SURE for q in yes_no)


def test_follow_ups_hang_under_the_question_that_calls_for_them() -> None:
    for top in TOP_QUESTIONS:
        assert top.parent is None
        for follow_up in top.followups:
            assert follow_up.parent == top.name and follow_up.topic == top.topic and follow_up.parent_values
    assert any(top.followups for top in TOP_QUESTIONS)


def test_the_web_form_asks_the_same_questions() -> None:
    assert set(QUESTIONS) == set(QUESTION_OF)
    assert all(QUESTIONS[name] is QUESTION_OF[name] for name in QUESTIONS)


def test_a_field_no_door_can_ask_fails_when_the_questions_are_built() -> None:
    with pytest.raises(TypeError, match="no door can ask"):
        questions._kind("nickname", FieldInfo(annotation=str))

"""At a check-in, a question asked again and left blank is "not sure", never the earlier answer: for every
question a check-in can ask, and for any mix of new answers, a blank one never lets the decision be suitable."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.common.minimal import SCREENING, minimal_intake

from suitability import Outcome
from suitability.deciding.validity import answers_at_checkin, questions_to_reask
from suitability.screening import default_screener
from suitability.web.patient.questions import QUESTIONS

SCREENER = default_screener()
LATE = SCREENING + dt.timedelta(days=400)  # every period of the validity table has run out
DUE = questions_to_reask(minimal_intake(), LATE, ruleset=SCREENER.ruleset)
TOP = tuple(n for n in DUE if QUESTIONS[n].kind == "choice" and QUESTIONS[n].parent is None)


def test_the_late_check_in_asks_every_time_sensitive_question() -> None:
    top_level = {name for name in SCREENER.ruleset.validity if QUESTIONS[name].parent is None}
    assert top_level <= set(DUE) and len(TOP) >= 20  # follow-ups of a "no" (eczema flaring...) are not asked


@pytest.mark.parametrize("blank", TOP)
def test_each_question_left_blank_is_not_sure(blank: str) -> None:
    answers = {name: "no" for name in TOP if name != blank}
    intake = answers_at_checkin(minimal_intake(), answers, LATE, ruleset=SCREENER.ruleset)
    assert getattr(intake, blank) is None  # the earlier "no" is not carried over
    assert SCREENER.screen(intake).outcome is Outcome.REVIEW


def test_the_same_check_in_with_every_answer_given_is_suitable() -> None:
    """The control: it is the blank, not the check-in, that makes the decision `review`."""
    answers = {name: "no" for name in TOP}
    assert SCREENER.screen(answers_at_checkin(minimal_intake(), answers, LATE, ruleset=SCREENER.ruleset)).outcome is Outcome.SUITABLE


@settings(max_examples=60, deadline=None)
@given(blanks=st.sets(st.sampled_from(TOP), min_size=1),
       given_answers=st.fixed_dictionaries({name: st.sampled_from([o.value for o in QUESTIONS[name].options])
                                            for name in TOP}))
def test_any_blank_among_any_new_answers_is_never_suitable(blanks: set[str], given_answers: dict[str, str]) -> None:
    answers = {name: value for name, value in given_answers.items() if name not in blanks}
    decision = SCREENER.screen(answers_at_checkin(minimal_intake(), answers, LATE, ruleset=SCREENER.ruleset))
    assert decision.outcome is not Outcome.SUITABLE

"""The override rule itself (hazard H14), over many decisions: an approval less cautious than the rules is
always an override, and one within them never is; an override is refused without a coded reason and a note."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.common.review_support import OUTCOME_CHANGES, intake_data

from suitability import Decision, screen
from suitability.errors import ReviewRefused
from suitability.intake import parse_intake
from suitability.services.review import MAX_DEPTH_MM, Proposal, check, overrides
from suitability.storage.review_models import OverrideReason, ReviewAction


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()
DECISIONS: dict[str, Decision] = {o: screen(parse_intake(intake_data(**c))) for o, c in OUTCOME_CHANGES.items()}
APPROVALS = st.sampled_from([ReviewAction.APPROVE, ReviewAction.APPROVE_WITH_CONDITIONS])
DEPTH = st.floats(min_value=0.05, max_value=MAX_DEPTH_MM).map(lambda mm: round(mm, 2))


@given(outcome=st.sampled_from(["not_suitable", "defer"]), action=APPROVALS, depths=st.lists(DEPTH, min_size=2,
                                                                                            max_size=2))
def test_approving_a_case_the_rules_refuse_is_always_an_override(outcome: str, action: ReviewAction,
                                                                 depths: list[float]) -> None:
    proposal = Proposal(action, dict(enumerate(depths)), note="conditions")
    assert overrides(DECISIONS[outcome], 2, proposal, current_day())
    with pytest.raises(ReviewRefused) as refused:
        check(DECISIONS[outcome], 2, proposal, current_day())
    assert {"override_reason", "override_note"} <= set(refused.value.problems)


@given(outcome=st.sampled_from(["review", "suitable_with_precautions"]), action=APPROVALS, data=st.data())
def test_a_limit_is_an_override_exactly_when_it_is_deeper_than_the_rules(
        outcome: str, action: ReviewAction, data: st.DataObject) -> None:
    decision = DECISIONS[outcome]
    engine = {limit.treatment: limit.limit_mm for limit in decision.depth_limits}
    depths = {i: data.draw(DEPTH, label=f"depth {i}") for i in range(2)}
    deeper = any(mm > engine[i] for i, mm in depths.items())
    assert bool(overrides(decision, 2, Proposal(action, depths, note="c"), current_day())) is deeper


@given(action=st.sampled_from([ReviewAction.DECLINE, ReviewAction.REQUEST_INFORMATION]),
       outcome=st.sampled_from(list(OUTCOME_CHANGES)))
def test_declining_or_asking_for_information_is_never_an_override(action: ReviewAction, outcome: str) -> None:
    assert overrides(DECISIONS[outcome], 2, Proposal(action, note="n"), current_day()) == []


@given(reason=st.sampled_from(list(OverrideReason)), note=st.text(min_size=1).filter(lambda t: t.strip()))
def test_any_coded_reason_with_a_note_lets_an_override_through_and_is_reported(reason: OverrideReason,
                                                                               note: str) -> None:
    proposal = Proposal(ReviewAction.APPROVE, {0: 0.5, 1: 0.5}, override_reason=reason, override_note=note)
    assert check(DECISIONS["not_suitable"], 2, proposal, current_day()) == overrides(DECISIONS["not_suitable"], 2,
                                                                             proposal, current_day())

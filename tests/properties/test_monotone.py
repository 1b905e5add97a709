"""(b) Monotone: adding a risk factor, turning a "no" into "not sure" or making an event more recent never makes
the decision less cautious: the outcome never gets less severe, no depth limit gets deeper, and the earliest
date never moves earlier."""

from __future__ import annotations

from hypothesis import assume, event, given
from hypothesis import strategies as st

from tests.common.strategies import increase_kinds, intakes, risk_increases

from suitability import Outcome


@given(st.data())
def test_adding_risk_never_makes_the_decision_less_cautious(any_screen, data: st.DataObject) -> None:
    base = data.draw(intakes(max_risky=2, wild=False), label="base")  # mostly low risk: room to add some
    assume(increase_kinds(base))
    riskier, steps = data.draw(risk_increases(base), label="riskier")
    before, after = any_screen(base), any_screen(riskier)
    event(f"{before.outcome.value} -> {after.outcome.value}")
    why = f"after {steps}"

    assert after.outcome.severity >= before.outcome.severity, why

    if before.depth_limits and after.depth_limits:  # not_suitable decisions carry no limits
        for old, new in zip(before.depth_limits, after.depth_limits, strict=True):
            assert new.treatment == old.treatment
            assert new.limit_mm <= old.limit_mm, f"treatment {old.treatment} deeper {why}"

    if after.outcome is not Outcome.NOT_SUITABLE:  # "not suitable" has no date to move
        if before.earliest_date is not None:  # None -> a date is a wait added, which is fine
            assert after.earliest_date is not None, f"the wait until {before.earliest_date} vanished {why}"
            assert after.earliest_date >= before.earliest_date, why
        assert set(before.wait_for) <= set(after.wait_for), why

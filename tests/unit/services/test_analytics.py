"""SUITABILITY_OVERRIDE_ALERT: its one format, its refusals, and the boundary the alert takes (exact fractions)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitability.services.analytics import AnalyticsError, OverrideAlert, parse_override_alert
from suitability.settings import SettingsError, load_settings


def test_the_default_is_thirty_percent_over_twenty_decisions() -> None:
    assert parse_override_alert(load_settings({}).OVERRIDE_ALERT) == OverrideAlert(Fraction(3, 10), 20)


@pytest.mark.parametrize("text", ["", "30", "30%", "0%/20", "101%/20", "30%/0", "-5%/20", "thirty/20"])
def test_a_bad_alert_stops_the_process_naming_the_variable_not_the_value(text: str) -> None:
    with pytest.raises(AnalyticsError):
        parse_override_alert(text)
    if text.strip():
        with pytest.raises(SettingsError) as refused:
            load_settings({"SUITABILITY_OVERRIDE_ALERT": text})
        assert "SUITABILITY_OVERRIDE_ALERT" in str(refused.value) and f"'{text}'" not in str(refused.value)


def test_at_the_boundary_the_rule_is_a_review_item() -> None:
    alert = parse_override_alert("30%/20")
    assert alert.passes(6, 20)          # exactly 30 %, exactly 20 decisions
    assert not alert.passes(5, 20)      # 25 %
    assert not alert.passes(6, 19)      # too few decisions, whatever the rate
    assert parse_override_alert("33.33%/3").passes(1, 3)  # 1/3 is above 33.33 %, with no float rounding


@given(overrides=st.integers(0, 500), extra=st.integers(0, 500), percent=st.integers(1, 100),
       minimum=st.integers(1, 50))
def test_the_alert_is_exactly_rate_at_or_above_over_at_least_the_minimum(
        overrides: int, extra: int, percent: int, minimum: int) -> None:
    decisions = overrides + extra
    expected = decisions >= minimum and decisions > 0 and overrides * 100 >= percent * decisions
    assert parse_override_alert(f"{percent}%/{minimum}").passes(overrides, decisions) is expected

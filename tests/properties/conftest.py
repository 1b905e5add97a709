"""Fixtures for the property tests: the shipped rule set, its screener, and a screen that must not fail."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from suitability import Decision, Intake, RuleSet, Screener, default_screener
from suitability.rules.loading import PROFILES
from suitability.screening import ENGINE_FAILED_FLAG


@pytest.fixture(scope="session")
def screener() -> Screener:
    return default_screener()


@pytest.fixture(scope="session")
def ruleset(screener: Screener) -> RuleSet:
    return screener.ruleset


@pytest.fixture(scope="session")
def screen(screener: Screener) -> Callable[[Intake], Decision]:
    """Screen with the shipped rules; a valid intake must never reach the fail-safe path."""

    def run(intake: Intake) -> Decision:
        decision = screener.screen(intake)
        assert ENGINE_FAILED_FLAG not in decision.flags, f"the automatic screen failed for {intake!r}"
        return decision

    return run


@pytest.fixture(scope="session", params=PROFILES)
def any_screen(request: pytest.FixtureRequest) -> Callable[[Intake], Decision]:
    """Screen with the shipped rules under each policy profile (for the properties every profile must keep)."""
    profiled = Screener.from_directory(None, request.param)

    def run(intake: Intake) -> Decision:
        decision = profiled.screen(intake)
        assert ENGINE_FAILED_FLAG not in decision.flags, f"the automatic screen failed for {intake!r}"
        return decision

    return run

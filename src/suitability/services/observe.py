"""A screener counted and timed for /metrics: the doors wrap the app's screener when metrics are on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..decision import Decision
from ..intake import Intake
from ..rules.loading import RuleSet
from .submission import Screens

Record = Callable[[str, str, float], None]  # (door, outcome, seconds)


@dataclass(frozen=True)
class Observed:
    """A screener whose every screen is recorded under `door`."""

    screener: Screens
    door: str
    record: Record

    def screen(self, intake: Intake) -> Decision:
        """Screen, then record the outcome and how long it took."""
        start = time.perf_counter()
        decision = self.screener.screen(intake)
        self.record(self.door, decision.outcome.value, time.perf_counter() - start)
        return decision

    def ruleset_for(self, version: str) -> RuleSet | None:
        """The wrapped screener's rule set of `version`, if it served it recently."""
        return self.screener.ruleset_for(version)


def observed(door: str, screener: Screens, record: Record | None) -> Screens:
    """`screener` itself when metrics are off (nothing timed); else it, counted under `door`."""
    return screener if record is None else Observed(screener, door, record)

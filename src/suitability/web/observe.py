"""The doors' screen function, counted and timed for /metrics when this app has metrics on (metrics.py puts its
recorder in app.extensions, so this module never imports the metrics library)."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app

from ..decision import Decision
from ..intake import Intake
from ..screening import screen as default_screen

KEY = "suitability.metrics"  # in app.extensions while metrics are on: the function that records a screening


def observed(door: str, screen: Callable[[Intake], Decision] = default_screen) -> Callable[[Intake], Decision]:
    """`screen` itself when metrics are off (nothing timed); else it, counted under `door`."""
    record: Callable[[str, str, float], None] | None = current_app.extensions.get(KEY)
    if record is None:
        return screen

    def timed(intake: Intake) -> Decision:
        start = time.perf_counter()
        decision = screen(intake)
        record(door, decision.outcome.value, time.perf_counter() - start)
        return decision

    return timed

"""The app's screener as a door uses it: counted and timed for /metrics when this app has metrics on (metrics.py
puts its recorder in app.extensions, so this module never imports the metrics library)."""

from __future__ import annotations

from flask import current_app

from ..services import METRICS, SCREENER
from ..services.observe import observed as _observed
from ..services.submission import Screens

KEY = METRICS


def app_screener(door: str) -> Screens:
    """The screener the app serves now, recorded under `door` when metrics are on."""
    return _observed(door, current_app.extensions[SCREENER](), current_app.extensions.get(METRICS))

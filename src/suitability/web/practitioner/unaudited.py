"""The page shown instead of data whose viewing could not be recorded in the audit trail (fail safe: 503)."""

from __future__ import annotations

from ..errors import render_error

TITLE = "This page cannot be shown right now"
MESSAGE = ("Everything practitioners open is recorded in the audit trail, and that record could not be stored "
           "just now, so the page is not shown. Nothing was changed. Please try again in a few minutes; if it "
           "goes on, tell whoever runs the service.")


def not_audited() -> tuple[str, int]:
    """The honest 503 page for a view that was not audited."""
    return render_error(503, TITLE, MESSAGE)

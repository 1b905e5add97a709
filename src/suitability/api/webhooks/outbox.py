"""The app's webhook outbox: the URLs from the app's configuration, and the event sink services emit into.

Services emit explicitly (`services.events`): a screening (`screening.flagged`, `.deferred` with its date,
`.cleared`), a review (`review.decided`), a check-in and an accepted re-screen (`case.checked_in`,
`case.rescreened`) each add their delivery rows to the transaction that stores them. The app factory registers
one `Outbox` per app in `app.extensions`; the app's sender listens on it to be woken after a commit.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from ...services import EVENTS
from ...services.events import Outbox, targets_of


def configured_targets() -> tuple[str, ...]:
    """The webhook URLs of the current app (or of the settings, outside one)."""
    return targets_of(current_app.config if has_app_context() else None)


def app_outbox(app: Flask) -> Outbox:
    """The outbox the app factory registered on the app (web.database.init_app)."""
    outbox = app.extensions[EVENTS]
    assert isinstance(outbox, Outbox)
    return outbox


__all__ = ["app_outbox", "configured_targets"]

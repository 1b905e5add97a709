"""The app's webhook outbox: the URLs from the app's configuration, and the event sink services emit into.

Services emit explicitly (`services.events`): a screening (`screening.flagged`, `.deferred` with its date,
`.cleared`), a review (`review.decided`), a check-in and an accepted re-screen (`case.checked_in`,
`case.rescreened`) each add their delivery rows to the transaction that stores them. The app factory registers
one `Outbox` per app in `app.extensions`; the app's sender listens on it to be woken after a commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app, has_app_context

from ...services import EVENTS
from ...services.events import EVENT_TYPES, Outbox, decision_changed_payload, screening_payload, targets_of
from ...services.events import emit_event as _emit_event
from ...storage.integration_models import WebhookDelivery


def configured_targets() -> tuple[str, ...]:
    """The webhook URLs of the current app (or of the settings, outside one)."""
    return targets_of(current_app.config if has_app_context() else None)


def emit_event(session: Any, type: str, payload: dict[str, Any], *,
               targets: Sequence[str] | None = None) -> list[WebhookDelivery]:
    """Queue an event for every webhook URL (the app's, unless given) in the caller's transaction."""
    return _emit_event(session, type, payload, targets=configured_targets() if targets is None else targets)


def app_outbox(app: Flask) -> Outbox:
    """The outbox the app factory registered on the app (web.database.init_app)."""
    outbox = app.extensions[EVENTS]
    assert isinstance(outbox, Outbox)
    return outbox


__all__ = ["EVENT_TYPES", "Outbox", "app_outbox", "configured_targets", "decision_changed_payload", "emit_event",
           "screening_payload", "targets_of"]

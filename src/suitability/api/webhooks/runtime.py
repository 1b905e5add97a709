"""The app's webhook sender: one thread per process and app, started on the first request (after any fork) from
the app's WEBHOOK_* config, and woken by the app's outbox after each commit that queued events."""

from __future__ import annotations

import os
import threading

from flask import Flask

from ...services import DATABASE, EVENTS
from ...services.events import Outbox
from ...services.webhooks import Sender, SenderConfig, configure_sender
from ...settings import defaults

KEY = "suitability.webhook_sender"
# SUITABILITY_WEBHOOK_* as declared in the settings model; 20 attempts are about a day and a half of retries.
DEFAULTS = {name: value for name, value in defaults(app=True).items() if name.startswith("WEBHOOK_")}
_lock = threading.Lock()


def app_outbox(app: Flask) -> Outbox:
    """The outbox the app factory registered on the app (web.database.init_app), which services emit into."""
    outbox = app.extensions[EVENTS]
    assert isinstance(outbox, Outbox)
    return outbox


def sender_config(app: Flask) -> SenderConfig | None:
    """The sender's settings from the app's config, or None when there is nothing to send or no secret to sign
    with."""
    return configure_sender(app.config)


def ensure_sender(app: Flask) -> Sender | None:
    """Start this process's sender for the app if it should run and is not running (cheap when it is)."""
    running = app.extensions.get(KEY)
    if running is not None and running[0] == os.getpid():
        return running[1]  # type: ignore[no-any-return]
    if not app.config.get("WEBHOOK_SENDER"):
        return None
    with _lock:
        running = app.extensions.get(KEY)
        if running is not None and running[0] == os.getpid():
            return running[1]  # type: ignore[no-any-return]
        config = sender_config(app)
        if config is None:
            app.extensions[KEY] = (os.getpid(), None)
            return None
        sender = Sender(app.extensions[DATABASE].session, config)
        sender.start()
        app_outbox(app).listeners.append(sender.wake)
        app.extensions[KEY] = (os.getpid(), sender)
        return sender


def stop_sender(app: Flask) -> None:
    """Stop the app's sender, if one runs, and stop waking it."""
    running = app.extensions.pop(KEY, None)
    if running is not None and running[1] is not None:
        listeners = app_outbox(app).listeners
        if running[1].wake in listeners:
            listeners.remove(running[1].wake)
        running[1].stop()

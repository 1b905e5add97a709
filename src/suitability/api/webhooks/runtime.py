"""One sender thread per process and app, started on the first request (after any fork), from WEBHOOK_* config."""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from ...services import DATABASE
from ...settings import defaults
from ...storage.database import Database
from .outbox import app_outbox, configured_targets
from .sender import Sender, SenderConfig
from .signing import SecretError, secret_key

log = logging.getLogger(__name__)
KEY = "suitability.webhook_sender"
# SUITABILITY_WEBHOOK_* as declared in the settings model; 20 attempts are about a day and a half of retries.
DEFAULTS = {name: value for name, value in defaults(app=True).items() if name.startswith("WEBHOOK_")}
_lock = threading.Lock()


def sender_config(app: Flask) -> SenderConfig | None:
    """The sender's settings, or None when there is nothing to send or no secret to sign with."""
    secret = app.config.get("WEBHOOK_SECRET")
    if not secret:
        with app.app_context():
            if configured_targets():
                log.error("WEBHOOK_URLS is set but WEBHOOK_SECRET is not: events are kept, not sent")
        return None
    try:
        secret_key(str(secret))
    except SecretError as exc:
        # Fail closed but lose nothing: the events stay in the outbox until a valid secret is set.
        log.error("WEBHOOK_SECRET is not a Standard Webhooks secret (%s): events are kept, not sent; "
                  "make one with `suitability webhooks new-secret`", exc)
        return None
    c = app.config
    return SenderConfig(
        secret=str(secret), poll_seconds=float(c["WEBHOOK_POLL_SECONDS"]),
        timeout_seconds=float(c["WEBHOOK_TIMEOUT_SECONDS"]), retry_base_seconds=float(c["WEBHOOK_RETRY_BASE_SECONDS"]),
        retry_max_seconds=float(c["WEBHOOK_RETRY_MAX_SECONDS"]), max_attempts=int(c["WEBHOOK_MAX_ATTEMPTS"]))


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
        database = app.extensions[DATABASE]
        assert isinstance(database, Database)
        sender = Sender(database.session, config)
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

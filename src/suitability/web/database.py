"""What the app registers once for its doors: one `storage.Database` (upgraded at start, retried lazily if that
failed), the screener that serves now, and the webhook event sink; views fetch them from the current app."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from ..screening import Screener, default_screener
from ..services import DATABASE, EVENTS, SCREENER
from ..services.events import EventSink, Outbox, targets_of
from ..storage import Database, StorageError, database_url

log = logging.getLogger(__name__)
KEY = DATABASE


def init_app(app: Flask) -> Database:
    """Create the database handle; a database down at start is logged, not fatal (503 until it is up).

    The screener is the process's serving one (rules_reload replaces it when the rule files change)."""
    db = Database(database_url(app.config["DATABASE_URL"], app.instance_path))
    app.extensions[KEY] = db
    app.extensions.setdefault(SCREENER, default_screener)
    config = app.config
    app.extensions[EVENTS] = Outbox(lambda: targets_of(config))  # the URLs as configured at each event
    if app.config["DATABASE_AUTO_UPGRADE"]:
        try:
            db.ensure_schema()
        except StorageError as exc:
            log.error("database not ready at start (will retry on use): %s", exc)
    return db


def get_db() -> Database:
    """The current app's database."""
    db = current_app.extensions[KEY]
    assert isinstance(db, Database)
    return db


def get_screener() -> Screener:
    """The screener the current app serves now."""
    screener = current_app.extensions[SCREENER]()
    assert isinstance(screener, Screener)
    return screener


def get_events() -> EventSink:
    """The current app's event sink (the webhook outbox)."""
    events: EventSink = current_app.extensions[EVENTS]
    return events

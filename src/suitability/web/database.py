"""What the app registers once for its doors: one `storage.Database` (upgraded at start, retried lazily if that
failed), the app's own serving rules (its screener), and the webhook event sink; views fetch them from the app."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from ..screening import Screener
from ..services import DATABASE, EVENTS, SCREENER
from ..services.events import EventSink, Outbox, targets_of
from ..services.serving import ServingRules
from ..storage import Database, StorageError, database_url

log = logging.getLogger(__name__)
KEY = DATABASE


def init_app(app: Flask) -> Database:
    """Create the database handle; a database down at start is logged, not fatal (503 until it is up).

    The app's serving rules are its own (rules_serving replaces or holds them); never another app's."""
    db = Database(database_url(app.config["DATABASE_URL"], app.instance_path))
    app.extensions[KEY] = db
    app.extensions[SCREENER] = ServingRules()
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


def serving_rules(app: Flask | None = None) -> ServingRules:
    """The app's serving rules (default: the current app's): its screener, replaced on reload, or held."""
    rules = (app or current_app).extensions[SCREENER]
    assert isinstance(rules, ServingRules)
    return rules


def get_screener() -> Screener:
    """The screener the current app serves now."""
    return serving_rules().screener()


def get_events() -> EventSink:
    """The current app's event sink (the webhook outbox)."""
    events: EventSink = current_app.extensions[EVENTS]
    return events

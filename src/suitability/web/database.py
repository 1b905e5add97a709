"""The app's database: one `storage.Database` per app, upgraded at start (retried lazily if that failed)."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from ..storage import Database, StorageError, database_url

log = logging.getLogger(__name__)
KEY = "suitability.database"


def init_app(app: Flask) -> Database:
    """Create the database handle; a database down at start is logged, not fatal (503 until it is up)."""
    db = Database(database_url(app.config["DATABASE_URL"], app.instance_path))
    app.extensions[KEY] = db
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

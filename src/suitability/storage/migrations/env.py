"""Alembic environment: the connection handed over by `migrate.upgrade`, else the configured database URL
(SUITABILITY_DATABASE_URL or DATABASE_URL: the alembic CLI)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from suitability.settings import load_settings
from suitability.storage import models_all
from suitability.storage.database import database_url, make_engine

config = context.config
target_metadata = models_all().metadata


def run(connection: Connection) -> None:
    # render_as_batch: later revisions that ALTER a table also work on SQLite.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        run(given)
        return
    configured = load_settings().DATABASE_URL
    url = config.get_main_option("sqlalchemy.url") or (configured.get_secret_value() if configured else None)
    if not url:
        raise SystemExit("set DATABASE_URL (or use `suitability db upgrade`, which knows the default)")
    engine = make_engine(database_url(url, "instance"))
    with engine.connect() as connection:
        run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them against a database")
run_online()

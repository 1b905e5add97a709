"""Alembic, driven from code: the migrations ship in the package, so `upgrade head` needs no alembic.ini."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from .errors import StorageError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
# Any constant shared by every process: PostgreSQL serialises concurrent upgrades (several app servers) on it.
PG_LOCK_KEY = 0x5C12AB1E


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations; `connection` is used by env.py when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction; raises StorageError if the database refuses."""
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        log.error("database upgrade failed: %s", type(exc).__name__)
        raise StorageError(f"could not upgrade the database schema ({type(exc).__name__})") from exc

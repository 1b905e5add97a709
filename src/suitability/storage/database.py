"""One database per app: the URL from config, an engine tuned per dialect, sessions, and the schema upgrade.

SQLite (the no-set-up default) runs in WAL mode with a busy timeout and `synchronous=FULL`, because a stored
submission must survive a power cut, and with SQLAlchemy in charge of BEGIN so migrations are transactional.
PostgreSQL goes through psycopg 3 with `pool_pre_ping`: a restarted database does not fail the next patient.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .errors import StorageError

log = logging.getLogger(__name__)
SQLITE_FILE = "suitability.sqlite3"
BUSY_TIMEOUT_MS = 10_000


def database_url(configured: str | None, instance_path: str | Path) -> str:
    """The configured URL with the driver made explicit, else an SQLite file in the instance folder."""
    if not configured:
        return f"sqlite:///{Path(instance_path) / SQLITE_FILE}"
    for prefix in ("postgres://", "postgresql://"):  # the forms hosting platforms hand out
        if configured.startswith(prefix):
            return "postgresql+psycopg://" + configured[len(prefix):]
    return configured


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; raises StorageError for a URL that cannot work (a configuration mistake)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError("DATABASE_URL is not a database URL") from None
    # Statement parameters are patients' answers: never in SQL logging, never in the text of a database error.
    options.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        file = parsed.database if parsed.database and parsed.database != ":memory:" else None
        if file and not file.startswith("file:"):  # a plain path, not an SQLite URI filename
            Path(file).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **options)
        _tune_sqlite(engine, wal=file is not None and "mode=ro" not in str(parsed.query))
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, **options)
    raise StorageError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")


def _tune_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN (see the "begin" hook below)
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two migrating processes queue instead of failing.
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


class Database:
    """An engine, its sessions, and a schema brought to the newest revision once, lazily if need be."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        self._ready = False
        self._lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        """Run `upgrade head` once per process; raises StorageError (and retries next time) if it cannot."""
        if self._ready:
            return
        from .migrate import upgrade

        with self._lock:
            if not self._ready:
                upgrade(self.engine)
                self._ready = True

    def session(self) -> Session:
        """A new session; the schema is upgraded first if that has not happened yet."""
        self.ensure_schema()
        return self.sessions()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError as exc:
            log.warning("database ping failed: %s", type(exc).__name__)
            return False

    def dispose(self) -> None:
        self.engine.dispose()

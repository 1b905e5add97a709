"""Every storage test runs twice: on an SQLite file and on a real PostgreSQL (never a mock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import ServerInfo, postgres_server  # noqa: F401 - the fixture is used through `request`

from suitability.storage import Database, database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        return database_url(None, tmp_path)
    server: ServerInfo = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture
def db(empty_url: str) -> Iterator[Database]:
    """A Database at the newest schema revision."""
    database = Database(empty_url)
    database.ensure_schema()
    yield database
    database.dispose()

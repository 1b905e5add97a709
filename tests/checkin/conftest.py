"""Check-in tests: a database of each kind (SQLite file, real PostgreSQL) and a stored case to check in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import ServerInfo, postgres_server  # noqa: F401 - the fixture is used through `request`

from suitability.screening import Screener, default_screener
from suitability.storage import Database, database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A Database of each kind at the newest schema revision."""
    if request.param == "sqlite":
        url = database_url(None, tmp_path)
    else:
        server: ServerInfo = request.getfixturevalue("postgres_server")
        url = server.create_database()
    database = Database(url)
    database.ensure_schema()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def screener() -> Screener:
    return default_screener()

"""Re-screening tests: databases of both kinds (SQLite file, real PostgreSQL), and a changed rule set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import ServerInfo, postgres_server  # noqa: F401 - the fixture is used through `request`
from rescreen_samples import changed_rules

from suitability.screening import Screener
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


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(database_url(None, tmp_path))
    database.ensure_schema()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def changed_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """The shipped rules with the superficial-peel wait at 60 days and the forehead cap at 0.25 mm."""
    return Screener.from_directory(changed_rules(tmp_path_factory.mktemp("rules") / "rules"))


@pytest.fixture(scope="session")
def shipped_screener() -> Screener:
    return Screener.from_directory(None)

"""Every storage test runs twice: on an SQLite file and on a real PostgreSQL (never a mock); `db` (a Database of
each kind at the newest revision) comes from tests/common/pg.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.pg import ServerInfo

from suitability.screening import Screener, default_screener
from suitability.storage import database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        return database_url(None, tmp_path)
    server: ServerInfo = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The shipped rules' screener, built once."""
    return default_screener()

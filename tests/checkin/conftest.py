"""Check-in tests: a database of each kind (SQLite file, real PostgreSQL) and a stored case to check in."""

from __future__ import annotations

import pytest
from pg import database_of_each_kind as db  # noqa: F401 - a fixture, used by name
from pg import postgres_server  # noqa: F401 - the fixture is used through `request`

from suitability.screening import Screener, default_screener


@pytest.fixture(scope="session")
def screener() -> Screener:
    return default_screener()

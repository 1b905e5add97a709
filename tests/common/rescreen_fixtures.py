"""Re-screening fixtures (registered in tests/conftest.py): an SQLite database, the shipped and a changed rule set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.common.rescreen_samples import changed_rules

from suitability.screening import Screener
from suitability.storage import Database, database_url


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

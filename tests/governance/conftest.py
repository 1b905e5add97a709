"""Fixtures for rule-set approval: a copied rules folder the test may edit, databases of both kinds."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ops"))  # gunicorn_support: real app servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # patient_form: drive the form
from pg import ServerInfo, postgres_server  # noqa: F401 - the session's PostgreSQL, a fixture

from suitability import set_default_screener
from suitability.ruleset import default_rules_dir
from suitability.storage import Database, database_url


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped rules as SUITABILITY_RULES_DIR; no screener in memory before or after."""
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    monkeypatch.setenv("SUITABILITY_RULES_DIR", str(target))
    set_default_screener(None)
    yield target
    set_default_screener(None)  # also ends a hold: the next test builds its own screener


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database of each kind (SQLite file, real PostgreSQL)."""
    if request.param == "sqlite":
        return database_url(None, tmp_path / "instance")
    server: ServerInfo = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.ensure_schema()
    yield database
    database.dispose()

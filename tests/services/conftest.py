"""Service tests: a database of each kind (SQLite file, real PostgreSQL)."""

from __future__ import annotations

from pg import database_of_each_kind as db  # noqa: F401 - a fixture, used by name
from pg import postgres_server  # noqa: F401 - the fixture is used through `request`

"""Helpers shared by the API tests (a module of its own: `conftest` is a name every test folder uses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from suitability.services.api_keys import add_key
from suitability.storage import Database
from suitability.web import create_app
from suitability.web.database import get_db

BOTH_BACKENDS = pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


def make_app(tmp_path: Path, db_url: str, **config: Any) -> Flask:
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k" * 40,
                       "DATABASE_URL": db_url, "WEBHOOK_SENDER": False, "API_RATE_LIMIT": 10_000, **config})


def get_db_of(app: Flask) -> Database:
    with app.app_context():
        return get_db()


def new_key(app: Flask, name: str = "booking-system", rate_limit: int | None = None,
            scopes: tuple[str, ...] | None = None) -> str:
    with get_db_of(app).session() as session:
        return add_key(session, name, rate_limit=rate_limit, scopes=scopes)[1]

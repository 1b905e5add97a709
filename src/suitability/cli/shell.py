"""What every command that touches the store shares: the app's database, and one way to say why it failed."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..settings import instance_path, load_settings

if TYPE_CHECKING:
    from ..storage import Database


def app_database() -> Database:
    """The app's database: the same URL and instance folder rules as `create_app`."""
    from ..storage import Database, database_url

    url = load_settings().DATABASE_URL
    return Database(database_url(url.get_secret_value() if url else None, instance_path()))


def approvals_required() -> int:
    """SUITABILITY_APPROVALS_REQUIRED, read as the servers read it (default 1): the admins a rule set needs."""
    return load_settings().APPROVALS_REQUIRED


def fail(message: str, code: int = 1) -> int:
    """Print `suitability: message` on standard error and return the exit code, never a traceback."""
    print(f"suitability: {message}", file=sys.stderr)
    return code

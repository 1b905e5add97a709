"""What every command that touches the store shares: the app's database, and one way to say why it failed."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..storage import Database


def app_database() -> Database:
    """The app's database: the same URL and instance folder rules as `create_app`."""
    from ..storage import Database, database_url
    from ..web.config import instance_path

    url = os.environ.get("SUITABILITY_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return Database(database_url(url, instance_path()))


def approvals_required() -> int:
    """SUITABILITY_APPROVALS_REQUIRED as the servers read it (default 1): the admins a rule set needs."""
    from ..web.config import DEFAULTS

    raw = os.environ.get("SUITABILITY_APPROVALS_REQUIRED", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else int(DEFAULTS["APPROVALS_REQUIRED"])


def fail(message: str, code: int = 1) -> int:
    """Print `suitability: message` on standard error and return the exit code, never a traceback."""
    print(f"suitability: {message}", file=sys.stderr)
    return code

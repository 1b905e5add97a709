"""Can this server take a submission? Whether the database is reachable and writable, for the health doors."""

from __future__ import annotations

import os
from pathlib import Path

from ..storage.database import Database

RULESET_HEADER = "Suitability-Ruleset-Status"  # current | stale | unavailable, for load balancers' checks
MIN_FREE_BYTES = 1 << 20  # room for a submission's pages, its WAL frames and the journal


def storage_state(db: Database) -> str:
    """Can a submission be written? "ok", "unreachable", or for an SQLite file "read-only" or "full" (a ping
    only reads, so it passes on a full disk where every submission would fail)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return "ok" if db.ping() else "unreachable"  # PostgreSQL minds its own disk: a failed write is a 503
    path = Path(url.database.removeprefix("file:").split("?", 1)[0])
    try:
        room = os.statvfs(path.parent)
    except OSError:
        return "unreachable"
    if url.query.get("mode") == "ro" or room.f_flag & os.ST_RDONLY \
            or (path.exists() and not os.access(path, os.W_OK)):
        return "read-only"
    if not db.ping():
        return "unreachable"
    return "full" if room.f_bavail * room.f_frsize < MIN_FREE_BYTES else "ok"

"""`suitability db upgrade|current`: the schema from the command line (the app also upgrades at start)."""

from __future__ import annotations

import argparse
import sys

from .commands import Commands
from .shell import app_database as _database


def register(commands: Commands) -> None:
    """Add the `db` commands."""
    db = commands.group("db", dest="db_cmd", help="the database schema")
    p = db.add("upgrade", help="apply every migration (DATABASE_URL, else SQLite in the instance)")
    p.set_defaults(func=cmd_upgrade)
    p = db.add("current", help="print the schema revision the database is at, and the newest one")
    p.set_defaults(func=cmd_current)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from ..storage import StorageError, current_revision

    try:
        db = _database()
        db.ensure_schema()
    except StorageError as exc:
        print(f"suitability: {exc}", file=sys.stderr)
        return 1
    print(f"database at revision {current_revision(db.engine)} ({db.dialect})")
    db.dispose()
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    from ..storage import StorageError, current_revision, head_revision

    try:
        db = _database()
        current = current_revision(db.engine)
    except (StorageError, Exception) as exc:  # noqa: BLE001 - a CLI reports, it does not trace back
        print(f"suitability: cannot read the database: {type(exc).__name__}", file=sys.stderr)
        return 1
    print(f"current: {current or '(empty)'}; newest: {head_revision()}")
    db.dispose()
    return 0

"""When no rule set on disk can load, a worker serves the newest archived one from the database instead.

A worker that starts (or is restarted by a SIGHUP to the gunicorn master) while a rule file is broken has no
last good rules of its own to keep. Every decision's rule set is archived with its exact file texts
(storage/archive.py), so the version that decided the newest stored case under the configured profile is a
known good set: it serves until the folder loads again, health says "stale" and names the disk's error. No
archive (a new database), or one that cannot be read: nothing to fall back on, the worker answers 503 as before.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from ..errors import SuitabilityError
from ..screening import Screener, configured_profile
from ..storage import Database
from ..storage.archive import load_archived, newest_archived_version
from ..storage.errors import failure_kinds

log = logging.getLogger(__name__)


def archived_screener(db: Database, profile: str | None = None) -> Screener | None:
    """A screener of the newest archived rule set under `profile` (default: the configured one), or None."""
    profile = profile or configured_profile()
    version = None
    try:
        with db.session() as session:
            version = newest_archived_version(session, profile)
            if version is None:
                log.debug("no archived rule set under profile %s to fall back on", profile)
                return None
            ruleset = load_archived(session, version, profile)
    except (SQLAlchemyError, SuitabilityError) as exc:  # the database is down, or the snapshot does not load
        log.error("cannot fall back on archived rule set %s: %s", version or "(none read)", failure_kinds(exc))
        return None
    if ruleset.version != version:  # the stored texts no longer hash to their version: not the rules that decided
        log.error("archived rule set %s does not match its files (%s); not used", version, ruleset.version)
        return None
    try:
        return Screener(ruleset)
    except SuitabilityError as exc:
        log.error("archived rule set %s does not compile: %s", version, failure_kinds(exc))
        return None


__all__ = ["archived_screener"]

"""Rule sets a worker serves from the database: the newest archived one when none on disk can load, and the
approved ones (REQUIRE_APPROVED_RULES), read from the approved list and the rule-set archive.

A worker that starts (or is restarted by a SIGHUP to the gunicorn master) while a rule file is broken has no
last good rules of its own to keep. Every decision's rule set is archived with its exact file texts
(storage/archive.py), so the version that decided the newest stored case under the configured profile is a
known good set: it serves until the folder loads again, health says "stale" and names the disk's error. No
archive (a new database), or one that cannot be read: nothing to fall back on, the worker answers 503 as before.
"""

from __future__ import annotations

import logging

from ..errors import SuitabilityError
from ..rules.loading import RuleSet
from ..screening import Screener, configured_profile
from ..storage import Database, StorageError
from ..storage.approvals import approved_versions
from ..storage.archive import load_archived, newest_archived_version
from ..storage.errors import DatabaseError, failure_kinds

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
    except (DatabaseError, SuitabilityError) as exc:  # the database is down, or the snapshot does not load
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


def approved_now(db: Database, required: int) -> list[str]:
    """The versions `required` different admins approved, newest first; StorageError naming only the kinds of
    failure (never a database message) if the approved list cannot be read."""
    try:
        with db.session() as session:
            return approved_versions(session, required)
    except (DatabaseError, SuitabilityError) as exc:
        raise StorageError(failure_kinds(exc)) from exc


def approved_ruleset(db: Database, version: str, profile: str | None = None) -> RuleSet | None:
    """The archived rule set of an approved `version` under `profile` (default: the configured one), or None
    (logged) if it cannot be read or its stored texts no longer hash to that version."""
    try:
        with db.session() as session:
            ruleset = load_archived(session, version, profile or configured_profile())
    except (DatabaseError, SuitabilityError) as exc:
        log.error("approved rule set %s cannot be loaded from the archive: %s", version, failure_kinds(exc))
        return None
    if ruleset.version != version:  # the stored texts no longer hash to the approved version
        log.error("archived rule set %s does not match its files (%s); not used", version, ruleset.version)
        return None
    return ruleset


__all__ = ["approved_now", "approved_ruleset", "archived_screener"]

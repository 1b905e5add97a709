"""`rulesets`: an append-only archive of every rule set a stored decision was made under, by version.

The snapshot holds the exact file texts the version hashes (`RuleSet.files`), so `load_archived` rebuilds the
very rule set that decided a case, and `suitability reproduce` can screen the stored intake again under it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, String, event, select
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from ..errors import SuitabilityError
from ..rules.loading import RuleSet, load_rules_from_files, version_of
from ..rules.seal import SEAL
from .errors import AppendOnlyViolation, RulesetNotArchived
from .models import Base, Case
from .types import JSONDocument, UTCDateTime, utcnow

log = logging.getLogger(__name__)


class RulesetSnapshot(Base):
    """The files of one rule-set version (relative name -> text). Inserted once, never changed."""

    __tablename__ = "rulesets"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    files: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<RulesetSnapshot {self.version} {len(self.files or {})} files>"


@event.listens_for(RulesetSnapshot, "before_update")
@event.listens_for(RulesetSnapshot, "before_delete")
def _refuse_change(mapper: Mapper[RulesetSnapshot], connection: Any, target: RulesetSnapshot) -> None:
    raise AppendOnlyViolation("the rule-set archive is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is RulesetSnapshot:
        raise AppendOnlyViolation("the rule-set archive is append-only")


# Versions known to be archived, per database: after the first look, a submission costs no extra query.
_known: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()
_known_lock = threading.Lock()


def _known_versions(session: Session) -> set[str]:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with _known_lock:
        return _known.setdefault(engine, set())


def archive_ruleset(session: Session, ruleset: RuleSet) -> bool:
    """Add the rule set's snapshot to the caller's transaction unless it is stored; True if one was added.

    Two processes adding the same version at once make one commit fail on the primary key; the caller's retry
    (store_submission retries integrity errors) then finds the stored snapshot.
    """
    known = _known_versions(session)
    if ruleset.version in known:
        return False
    if session.get(RulesetSnapshot, ruleset.version) is not None:
        known.add(ruleset.version)
        return False
    if not ruleset.files or version_of(ruleset.files) != ruleset.version:
        log.warning("rule set %s has no files matching its version; not archived", ruleset.version)
        return False
    session.add(RulesetSnapshot(version=ruleset.version, name=ruleset.name, files=dict(ruleset.files)))
    return True


RulesetLookup = Callable[[str], RuleSet | None]  # version -> the rule set of that version, if it served recently


def archive_current_ruleset(session: Session, version: str, rulesets: RulesetLookup) -> bool:
    """Archive the rule set of `version` as `rulesets` (the screener's memory) gives it: the one serving, or one
    of the few served before a reload (a decision screened just before a reload and stored after it is archived
    too)."""
    try:
        ruleset = rulesets(version)
    except SuitabilityError as exc:  # the rules cannot load: the decision was not made by them
        log.warning("no rule set to archive: %s", type(exc).__name__)
        return False
    if ruleset is None:
        log.warning("decision of rule set %s was not made by the screener recently; not archived here", version)
        return False
    return archive_ruleset(session, ruleset)


def archived_files(session: Session, version: str) -> dict[str, str]:
    """The stored files of a rule-set version; raises RulesetNotArchived."""
    snapshot = session.get(RulesetSnapshot, version)
    if snapshot is None:
        raise RulesetNotArchived(version)
    return {str(name): str(text) for name, text in snapshot.files.items()}


def load_archived(session: Session, version: str, profile: str, *, replay: bool = False) -> RuleSet:
    """The archived rule set under a profile. Its version is the hash of the stored texts: if someone changed
    the archive, the returned version differs from `version` (the caller compares).

    The snapshot holds the folder's seal, which is checked as on disk. A snapshot made before rule sets were
    sealed has none: it is refused (it never serves a patient again: not as a fallback, not once approved),
    except for `replay=True`, the re-screening of the decisions it made (`suitability reproduce`), where the
    version hash alone proves these are the texts that decided."""
    files = archived_files(session, version)
    return load_rules_from_files(files, profile, sealed=not replay or SEAL in files)


def newest_archived_version(session: Session, profile: str) -> str | None:
    """The archived rule-set version that decided the newest stored case under `profile`, or None: what a
    worker whose rules on disk cannot load falls back on (services/archived_rules)."""
    newest = (select(Case.ruleset_version).join(RulesetSnapshot, RulesetSnapshot.version == Case.ruleset_version)
              .where(Case.profile == profile).order_by(Case.created_at.desc()).limit(1))
    return session.scalar(newest)

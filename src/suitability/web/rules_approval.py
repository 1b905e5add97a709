"""REQUIRE_APPROVED_RULES: a worker screens only under a rule-set version on the approved list (the database's).

At each reload check (RULES_CHECK_SECONDS, or SIGHUP) the watcher reads the rules on disk (only when the folder
changed) and the approved list (every check: approvals and revocations take effect on every app server
without a restart). The disk's version serves if approved; otherwise the approved version serving keeps
serving, else the most recently approved one is loaded from the rule-set archive; with none approved the
app's serving rules are held (`ServingRules.hold`): every door answers 503 with its honest page, and nothing
is screened. Health says "stale" and names the version on disk awaiting approval (`ruleset_pending`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import SuitabilityError
from ..rules.loading import RuleSet, default_rules_dir, load_rules
from ..screening import Screener, configured_profile
from ..services.errors import StorageError
from ..services.serving import ServingRules
from .rules_reload import RACY_NS, Fingerprint, RulesetState, RulesWatcher, fingerprint

log = logging.getLogger(__name__)
NOT_CHECKED = "the rule set has not been checked against the approved list yet"


class ApprovedRulesWatcher(RulesWatcher):
    """A rules watcher that installs only approved versions (one per app and process)."""

    def __init__(self, interval: float, approved: Callable[[], list[str]],
                 archived: Callable[[str], RuleSet | None], clock: Callable[[], float] = time.monotonic,
                 rules: ServingRules | None = None) -> None:
        super().__init__(interval, clock, rules=rules)
        self.approved = approved  # the versions approved now (by APPROVALS_REQUIRED admins), newest first
        self.archived_ruleset = archived         # an approved version's rule set from the archive, or None
        self.pending: str | None = None         # the version on disk, while it is not approved
        self.source = "disk"
        self._disk: RuleSet | None = None        # the rules on disk as last read, if they load
        self._disk_error: str | None = None
        self._disk_seen: Fingerprint | None = None

    def check(self, force: bool = False) -> None:
        """Read the disk if it changed and the approved list always, then serve the right version."""
        directory = default_rules_dir().resolve()
        seen = fingerprint(directory)
        if force or seen != self._disk_seen:
            fresh = time.time_ns() - RACY_NS  # as RulesWatcher: a file this fresh may change unseen; read again
            self._disk_seen = None if any(entry[3] >= fresh for entry in seen) else seen
            self._read_disk(directory)
        try:
            approved = self.approved()
        except StorageError as exc:  # keep whatever serves; a fresh worker stays held
            self.error = f"the approved list cannot be read ({exc})"
            log.error("%s; keeping rule set %s", self.error, _version(self.rules.installed()) or "(none)")
            return
        self._serve(approved)

    def _read_disk(self, directory: Path) -> None:
        previous = self._disk_error
        try:
            self._disk, self._disk_error = load_rules(directory, configured_profile()), None
        except SuitabilityError as exc:
            self._disk, self._disk_error = None, str(exc)
            if previous != self._disk_error:
                log.error("the rules on disk do not load: %s", exc)

    def _serve(self, approved: list[str]) -> None:
        serving, disk = self.rules.installed(), self._disk
        if disk is not None and disk.version in approved:
            self.pending, self.error, self.source = None, None, "disk"
            if _version(serving) != disk.version:
                self._install(serving, disk, "disk")
            return
        self.pending = disk.version if disk is not None else None
        why = (f"rule set {disk.version} on disk awaits approval" if disk is not None
               else f"the rules on disk do not load: {self._disk_error}")
        if serving is not None and serving.ruleset.version in approved:
            self.error = why
            return
        for version in approved:  # the most recently approved first
            ruleset = self.archived_ruleset(version)
            if ruleset is not None:
                self._install(serving, ruleset, "archive")
                self.error = why
                return
        self.error = f"no approved rule set can serve; {why}"
        if serving is not None or self._refused != (self.pending, self.error):
            log.error("%s: not screening until a rule set is approved", self.error)
        self._refused = (self.pending or "", self.error)
        self.rules.hold(self.error)

    def _install(self, serving: Screener | None, ruleset: RuleSet, source: str) -> None:
        try:
            self.rules.install(ruleset)
        except SuitabilityError as exc:
            log.error("approved rule set %s does not compile: %s", ruleset.version, exc)
            return
        self.source = source
        log.info("serving approved rule set %s (from the %s)", ruleset.version, source)

    def state(self) -> RulesetState:
        """What health reports: the approved version serving, or none, and the version awaiting approval."""
        serving = self.rules.installed()
        if serving is None:
            return RulesetState(None, "unavailable", self.error or NOT_CHECKED, pending=self.pending)
        return RulesetState(serving.ruleset.version, "stale" if self.error else "current", self.error,
                            self.source, pending=self.pending)


def _version(screener: Screener | None) -> str | None:
    return screener.ruleset.version if screener is not None else None


def start(interval: float, approved: Callable[[], list[str]], archived: Callable[[str], RuleSet | None],
          rules: ServingRules) -> ApprovedRulesWatcher:
    """A watcher for a new app: hold the app's serving rules (nothing from disk unchecked) until the first check;
    `approved` lists the versions approved now (by as many different admins as the clinic requires)."""
    rules.hold(NOT_CHECKED)
    return ApprovedRulesWatcher(interval, approved, archived, rules=rules)


__all__ = ["ApprovedRulesWatcher", "start"]

"""The rule set one app serves: its screener, replaced on reload, held while no approved rule set may serve.

An app (each `create_app`) owns one `ServingRules`; nothing of it is shared with another app of the process or
with the library's `suitability.screen`. Apps that start on the same rule files share the loaded `RuleSet` (an
immutable value, loaded once per content) and the first screener compiled from it, which is never changed in
place: the first reload or install gives the app a screener of its own, swapped in place from then on.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from ..errors import RulesNotApproved, SuitabilityError
from ..rules.loading import RuleSet, default_rules_dir, load_rules, read_rule_files, version_of
from ..screening import RECENT_RULESETS, Screener, configured_profile

log = logging.getLogger(__name__)
SHARED_SCREENERS = 4  # screeners of distinct rule contents kept for new apps (tests create many apps)

_shared: OrderedDict[tuple[str, str], Screener] = OrderedDict()
_shared_lock = threading.Lock()


def shared_screener(directory: Path | str | None = None, profile: str | None = None) -> Screener:
    """A screener of the rules in `directory` (default: the configured folder) under `profile` (default: the
    configured one), shared by apps starting on the same content; raises SuitabilityError if they do not load."""
    root = Path(directory) if directory is not None else default_rules_dir()
    profile = profile or configured_profile()
    try:
        key: tuple[str, str] | None = (profile, version_of(read_rule_files(root)))
    except (OSError, SuitabilityError):  # the load below says what is wrong, as it always has
        key = None
    with _shared_lock:
        found = _shared.get(key) if key is not None else None
        if found is not None and key is not None:
            _shared.move_to_end(key)
            return found
    # Not under the lock: loading takes a while, and two apps loading the same content at once is harmless.
    screener = Screener(load_rules(root, profile))
    with _shared_lock:
        screener = _shared.setdefault((profile, screener.ruleset.version), screener)
        while len(_shared) > SHARED_SCREENERS:
            _shared.popitem(last=False)  # not closed: an app may still serve it
    return screener


class ServingRules:
    """One app's serving rule set: the screener now (built on first use), or a hold that says why none serves."""

    def __init__(self, build: Callable[[], Screener] = shared_screener) -> None:
        """`build` gives the screener to serve when none is installed and none is held (the rules on disk)."""
        self.build = build
        self.last_error: str | None = None  # why the last reload was refused
        self._lock = threading.Lock()
        self._current: Screener | None = None
        self._owned = False  # the current screener is this app's alone (may be changed in place)
        self._held: str | None = None
        self._recent: OrderedDict[str, RuleSet] = OrderedDict()

    def __call__(self) -> Screener:
        """The screener serving now (see `screener`)."""
        return self.screener()

    def screener(self) -> Screener:
        """The screener serving now, built from the rules on disk if none is yet; raises RulesNotApproved while
        held and SuitabilityError if the rules cannot load."""
        current = self._current
        if current is not None:
            return current
        with self._lock:
            if self._current is None:
                if self._held is not None:
                    raise RulesNotApproved(self._held)
                self._set(self.build(), owned=False)
            assert self._current is not None
            return self._current

    def installed(self) -> Screener | None:
        """The screener serving now if one is built or installed; never builds one."""
        return self._current

    def replace(self, screener: Screener | None) -> None:
        """Serve `screener` (it becomes this app's own) and end any hold; None builds one from disk on next use."""
        with self._lock:
            self._held = None
            if screener is None:
                self._current, self._owned = None, False
            else:
                self._set(screener, owned=True)

    def hold(self, reason: str) -> None:
        """Serve no rule set until one is installed: `screener` raises RulesNotApproved(reason) meanwhile."""
        with self._lock:
            self._current, self._owned, self._held = None, False, reason

    def install(self, ruleset: RuleSet) -> None:
        """Compile `ruleset` and serve it; raises SuitabilityError and keeps the one serving if it is refused."""
        with self._lock:
            current = self._current
            if current is not None and self._owned:
                current.install(ruleset)  # in place: a screening under way retries on the new rules
                self._remember(ruleset)
            else:
                self._set(Screener(ruleset), owned=True)
                log.info("rule set %s serves (was %s)", ruleset.version,
                         current.ruleset.version if current is not None else "none")
            self._held = None

    def reload(self, directory: Path | str | None = None) -> bool:
        """Load the rules in `directory` and serve them; on any error keep the ones serving and say why."""
        current = self.screener()
        try:
            self.install(load_rules(directory, current.ruleset.profile))
        except SuitabilityError as exc:
            self.last_error = str(exc)
            log.error("rule set refused, keeping %s: %s", current.ruleset.version, exc)
            return False
        self.last_error = None
        return True

    def ruleset_for(self, version: str) -> RuleSet | None:
        """The rule set of `version` if this app served it recently (the current one and the few before it)."""
        current = self._current
        found = current.ruleset_for(version) if current is not None else None
        return found if found is not None else self._recent.get(version)

    def _set(self, screener: Screener, *, owned: bool) -> None:
        """Serve `screener` (call under the lock)."""
        self._current, self._owned = screener, owned
        self._remember(screener.ruleset)

    def _remember(self, ruleset: RuleSet) -> None:
        self._recent[ruleset.version] = ruleset
        self._recent.move_to_end(ruleset.version)
        while len(self._recent) > RECENT_RULESETS:
            self._recent.popitem(last=False)


__all__ = ["ServingRules", "shared_screener"]

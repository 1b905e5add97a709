"""Rules that change on a running server: each process notices an edited rules folder and reloads it.

No background thread (gunicorn workers fork): a `before_request` hook compares a cheap fingerprint of the
folder (name, inode, size and mtime of every YAML file) at most every RULES_CHECK_SECONDS (0: never) and, when
it changed, asks the app's serving rules to reload (`ServingRules.reload`), which validates the new rules and
keeps the last good ones if they are broken. SIGHUP asks for a reload on the next request. Health reports which
version serves and whether it is stale (the folder holds rules that were refused), so a load balancer can tell.
A process with no rules of its own to keep (started while the folder is broken) serves the newest archived rule
set (services/archived_rules).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..errors import SuitabilityError
from ..rules.loading import content_version, default_rules_dir
from ..screening import Screener
from ..services import RULES
from ..services.serving import ServingRules
from .collector import refreeze
from .config import DEFAULTS

log = logging.getLogger(__name__)
KEY = RULES
DEFAULT_CHECK_SECONDS = DEFAULTS["RULES_CHECK_SECONDS"]
RACY_NS = 2_000_000_000  # file timestamps are coarse (a clock tick, or 2 s on some file systems)
Fingerprint = tuple[tuple[str, int, int, int], ...]

_reload_requested = threading.Event()  # set by SIGHUP (process-wide: every app of the process reloads)
UNAVAILABLE_PAGE = ("Sorry, we cannot check answers right now",
                    ("The pre-screen is being updated. Please try again in a few minutes. "
                     "Answers you already gave in this browser are kept."))


def fingerprint(directory: Path) -> Fingerprint:
    """Name, inode, size and mtime of every rule file: a change of content nearly always changes one."""
    entries = []
    try:
        paths = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml"))
        for path in paths:
            info = path.stat()
            entries.append((path.relative_to(directory).as_posix(), info.st_ino, info.st_size, info.st_mtime_ns))
    except OSError:  # a folder being replaced: the next check sees the finished one
        return ((str(directory), -1, -1, time.monotonic_ns()),)
    return tuple(entries)


@dataclass(frozen=True)
class RulesetState:
    """What health reports: the version serving (None: none), current / stale / unavailable, and why."""

    version: str | None
    status: str
    error: str | None
    source: str = "disk"  # or "archive": the rules on disk never loaded here; the database's newest serve
    pending: str | None = None  # REQUIRE_APPROVED_RULES: the version on disk awaiting approval (rules_approval)


class RulesWatcher:
    """One per app and process: checks the rules folder now and then, and reloads the app's serving rules."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 fallback: Callable[[], Screener | None] | None = None, rules: ServingRules | None = None) -> None:
        self.interval = interval
        self.rules = rules if rules is not None else ServingRules()  # the app's: what this watcher replaces
        self.clock = clock
        self.fallback = fallback                 # rules to serve when none on disk can load (the archive's)
        self.archived: str | None = None         # the archived version serving, if the fallback was taken
        self._checked = False                    # the first request checks even with checks off (interval 0)
        self._unserved = False                   # no rules at all: try the archive again at each check
        self.error: str | None = None           # why the rules on disk are not the ones serving
        self._seen: Fingerprint | None = None    # the folder as it was at the last check
        self._refused: tuple[str, str] | None = None  # the content version last refused, and why
        self._next_check = 0.0
        self._lock = threading.Lock()

    def maybe_check(self) -> None:
        """Check if the interval has passed or SIGHUP asked; another thread checking meanwhile is enough."""
        forced = _reload_requested.is_set()
        if not forced and self._checked and (self.interval <= 0 or self.clock() < self._next_check):
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            if forced:
                _reload_requested.clear()
            self._next_check = self.clock() + self.interval
            self._checked = True
            before = self._serving_ruleset()
            self.check(force=forced)
            if self._serving_ruleset() is not before:  # the old rules' objects may be frozen (collector)
                refreeze()
        finally:
            self._lock.release()

    def check(self, force: bool = False) -> None:
        """Reload when the folder changed (or `force`); a refused rule set is logged once per content."""
        # Resolved once: a folder published by swapping a symlink is read wholly from one side of the swap.
        directory = default_rules_dir().resolve()
        seen = fingerprint(directory)  # before reading: an edit during the load shows at the next check
        if seen == self._seen and not force and not self._unserved:
            return
        # "Racy git": a same-size edit within one timestamp tick of this look would leave the fingerprint as it
        # is. While any file is that fresh, compare contents again at the next check instead.
        fresh = time.time_ns() - RACY_NS
        self._seen = None if any(entry[3] >= fresh for entry in seen) else seen
        try:
            version = content_version(directory)
        except OSError as exc:
            version = f"unreadable:{type(exc).__name__}"
        except SuitabilityError as exc:  # e.g. a file that is not UTF-8: the load below refuses it, naming it
            version = f"unreadable:{exc}"
        try:
            screener = self.rules.screener()  # builds it if none is loaded yet (e.g. broken at start, fixed now)
        except SuitabilityError as exc:
            self._unserved = not self._fall_back(exc)  # e.g. the database was down: try again next time
            if self._unserved and self._refused != (version, str(exc)):
                log.error("no rule set can be loaded, none archived to serve instead; cannot screen: %s", exc)
            self.error, self._refused = str(exc), (version, str(exc))
            return
        self._unserved = False
        if version == screener.ruleset.version and not force:
            self.error, self.archived = None, None  # a broken edit undone, or a first load that worked after all
        elif self._refused and self._refused[0] == version and not force:
            self.error = self._refused[1]  # content already refused: say so again, but do not log it again
        elif self.rules.reload(directory):  # validates first; logs a refusal naming file, rule and field
            self.error, self._refused, self.archived = None, None, None
        else:
            self.error = self.rules.last_error or "the rule files were refused"
            self._refused = (version, self.error)

    def _fall_back(self, exc: SuitabilityError) -> bool:
        """No rules of our own: serve the archive's newest, if there is one (and none was installed meanwhile)."""
        screener = self.fallback() if self.fallback is not None else None
        if screener is None:
            return False
        self.rules.replace(screener)
        self.archived = screener.ruleset.version
        log.error("the rules on disk cannot load (%s); serving archived rule set %s from the database until they "
                  "can", exc, self.archived)
        return True

    def serving(self) -> Screener | None:
        """The app's screener if one is (or can be) loaded; None if no rule set can be."""
        try:
            return self.rules.screener()
        except SuitabilityError:
            return None

    def _serving_ruleset(self) -> object:
        """The rule set serving now, or None."""
        screener = self.serving()
        return screener.ruleset if screener is not None else None

    def state(self) -> RulesetState:
        """What health reports of the rules serving now."""
        screener = self.serving()
        if screener is None:
            return RulesetState(None, "unavailable", self.error or "no rule set is loaded")
        source = "archive" if self.archived is not None and screener.ruleset.version == self.archived else "disk"
        return RulesetState(screener.ruleset.version, "stale" if self.error else "current", self.error, source)


def request_reload(signum: int | None = None, frame: object = None) -> None:
    """Ask every app of this process to reload its rules on its next request (the SIGHUP handler)."""
    _reload_requested.set()


def install_signal_handler() -> bool:
    """SIGHUP -> reload on the next request. Called by the servers (gunicorn's `post_worker_init`, `suitability
    serve`), not by `create_app`: a command-line tool should still end when its terminal hangs up. Only the main
    thread may install it; False if it could not be installed."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return False
    signal.signal(signal.SIGHUP, request_reload)
    return True


def watcher() -> RulesWatcher:
    """The current app's watcher."""
    found = current_app.extensions[KEY]
    assert isinstance(found, RulesWatcher)
    return found


def ruleset_state() -> RulesetState:
    """For health: the serving version, its status and the error of the rules refused."""
    return watcher().state()


__all__ = ["RulesWatcher", "RulesetState", "fingerprint", "install_signal_handler", "request_reload",
           "ruleset_state"]

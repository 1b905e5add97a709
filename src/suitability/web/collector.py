"""Python's cycle collector in a long-running worker: what start-up built is frozen out of its scans.

A worker holds some 140 000 objects from start-up (modules, the app, compiled rules, SQLAlchemy's mappers) that
live as long as it does. Without this, every full collection walks all of them again, a few milliseconds each
time, landing on whichever request allocated last. `gc.freeze()` after start-up moves them to a generation the
collector never scans (reference counting still frees them as usual). Cycles among frozen objects that later
become garbage would stay, so when a new rule set replaces the old one the freeze is redone after a collection.
"""

from __future__ import annotations

import gc


def freeze_start_up() -> None:
    """Collect start-up's garbage, then keep everything still alive out of later collections (a worker calls
    this once its app is loaded: gunicorn's `post_worker_init`)."""
    gc.collect()
    gc.freeze()


def refreeze() -> None:
    """After long-lived objects were replaced (a rule-set reload): let the collector free them, freeze again.
    Does nothing in a process that never froze (tests, the CLI)."""
    if gc.get_freeze_count():
        gc.unfreeze()
        freeze_start_up()


__all__ = ["freeze_start_up", "refreeze"]

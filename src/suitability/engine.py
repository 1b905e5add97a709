"""The one adapter around durable_rules: it only reports which rules match a screening's facts.

Measured limits (shared/notes/durable-rules.md) shape it: facts are asserted, never posted; one screening at a
time per ruleset behind a lock, its session deleted in `finally` (session ids hash to 32 bits and 1,024 live
sessions poison the process); no Host, no durable.lang, no timers; a catch-all rule and a warm-up screening
at start so delete_state never meets an uninitialised session.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

import durable_rules_engine as _engine

from .compiler import CATCH_ALL, compile_ruleset
from .errors import EngineError
from .facts import TREATMENT
from .ruleset import RuleSet

Match = tuple[str, int | None]  # (rule id, treatment index or None)
_names = itertools.count(1)


class Engine:
    """A compiled ruleset. `match` is thread-safe; `close` frees the C ruleset."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._closed = False
        definition = json.dumps(compile_ruleset(ruleset), allow_nan=False, ensure_ascii=False)
        try:
            self._handle = _engine.create_ruleset(f"suitability-{next(_names)}", definition)
        except _engine.error as exc:
            raise EngineError(f"the engine refused the rule set: {exc}") from exc
        self.match([{"t": "screening", "setting": "clinic", "modality": "mechanical"}])  # warm-up

    def match(self, facts: list[dict[str, Any]]) -> frozenset[Match]:
        """Assert the facts in a fresh session, drain the agenda, delete the session; return what fired."""
        payload = facts
        with self._lock:
            if self._closed:
                raise EngineError("this engine was closed (the rule set was replaced)")
            sid = str(next(self._sids))
            fired: set[Match] = set()
            try:
                messages = json.dumps([{**f, "sid": sid, "id": f"{sid}.{i}"} for i, f in enumerate(payload)],
                                      allow_nan=False, ensure_ascii=False)
                result = _engine.assert_facts(self._handle, messages)
                if result[0] not in (0, 3):
                    raise EngineError(f"the engine did not accept the facts (code {result[0]})")
                state = result[1]
                step = _engine.start_action_for_state(self._handle, state)
                pending = step[1] if step else None
                guard = 0
                while pending:
                    guard += 1
                    if guard > 10_000:
                        raise EngineError("the engine did not finish (more than 10,000 actions)")
                    for name, frames in json.loads(pending).items():
                        if name.startswith(CATCH_ALL):
                            continue
                        fact = frames.get("m", {})
                        fired.add((name, fact.get("idx") if fact.get("t") == TREATMENT else None))
                    pending = _engine.complete_and_start_action(self._handle, state)
            except _engine.error as exc:
                raise EngineError(f"the engine failed: {exc}") from exc
            finally:
                try:
                    _engine.delete_state(self._handle, sid)
                except _engine.error:
                    pass  # never created (e.g. the facts were refused): nothing to delete
            return frozenset(fired)

    def close(self) -> None:
        """Free the C ruleset; later calls to match raise EngineError."""
        with self._lock:
            if not self._closed:
                self._closed = True
                _engine.delete_ruleset(self._handle)

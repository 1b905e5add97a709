"""The one adapter around durable_rules: it only reports which rules match a screening's facts.

Measured limits (shared/notes/durable-rules.md) shape it: facts are asserted, never posted; one screening at a
time per ruleset behind a lock, its session deleted in `finally` (session ids hash to 32 bits and 1,024 live
sessions poison the process); no Host, no durable.lang, no timers; a catch-all rule and a warm-up screening
at start so delete_state never meets an uninitialised session.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any

import durable_rules_engine as _engine

from .compiler import CATCH_ALL, compile_ruleset, fact_fields
from .errors import EngineError
from .facts import SCREENING, TREATMENT
from .rule import RuleSet

Match = tuple[str, int | None]  # (rule id, treatment index or None)
_names = itertools.count(1)
_IDX = re.compile(r'"idx":\s*(\d+)')
ACCEPTED = (0, 1, 3)  # ok; some fact matched no rule (normal: only the screening fact has a catch-all); observed
MAX_ACTIONS = 10_000


class Engine:
    """A compiled ruleset. `match` is thread-safe; `close` frees the C ruleset."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._closed = False
        # each fact carries only the fields some rule tests: less for the engine to parse, store and report
        tested = fact_fields(ruleset)
        self._fields: dict[str, tuple[str, ...]] = {  # "t" first, then "idx" (read back by _fired), then the rest
            topic: ("t", *(("idx",) if topic == TREATMENT else ()), *sorted(tested.get(topic, ())))
            for topic in {SCREENING, *tested}}
        self._per_treatment = frozenset(r.id for r in ruleset.matchable if r.topic == TREATMENT)
        self._rules = frozenset(r.id for r in ruleset.matchable)
        definition = json.dumps(compile_ruleset(ruleset), allow_nan=False, ensure_ascii=False)
        try:
            self._handle = _engine.create_ruleset(f"suitability-{next(_names)}", definition)
        except _engine.error as exc:
            raise EngineError(f"the engine refused the rule set: {exc}") from exc
        self.match([{"t": SCREENING, "setting": "clinic", "modality": "mechanical"}])  # warm-up

    def _messages(self, facts: list[dict[str, Any]], sid: str) -> str:
        """The facts as one JSON batch: the screening fact always (the catch-all needs it), any other fact only
        if some rule reads its topic, each with only the fields rules test."""
        batch = []
        keep = self._fields
        for i, fact in enumerate(facts):
            fields = keep.get(fact["t"])
            if fields is None:
                continue
            slim = {name: fact[name] for name in fields if name in fact}
            slim["sid"] = sid
            slim["id"] = f"{sid}.{i}"
            batch.append(slim)
        return json.dumps(batch, allow_nan=False, ensure_ascii=False)

    def _fired(self, frame: str) -> Match | None:
        """The rule and treatment of one agenda entry, '{"<rule id>":{"m":<fact>}}', without parsing the fact."""
        name = frame[2:frame.index('"', 2)]
        if name == CATCH_ALL:
            return None
        if name not in self._rules:
            raise EngineError(f"the engine reported an unknown rule {name!r}")
        if name not in self._per_treatment:
            return (name, None)
        found = _IDX.search(frame)
        if found is None:
            raise EngineError(f"the engine reported {name} without its treatment")
        return (name, int(found.group(1)))

    def match(self, facts: list[dict[str, Any]]) -> frozenset[Match]:
        """Assert the facts in a fresh session, drain the agenda, delete the session; return what fired."""
        with self._lock:
            if self._closed:
                raise EngineError("this engine was closed (the rule set was replaced)")
            sid = str(next(self._sids))
            fired: set[Match] = set()
            try:
                result = _engine.assert_facts(self._handle, self._messages(facts, sid))
                if result[0] not in ACCEPTED:
                    raise EngineError(f"the engine did not accept the facts (code {result[0]})")
                state = result[1]
                step = _engine.start_action_for_state(self._handle, state)
                pending = step[1] if step else None
                actions = 0
                while pending:
                    actions += 1
                    if actions > MAX_ACTIONS:
                        raise EngineError(f"the engine did not finish (more than {MAX_ACTIONS:,} actions)")
                    match = self._fired(pending)
                    if match is not None:
                        fired.add(match)
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

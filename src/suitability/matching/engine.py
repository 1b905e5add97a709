"""The one adapter around durable_rules: it only reports which rules match a screening's facts.

Measured limits (shared/notes/durable-rules.md) shape it: facts are asserted, never posted; one screening at a
time per ruleset behind a lock; no Host, no durable.lang, no timers; a catch-all rule and a warm-up screening at
start so delete_state never meets an uninitialised session.

Sessions: durable-rules zeroes about 8 KB of tables per rule for every new session (~1.4 MB, half the C time of
a screening), so each engine keeps ONE session, under one fixed id, and empties it after every screening: its
facts are retracted and the session must then hold no fact and have nothing due, else it is deleted. It is also
deleted outright on any error and every RECYCLE_AFTER screenings. One id per engine means no 32-bit hash
collision between patients and never more than one live session (the 1,024-session wall is never near).
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

import durable_rules_engine as _engine

from ..errors import EngineError
from ..intake import Intake
from ..intake.facts import SCREENING, TREATMENT
from ..rules.compiler import CATCH_ALL, compile_ruleset, fact_fields
from ..rules.model import RuleSet
from .batch import BatchWriter

Match = tuple[str, int | None]  # (rule id, treatment index or None)
_names = itertools.count(1)
_TREATMENT_HEAD = '":{"m":{"t":' + json.dumps(TREATMENT) + ',"idx":'  # how a treatment rule's agenda entry goes on
ACCEPTED = (0, 1, 3)  # ok; some fact matched no rule (normal: only the screening fact has a catch-all); deferred
MAX_ACTIONS = 10_000
SESSION = "1"  # the engine's one session id (see the module docstring)
RECYCLE_AFTER = 1_000  # screenings between outright deletions of the session: bounds whatever retraction leaves


class Engine:
    """A compiled ruleset. `match` and `match_intake` are thread-safe; `close` frees the C ruleset."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._lock = threading.Lock()
        self._since_fresh = 0  # screenings since the session was last deleted
        self._closed = False
        # each fact carries only the fields some rule tests: less for the engine to parse, store and report
        tested = fact_fields(ruleset)
        self._fields: dict[str, tuple[str, ...]] = {  # "t" first, then "idx" (read back by _fired), then the rest
            topic: ("t", *(("idx",) if topic == TREATMENT else ()), *sorted(tested.get(topic, ())))
            for topic in {SCREENING, *tested}}
        # per topic, each field with its JSON key written once: the batch is assembled as text (see _messages)
        self._keys = {topic: tuple((name, f'"{name}":') for name in fields if name != "t")
                      for topic, fields in self._fields.items()}
        self._heads = {topic: '{"t":' + json.dumps(topic) for topic in self._fields}
        self._writer = BatchWriter({topic: fields[1:] for topic, fields in self._fields.items()})
        self._kinds = {r.id: (r.topic == TREATMENT) for r in ruleset.matchable}  # rule id -> per treatment?
        self._strings: dict[str, str] = {}  # each string value (a closed vocabulary) JSON-encoded once
        definition = json.dumps(compile_ruleset(ruleset), allow_nan=False, ensure_ascii=False)
        try:
            self._handle = _engine.create_ruleset(f"suitability-{next(_names)}", definition)
        except _engine.error as exc:
            raise EngineError(f"the engine refused the rule set: {exc}") from exc
        self.match([{"t": SCREENING, "setting": "clinic", "modality": "mechanical"}])  # warm-up

    def _messages(self, facts: list[dict[str, Any]], sid: str) -> str:
        """The facts as one JSON batch: the screening fact always (the catch-all needs it), any other fact only
        if some rule reads its topic, each with only the fields rules test.

        Written as text, not by json.dumps of slimmed copies (a third of the Python time of a match): only ints
        (never bool) and strings are accepted, anything else is refused; strings are encoded by json.dumps, once
        per distinct value (the facts carry closed vocabularies, so the cache stays small; capped regardless)."""
        parts = []
        keys, heads, strings = self._keys, self._heads, self._strings
        tail = f',"sid":"{sid}","id":"{sid}.'
        for i, fact in enumerate(facts):
            fields = keys.get(fact["t"])
            if fields is None:
                continue
            items = [heads[fact["t"]]]
            for name, key in fields:
                if name not in fact:
                    continue
                value = fact[name]
                kind = type(value)
                if kind is str:
                    encoded = strings.get(value)
                    if encoded is None:
                        encoded = json.dumps(value, ensure_ascii=False)
                        if len(strings) < 10_000:
                            strings[value] = encoded
                elif kind is int:
                    encoded = str(value)
                else:
                    raise EngineError(f"the fact field {name} is a {kind.__name__}; only ints and strings reach "
                                      "the engine")
                items.append(key + encoded)
            parts.append(",".join(items) + f'{tail}{i}"}}')
        return "[" + ",".join(parts) + "]"

    def _fired(self, frame: str) -> Match | None:
        """The rule and treatment of one agenda entry, '{"<rule id>":{"m":<fact>}}', without parsing the fact
        (the fact is the text _messages wrote, so a treatment's index follows the tag at a known place)."""
        end = frame.index('"', 2)
        name = frame[2:end]
        per_treatment = self._kinds.get(name)
        if per_treatment is None:
            if name == CATCH_ALL:
                return None
            raise EngineError(f"the engine reported an unknown rule {name!r}")
        if not per_treatment:
            return (name, None)
        if not frame.startswith(_TREATMENT_HEAD, end):
            raise EngineError(f"the engine reported {name} without its treatment")
        start = end + len(_TREATMENT_HEAD)
        digits = frame[start:frame.index(",", start)]
        if not (digits.isascii() and digits.isdigit()):
            raise EngineError(f"the engine reported {name} without its treatment")
        return (name, int(digits))

    def match(self, facts: list[dict[str, Any]]) -> frozenset[Match]:
        """What fires for these facts (as `facts.intake_to_facts` makes them)."""
        with self._lock:
            return self._run(self._messages(facts, SESSION))

    def match_intake(self, intake: Intake) -> frozenset[Match]:
        """What fires for this intake's facts, written straight from the intake (the screening path)."""
        with self._lock:
            return self._run(self._writer.write(intake, SESSION))

    def _run(self, batch: str) -> frozenset[Match]:
        """Assert the batch in the engine's session, drain the agenda, empty the session (call under the lock)."""
        if self._closed:
            raise EngineError("this engine was closed (the rule set was replaced)")
        fired: set[Match] = set()
        emptied = False
        try:
            result = _engine.assert_facts(self._handle, batch)
            if result[0] not in ACCEPTED:
                raise EngineError(f"the engine did not accept the facts (code {result[0]})")
            state = result[1]
            step = _engine.start_action_for_state(self._handle, state)
            pending = step[1] if step else None
            actions = 0
            handle, read, complete = self._handle, self._fired, _engine.complete_and_start_action
            while pending:
                actions += 1
                if actions > MAX_ACTIONS:
                    raise EngineError(f"the engine did not finish (more than {MAX_ACTIONS:,} actions)")
                match = read(pending)
                if match is not None:
                    fired.add(match)
                pending = complete(handle, state)
            emptied = self._empty(batch)
        except _engine.error as exc:
            raise EngineError(f"the engine failed: {exc}") from exc
        finally:
            self._since_fresh += 1
            if not emptied or self._since_fresh >= RECYCLE_AFTER:
                self._delete_session()
        return frozenset(fired)

    def _empty(self, batch: str) -> bool:
        """Retract a screening's facts; True only if the session then holds no fact and has no action due
        (anything else and the caller deletes the session, so nothing reaches the next screening)."""
        try:
            result = _engine.retract_facts(self._handle, batch)
            return (result[0] in ACCEPTED and _engine.get_facts(self._handle, SESSION) == "[]"
                    and _engine.start_action_for_state(self._handle, result[1]) is None)
        except _engine.error:
            return False  # the screening's matches stand; the session is deleted instead

    def _delete_session(self) -> None:
        self._since_fresh = 0
        try:
            _engine.delete_state(self._handle, SESSION)
        except _engine.error:
            pass  # never created (e.g. the facts were refused): nothing to delete

    def close(self) -> None:
        """Free the C ruleset; later calls to match raise EngineError."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._delete_session()  # a live session would leak with the ruleset
                _engine.delete_ruleset(self._handle)

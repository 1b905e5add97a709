"""The rule model: a validated rule, the instructions and sources it cites, and the rule set that holds them.

Plain frozen data; parsing is in rules/parsing.py, loading in rules/loading.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..decision import Phase
from ..vocabulary import Outcome
from .conditions import Period, Test, is_treatment_rule, topic_of

STANDS, LAPSES = "stands", "lapses"  # what becomes of a rule once its wait has passed (`once_passed`)


@dataclass(frozen=True)
class Wait:
    """A wait counted from a date the patient gave.

    `stands`: once the wait has passed the rule still matches and its instructions still apply (a precaution:
    pause ibuprofen 7 days before); the wait only sets the earliest date while it runs. Otherwise the rule
    matches only while the wait runs (a deferral, which no longer defers once its wait has passed)."""

    after: str
    period: Period
    stands: bool = False

    @property
    def once_passed(self) -> str:
        return STANDS if self.stands else LAPSES


@dataclass(frozen=True)
class Rule:
    """One validated rule. `alternatives` is a tuple of AND-groups, any of which makes the rule match."""

    id: str
    title: str
    file: str
    alternatives: tuple[tuple[Test, ...], ...]
    outcome: Outcome | None
    patient: str
    rationale: str
    sources: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    wait: Wait | None = None
    wait_for: str | None = None
    depth_cap_mm: float | None = None
    instructions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    less_strict: dict[str, Any] = field(default_factory=dict)
    system: bool = False

    @property
    def topic(self) -> str:
        return topic_of(self.alternatives[0]) if self.alternatives else "system"

    @property
    def per_treatment(self) -> bool:
        return any(is_treatment_rule(group) for group in self.alternatives)

    @property
    def less_strict_reading(self) -> str | None:
        if not self.less_strict:
            return None
        return f"{self.less_strict.get('reading', '')} (held by {self.less_strict.get('held_by', 'unnamed')})"


@dataclass(frozen=True)
class InstructionSpec:
    """One entry of instructions.yaml: an instruction's text and when it applies relative to the appointment."""

    id: str
    phase: Phase
    text: str
    dated: str | None = None
    now: str | None = None  # instead of `dated` when the start would fall before the pre-screen
    days_before: int | None = None
    days_after: int | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One entry of the bibliography: what a rule's `sources` key refers to, and its evidence tier."""

    key: str
    tier: str
    title: str
    url: str | None = None
    document: str | None = None  # or a section of a document in this repository: "docs/evidence.md#anchor"


@dataclass(frozen=True)
class RuleSet:
    """Every rule, the instruction catalogue and the rule set's version (a hash of the files' content)."""

    rules: tuple[Rule, ...]
    instructions: dict[str, InstructionSpec]
    general_instructions: tuple[str, ...]
    depth_flag_above_mm: float
    version: str
    profile: str = "conservative"
    name: str = "suitability"
    sources: dict[str, Source] = field(default_factory=dict)  # sources.yaml, if the folder has one
    validity: dict[str, Period] = field(default_factory=dict)  # ruleset.yaml `validity:` (see deciding/validity.py)
    # the exact text the rule set was parsed from (relative name -> text): `version` is the hash of these, and
    # `load_rules_from_files(files, profile)` rebuilds the same rule set from a stored snapshot
    files: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule:
        return self.by_id[rule_id]

    @cached_property  # built once per rule set: a rule is looked up for every match of every screening
    def by_id(self) -> dict[str, Rule]:
        """Every rule by its id (read it, never change it)."""
        return {r.id: r for r in self.rules}

    @property
    def matchable(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if not r.system)

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Values derived from this rule set alone and reused across screenings (see deciding/combine.py); they go with
        the rule set when it is replaced."""
        return {}

    @cached_property  # built once per rule set: every screening orders its instructions by it
    def instruction_rank(self) -> dict[str, tuple[int, int, int, int]]:
        """Each catalogue entry's place in a decision: by phase, then furthest before / nearest after the
        appointment, then catalogue order."""
        phases = {Phase.BEFORE: 0, Phase.DAY_OF: 1, Phase.AFTER: 2}
        return {spec.id: (phases[spec.phase], -(spec.days_before or 0), spec.days_after or 0, position)
                for position, spec in enumerate(self.instructions.values())}

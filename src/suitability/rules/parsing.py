"""Parse and validate rule files: each rule, the instruction catalogue, and the engine's limits on a rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from ..decision import Phase
from ..errors import RuleFileError
from ..vocabulary import Outcome
from . import fields as rule_fields
from . import less_strict
from .compiler import compile_rule
from .conditions import Test, is_treatment_rule, parse_when, suggest, topic_of
from .model import InstructionSpec, Rule

CATALOGUE = "instructions.yaml"
RULE_KEYS = {
    "id", "title", "when", "when_any", "outcome", "wait", "wait_for", "depth_cap_mm", "instructions", "flags",
    "patient", "rationale", "sources", "evidence", "less_strict", "system",
}
# durable-rules refuses a rule whose condition has more than 15 $and/$or nodes (error 113, measured: see
# tests/unit/matching/test_engine.py), and names no rule when it does; so the loader counts them and names the rule.
MAX_ENGINE_NODES = 15


class _TextLoader(yaml.SafeLoader):
    """YAML where only true/false are booleans: 'yes', 'no', 'on', 'off' stay text (a clinician writes yes)."""


_TextLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_TextLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def parse_yaml(name: str, text: str) -> Any:
    """One file's YAML (yes/no stay text); a syntax error names the file."""
    try:
        return yaml.load(text, Loader=_TextLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleFileError(f"not valid YAML: {exc}", file=name) from None


def engine_nodes(value: Any) -> int:
    """The $and/$or nodes of a compiled condition, the count durable-rules limits."""
    if isinstance(value, dict):
        return sum((key in ("$and", "$or")) + engine_nodes(item) for key, item in value.items())
    if isinstance(value, list):
        return sum(engine_nodes(item) for item in value)
    return 0


def check_engine_limits(rule: Rule) -> None:
    """Refuse, naming the rule, a rule the engine would refuse (or, worse, refuse without naming it)."""
    if rule.system:
        return
    nodes = engine_nodes(compile_rule(rule))
    if nodes > MAX_ENGINE_NODES:
        key = "when_any" if len(rule.alternatives) > 1 else "when"
        raise RuleFileError(
            f"too complex for the engine: {nodes} and/or nodes, at most {MAX_ENGINE_NODES} (the rule, and in a "
            "when_any the list and each group, count one): split the rule in two",
            file=rule.file, rule_id=rule.id, field=key)


def _alternatives(raw: dict[str, Any], where: dict[str, Any]) -> tuple[tuple[Test, ...], ...]:
    if ("when" in raw) == ("when_any" in raw):
        raise RuleFileError("give exactly one of 'when' or 'when_any'", **where, field="when")
    if "when" in raw:
        return (parse_when(raw["when"], where),)
    groups = raw["when_any"]
    if not isinstance(groups, list) or not groups:
        raise RuleFileError("'when_any' must be a non-empty list of mappings", **where, field="when_any")
    alternatives = tuple(parse_when(g, where) for g in groups)
    if len({topic_of(g) for g in alternatives}) > 1:
        raise RuleFileError("all 'when_any' groups must test the same topic", **where, field="when_any")
    return alternatives


def parse_rule(raw: Any, file: str) -> Rule:
    """Validate one rule mapping; every problem names the file, the rule and the field."""
    if not isinstance(raw, dict):
        raise RuleFileError("each rule must be a mapping", file=file)
    rule_id = str(raw.get("id", "")).strip()
    where: dict[str, Any] = {"file": file, "rule_id": rule_id or None}
    if not rule_id or not all(part.isalnum() and part.islower() or part.isdigit() for part in rule_id.split("-")):
        raise RuleFileError("every rule needs an id in kebab-case (e.g. isotretinoin-past)", **where, field="id")
    for key in raw:
        if key not in RULE_KEYS:
            raise RuleFileError("unknown key", **where, field=str(key), suggestion=suggest(key, RULE_KEYS))
    for key in ("title", "patient" if raw.get("outcome") else "title", "rationale"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleFileError(f"'{key}' is required and must be text", **where, field=key)
    system = raw.get("system") is True
    alternatives = () if system else _alternatives(raw, where)
    topic = topic_of(alternatives[0]) if alternatives else "system"
    outcome = rule_fields.outcome(raw["outcome"], where) if raw.get("outcome") is not None else None
    if outcome is Outcome.SUITABLE:
        raise RuleFileError("a rule's outcome cannot be 'suitable': no finding means suitable", **where,
                            field="outcome")
    cap = raw.get("depth_cap_mm")
    if cap is not None:
        cap = rule_fields.depth_cap(cap, where, any(is_treatment_rule(g) for g in alternatives))
    if outcome is None and cap is None and not system:
        raise RuleFileError("a rule needs an outcome or a depth_cap_mm", **where, field="outcome")
    sources = rule_fields.texts(raw.get("sources"), where, "sources")
    if not sources:
        raise RuleFileError("every rule names its source", **where, field="sources")
    less = raw.get("less_strict")
    if less is not None and not isinstance(less, dict):
        raise RuleFileError("less_strict needs 'reading' and 'held_by'", **where, field="less_strict")
    rule = Rule(
        id=rule_id, title=raw["title"].strip(), file=file, alternatives=alternatives, outcome=outcome,
        patient=str(raw.get("patient", "")).strip(), rationale=raw["rationale"].strip(), sources=sources,
        evidence=rule_fields.texts(raw.get("evidence"), where, "evidence"),
        wait=rule_fields.wait(raw["wait"], where, topic) if raw.get("wait") is not None else None,
        wait_for=str(raw["wait_for"]).strip() if raw.get("wait_for") else None,
        depth_cap_mm=cap,
        instructions=rule_fields.texts(raw.get("instructions"), where, "instructions"),
        flags=rule_fields.texts(raw.get("flags"), where, "flags"),
        less_strict=dict(less or {}), system=system,
    )
    rule_fields.check_wait_kind(rule.outcome, rule.wait, where)
    if less:
        less_strict.check(rule)
    check_engine_limits(rule)
    return rule


def parse_rule_files(files: Iterable[tuple[str, Any]]) -> list[Rule]:
    """Every rule of every (file name, parsed YAML) pair; rule ids are unique across files."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name, data in files:
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise RuleFileError("a rule file must hold a 'rules:' list", file=name)
        for raw in data["rules"]:
            rule = parse_rule(raw, name)
            if rule.id in seen:
                raise RuleFileError(f"duplicate rule id (also in {seen[rule.id]})", file=name, rule_id=rule.id,
                                    field="id")
            seen[rule.id] = name
            rules.append(rule)
    return rules


def parse_instructions(raw: Any) -> dict[str, InstructionSpec]:
    """instructions.yaml: the catalogue of instructions rules refer to by id."""
    if not isinstance(raw, dict) or not isinstance(raw.get("instructions"), list):
        raise RuleFileError("must hold an 'instructions:' list", file=CATALOGUE)
    specs: dict[str, InstructionSpec] = {}
    for item in raw["instructions"]:
        where = {"file": CATALOGUE, "rule_id": str(item.get("id")) if isinstance(item, dict) else None}
        if not isinstance(item, dict) or not item.get("id") or not item.get("text"):
            raise RuleFileError("each instruction needs an id and a text", **where)
        try:
            phase = Phase(item.get("phase"))
        except ValueError:
            raise RuleFileError("phase must be before, day_of or after", **where, field="phase") from None
        for key in ("days_before", "days_after"):
            if item.get(key) is not None and (not isinstance(item[key], int) or item[key] < 0):
                raise RuleFileError(f"{key} must be a whole number of days", **where, field=key)
        if item["id"] in specs:
            raise RuleFileError("duplicate instruction id", **where, field="id")
        now = (item.get("now") or "").strip() or None
        if phase is Phase.BEFORE and item.get("days_before") and item.get("dated") and now is None:
            # its start can fall before the pre-screen (a too-early appointment, an appointment within days):
            # the patient is then told "now", never a date in the past
            raise RuleFileError("a dated instruction before the appointment needs a 'now' text for when its "
                                "start has already passed", **where, field="now")
        if now is not None and "{" in now:
            raise RuleFileError("'now' is plain text: no {starts} or {ends}", **where, field="now")
        specs[item["id"]] = InstructionSpec(
            id=item["id"], phase=phase, text=item["text"].strip(), dated=(item.get("dated") or "").strip() or None,
            now=now,
            days_before=item.get("days_before"), days_after=item.get("days_after"),
            sources=rule_fields.texts(item.get("sources"), where, "sources"))
    return specs

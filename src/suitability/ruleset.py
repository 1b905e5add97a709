"""Load the rule files in `rules/`, validate every rule at load, and give the rule set its content hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

from .conditions import Period, Test, is_treatment_rule, parse_period, parse_when, suggest, topic_of
from .decision import Phase
from .errors import RuleFileError
from .facts import FIELDS
from .validity import parse_validity
from .vocabulary import Outcome

PROFILES = ("conservative", "standard")
MANIFEST = "ruleset.yaml"
CATALOGUE = "instructions.yaml"
BIBLIOGRAPHY = "sources.yaml"
TIERS = ("A", "B", "C", "D", "E", "J")  # evidence.md "Source tiers"; J: the compiler's judgement
RULE_KEYS = {
    "id", "title", "when", "when_any", "outcome", "wait", "wait_for", "depth_cap_mm", "instructions", "flags",
    "patient", "rationale", "sources", "evidence", "less_strict", "system",
}
LESS_STRICT_KEYS = {"reading", "held_by", "outcome", "wait", "depth_cap_mm", "drop"}


class _TextLoader(yaml.SafeLoader):
    """YAML where only true/false are booleans: 'yes', 'no', 'on', 'off' stay text (a clinician writes yes)."""


_TextLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_TextLoader.add_implicit_resolver("tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|false)$"),
                                  list("tf"))


@dataclass(frozen=True)
class Wait:
    """A wait counted from a date the patient gave."""

    after: str
    period: Period


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
    id: str
    phase: Phase
    text: str
    dated: str | None = None
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
    validity: dict[str, Period] = field(default_factory=dict)  # ruleset.yaml `validity:` (see validity.py)
    # the exact text the rule set was parsed from (relative name -> text): `version` is the hash of these, and
    # `load_rules_from_files(files, profile)` rebuilds the same rule set from a stored snapshot
    files: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @cached_property  # built once per rule set: `rule` is called for every match of every screening
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @property
    def matchable(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if not r.system)


def default_rules_dir() -> Path:
    """SUITABILITY_RULES_DIR, else the rules shipped inside the package (the source tree's `rules/`)."""
    env = os.environ.get("SUITABILITY_RULES_DIR")
    if env:
        return Path(env)
    shipped = resources.files("suitability") / "_data" / "rules"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "rules"


RULE_FILE_SUFFIXES = (".yaml", ".yml")


def read_rule_files(directory: Path | str) -> dict[str, str]:
    """Every .yaml/.yml file under the folder, each read once: relative name -> text (UTF-8, line ends kept)."""
    root = Path(directory)
    files: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in RULE_FILE_SUFFIXES):
        name = path.relative_to(root).as_posix()
        try:
            files[name] = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise RuleFileError(f"cannot read: {exc.strerror}", file=name) from None
        except UnicodeDecodeError as exc:
            raise RuleFileError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    return files


def version_of(files: Mapping[str, str]) -> str:
    """sha256 over every file's relative name and UTF-8 bytes, in name order: the rule set's version."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def content_version(directory: Path) -> str:
    """The version a rule folder would load as (see `version_of`)."""
    return version_of(read_rule_files(directory))


def _parse_yaml(name: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_TextLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as exc:
        raise RuleFileError(f"not valid YAML: {exc}", file=name) from None


def _texts(raw: Any, where: dict[str, Any], key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(i, str) and i.strip() for i in items):
        raise RuleFileError(f"'{key}' must be a list of non-empty texts", **where, field=key)
    return tuple(items)


def _outcome(raw: Any, where: dict[str, Any], key: str = "outcome") -> Outcome:
    try:
        return Outcome(raw)
    except ValueError:
        raise RuleFileError(f"{raw!r} is not an outcome", **where, field=key,
                            suggestion=suggest(raw, [o.value for o in Outcome])) from None


def _wait(raw: Any, where: dict[str, Any]) -> Wait:
    if not isinstance(raw, dict) or "after" not in raw or len(raw) != 2:
        raise RuleFileError("use wait: {after: <date field>, days|weeks|months: N}", **where, field="wait")
    after = str(raw["after"])
    if after not in FIELDS or FIELDS[after].kind != "date":
        raise RuleFileError(f"{after!r} is not a date field", **where, field="wait",
                            suggestion=suggest(after, [n for n, f in FIELDS.items() if f.kind == "date"]))
    (unit, n), = ((k, v) for k, v in raw.items() if k != "after")
    return Wait(after, parse_period({unit: n}, {**where, "field": "wait"}))


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
    if system:
        alternatives: tuple[tuple[Test, ...], ...] = ()
    elif ("when" in raw) == ("when_any" in raw):
        raise RuleFileError("give exactly one of 'when' or 'when_any'", **where, field="when")
    elif "when" in raw:
        alternatives = (parse_when(raw["when"], where),)
    else:
        groups = raw["when_any"]
        if not isinstance(groups, list) or not 1 <= len(groups) <= 14:
            raise RuleFileError("'when_any' must be a list of 1 to 14 mappings", **where, field="when_any")
        alternatives = tuple(parse_when(g, where) for g in groups)
        if len({topic_of(g) for g in alternatives}) > 1:
            raise RuleFileError("all 'when_any' groups must test the same topic", **where, field="when_any")
    outcome = _outcome(raw["outcome"], where) if raw.get("outcome") is not None else None
    if outcome is Outcome.SUITABLE:
        raise RuleFileError("a rule's outcome cannot be 'suitable': no finding means suitable", **where,
                            field="outcome")
    cap = raw.get("depth_cap_mm")
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not 0 < cap <= 3:
            raise RuleFileError("depth_cap_mm must be a number of mm between 0 and 3", **where, field="depth_cap_mm")
        if not any(is_treatment_rule(g) for g in alternatives):
            raise RuleFileError("a depth cap needs a test on a treatment field (area, concern, region...)",
                                **where, field="depth_cap_mm")
    if outcome is None and cap is None and not system:
        raise RuleFileError("a rule needs an outcome or a depth_cap_mm", **where, field="outcome")
    sources = _texts(raw.get("sources"), where, "sources")
    if not sources:
        raise RuleFileError("every rule names its source", **where, field="sources")
    less = raw.get("less_strict") or {}
    if less:
        if not isinstance(less, dict) or not {"reading", "held_by"} <= set(less):
            raise RuleFileError("less_strict needs 'reading' and 'held_by'", **where, field="less_strict")
        for key in less:
            if key not in LESS_STRICT_KEYS:
                raise RuleFileError("unknown key in less_strict", **where, field=str(key),
                                    suggestion=suggest(key, LESS_STRICT_KEYS))
        if "outcome" in less:
            _outcome(less["outcome"], where, "less_strict.outcome")
        if less.get("wait") not in (None, "none"):
            _wait(less["wait"], where)
    return Rule(
        id=rule_id, title=raw["title"].strip(), file=file, alternatives=alternatives, outcome=outcome,
        patient=str(raw.get("patient", "")).strip(), rationale=raw["rationale"].strip(), sources=sources,
        evidence=_texts(raw.get("evidence"), where, "evidence"),
        wait=_wait(raw["wait"], where) if raw.get("wait") is not None else None,
        wait_for=str(raw["wait_for"]).strip() if raw.get("wait_for") else None,
        depth_cap_mm=float(cap) if cap is not None else None,
        instructions=_texts(raw.get("instructions"), where, "instructions"),
        flags=_texts(raw.get("flags"), where, "flags"),
        less_strict=dict(less), system=system,
    )


def apply_profile(rule: Rule, profile: str) -> Rule | None:
    """The `standard` profile takes each disputed rule's less strict reading from the file (None: dropped)."""
    if profile == "conservative" or not rule.less_strict:
        return rule
    less = rule.less_strict
    if less.get("drop") is True:
        return None
    where = {"file": rule.file, "rule_id": rule.id}
    changes: dict[str, Any] = {}
    if "outcome" in less:
        changes["outcome"] = _outcome(less["outcome"], where)
    if "wait" in less:
        changes["wait"] = None if less["wait"] == "none" else _wait(less["wait"], where)
        if changes["wait"] is None and rule.wait is not None:
            # "no wait" drops the deferral date, not the window the dispute is about: the less strict reading
            # applies where the conservative one would, so `standard` is never stricter than `conservative`.
            changes["alternatives"] = _with_window(rule.alternatives, rule.wait)
    if "depth_cap_mm" in less:
        changes["depth_cap_mm"] = float(less["depth_cap_mm"])
    return replace(rule, **changes)


def _with_window(alternatives: tuple[tuple[Test, ...], ...], wait: Wait) -> tuple[tuple[Test, ...], ...]:
    """Each AND-group with the wait's window added as an explicit test (as the compiler adds it for a wait)."""
    period = wait.period
    window = (Test(wait.after, "within_months", period.months) if period.months
              else Test(wait.after, "within_days", period.days))
    return tuple(group + (window,) for group in alternatives)


def _parse_instructions(raw: Any) -> dict[str, InstructionSpec]:
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
        specs[item["id"]] = InstructionSpec(
            id=item["id"], phase=phase, text=item["text"].strip(), dated=(item.get("dated") or "").strip() or None,
            days_before=item.get("days_before"), days_after=item.get("days_after"),
            sources=_texts(item.get("sources"), where, "sources"))
    return specs


def parse_rule_files(files: Iterable[tuple[str, Any]]) -> list[Rule]:
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


def load_rules(directory: Path | str | None = None, profile: str = "conservative") -> RuleSet:
    """Read every file once, then validate and cross-check them; raise RuleFileError on the first problem."""
    if profile not in PROFILES:
        raise RuleFileError(f"unknown profile {profile!r}", suggestion=suggest(profile, PROFILES))
    root = Path(directory) if directory is not None else default_rules_dir()
    if not (root / MANIFEST).is_file():
        raise RuleFileError(f"no {MANIFEST} in {root}", file=MANIFEST)
    return load_rules_from_files(read_rule_files(root), profile)


def _is_rule_file(name: str) -> bool:
    return "/" not in name and name.endswith(".yaml") and name not in (MANIFEST, CATALOGUE, BIBLIOGRAPHY)


def load_rules_from_files(files: Mapping[str, str], profile: str = "conservative") -> RuleSet:
    """The rule set of these file texts (relative name -> text), e.g. a snapshot kept in a database."""
    if profile not in PROFILES:
        raise RuleFileError(f"unknown profile {profile!r}", suggestion=suggest(profile, PROFILES))
    files = MappingProxyType(dict(files))
    for required in (MANIFEST, CATALOGUE):
        if required not in files:
            raise RuleFileError("missing", file=required)
    manifest = _parse_yaml(MANIFEST, files[MANIFEST]) or {}
    if not isinstance(manifest, dict):
        raise RuleFileError("must be a mapping", file=MANIFEST)
    catalogue = _parse_instructions(_parse_yaml(CATALOGUE, files[CATALOGUE]))
    rules = parse_rule_files((name, _parse_yaml(name, files[name])) for name in sorted(files) if _is_rule_file(name))
    general = _texts(manifest.get("general_instructions"), {"file": MANIFEST}, "general_instructions")
    for rule in rules:
        for ref in rule.instructions:
            if ref not in catalogue:
                raise RuleFileError("unknown instruction", file=rule.file, rule_id=rule.id, field="instructions",
                                    suggestion=suggest(ref, catalogue))
    for ref in general:
        if ref not in catalogue:
            raise RuleFileError("unknown instruction", file=MANIFEST, field="general_instructions",
                                suggestion=suggest(ref, catalogue))
    bibliography = parse_bibliography(files[BIBLIOGRAPHY]) if BIBLIOGRAPHY in files else {}
    check_sources(rules, bibliography)
    validity = parse_validity(manifest.get("validity"), MANIFEST)
    profiled = tuple(r for r in (apply_profile(rule, profile) for rule in rules) if r is not None)
    ruleset = RuleSet(
        rules=profiled, instructions=catalogue, general_instructions=general,
        depth_flag_above_mm=float(manifest.get("depth_flag_above_mm", 1.5)),
        version=version_of(files), profile=profile, name=str(manifest.get("name", "suitability")),
        sources=bibliography, validity=validity, files=files,
    )
    from .coverage import check_coverage  # late import: coverage needs the RuleSet type

    check_coverage(ruleset)
    return ruleset


# --- the bibliography (issue 7): every source a rule cites is a key of sources.yaml, with its evidence tier ----

def parse_bibliography(text: str) -> dict[str, Source]:
    """sources.yaml's `sources:` mapping (key -> tier, title, url)."""
    raw = _parse_yaml(BIBLIOGRAPHY, text)
    entries = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise RuleFileError("must hold a 'sources:' mapping of key -> {tier, title, url}", file=BIBLIOGRAPHY,
                            field="sources")
    bibliography: dict[str, Source] = {}
    for key, entry in entries.items():
        where: dict[str, Any] = {"file": BIBLIOGRAPHY, "rule_id": str(key)}
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            raise RuleFileError("each source needs a tier and a title", **where, field="title")
        if entry.get("tier") not in TIERS:
            raise RuleFileError(f"tier must be one of {', '.join(TIERS)}", **where, field="tier",
                                suggestion=suggest(str(entry.get("tier")), TIERS))
        url = entry.get("url")
        bibliography[str(key)] = Source(key=str(key), tier=str(entry["tier"]), title=entry["title"].strip(),
                                        url=str(url) if url else None)
    return bibliography


def check_sources(rules: Iterable[Rule], bibliography: dict[str, Source]) -> None:
    """With a bibliography, every rule's `sources` entry must be one of its keys (did-you-mean otherwise)."""
    if not bibliography:
        return
    for rule in rules:
        for key in rule.sources:
            if key not in bibliography:
                raise RuleFileError(f"unknown source {key!r}: add it to {BIBLIOGRAPHY} or fix the key",
                                    file=rule.file, rule_id=rule.id, field="sources",
                                    suggestion=suggest(key, bibliography))

"""Load a rule set: read the files in `rules/` once, validate and cross-check them, and version them.

The version is a hash of exactly the text that was parsed. The model is in rules/model.py, parsing in
rules/parsing.py."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from ..errors import RuleFileError
from ..settings import load_settings
from . import less_strict
from .conditions import suggest
from .coverage import NEUTRAL_KEY, check_coverage, parse_neutral
from .fields import texts as rule_texts
from .less_strict import apply_profile
from .model import InstructionSpec, Rule, RuleSet, Source, Wait
from .parsing import (
    CATALOGUE,
    MAX_ENGINE_NODES,
    RULE_KEYS,
    _TextLoader,
    check_engine_limits,
    parse_instructions,
    parse_rule,
    parse_rule_files,
    parse_yaml,
)
from .seal import SEAL, check_seal
from .sources import BIBLIOGRAPHY, TIERS, check_sources, parse_bibliography
from .validity_table import parse_validity

PROFILES = ("conservative", "standard")
MANIFEST = "ruleset.yaml"
RULE_FILE_SUFFIXES = (".yaml", ".yml")
LESS_STRICT_KEYS = less_strict.KEYS


def default_rules_dir() -> Path:
    """SUITABILITY_RULES_DIR, else the rules shipped inside the package (the source tree's `rules/`)."""
    configured = load_settings().RULES_DIR
    if configured:
        return Path(configured)
    shipped = resources.files("suitability") / "_data" / "rules"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "rules"


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


def load_rules(directory: Path | str | None = None, profile: str = "conservative", *, sealed: bool = True) -> RuleSet:
    """Read every file once, then validate and cross-check them; raise RuleFileError on the first problem."""
    if profile not in PROFILES:
        raise RuleFileError(f"unknown profile {profile!r}", suggestion=suggest(profile, PROFILES))
    root = Path(directory) if directory is not None else default_rules_dir()
    if not (root / MANIFEST).is_file():
        raise RuleFileError(f"no {MANIFEST} in {root}", file=MANIFEST)
    return load_rules_from_files(read_rule_files(root), profile, sealed=sealed)


def _is_rule_file(name: str) -> bool:
    return "/" not in name and name.endswith(".yaml") and name not in (MANIFEST, CATALOGUE, BIBLIOGRAPHY, SEAL)


def _check_instructions(rules: list[Rule], general: tuple[str, ...], catalogue: Mapping[str, InstructionSpec]) -> None:
    """Every instruction a rule (or its less strict reading) or the manifest names is in the catalogue."""
    for rule in rules:
        for key, refs in (("instructions", rule.instructions),
                          ("less_strict.instructions", rule.less_strict.get("instructions") or ())):
            for ref in refs:
                if ref not in catalogue:
                    raise RuleFileError("unknown instruction", file=rule.file, rule_id=rule.id, field=key,
                                        suggestion=suggest(ref, catalogue))
    for ref in general:
        if ref not in catalogue:
            raise RuleFileError("unknown instruction", file=MANIFEST, field="general_instructions",
                                suggestion=suggest(ref, catalogue))


def load_rules_from_files(files: Mapping[str, str], profile: str = "conservative", *,
                          sealed: bool = True) -> RuleSet:
    """The rule set of these file texts (relative name -> text), e.g. a snapshot kept in a database. The files
    must match their seal (rules/seal.py). `sealed=False` skips that check, for two callers only: `rules test` and
    `rules seal` (a candidate edit, before it is sealed) and the replay of an archive made before seals existed
    (storage/archive.py); neither serves a patient."""
    if profile not in PROFILES:
        raise RuleFileError(f"unknown profile {profile!r}", suggestion=suggest(profile, PROFILES))
    files = MappingProxyType(dict(files))
    for name in sorted(files):
        if not files[name].strip():
            raise RuleFileError("the file is empty", file=name)
    if sealed:
        check_seal(files)
    for required in (MANIFEST, CATALOGUE):
        if required not in files:
            raise RuleFileError("missing", file=required)
    manifest = parse_yaml(MANIFEST, files[MANIFEST]) or {}
    if not isinstance(manifest, dict):
        raise RuleFileError("must be a mapping", file=MANIFEST)
    catalogue = parse_instructions(parse_yaml(CATALOGUE, files[CATALOGUE]))
    rules = parse_rule_files((name, parse_yaml(name, files[name])) for name in sorted(files) if _is_rule_file(name))
    general = rule_texts(manifest.get("general_instructions"), {"file": MANIFEST}, "general_instructions")
    _check_instructions(rules, general, catalogue)
    bibliography = parse_bibliography(files[BIBLIOGRAPHY]) if BIBLIOGRAPHY in files else {}
    check_sources(rules, bibliography, catalogue)
    validity = parse_validity(manifest.get("validity"), MANIFEST)
    profiled = tuple(r for r in (apply_profile(rule, profile) for rule in rules) if r is not None)
    for rule in profiled:
        check_engine_limits(rule)
    ruleset = RuleSet(
        rules=profiled, instructions=catalogue, general_instructions=general,
        depth_flag_above_mm=float(manifest.get("depth_flag_above_mm", 1.5)),
        version=version_of(files), profile=profile, name=str(manifest.get("name", "suitability")),
        sources=bibliography, validity=validity, files=files,
    )
    check_coverage(ruleset, parse_neutral(manifest.get(NEUTRAL_KEY), MANIFEST))
    return ruleset

__all__ = [
    "BIBLIOGRAPHY", "CATALOGUE", "LESS_STRICT_KEYS", "MANIFEST", "MAX_ENGINE_NODES", "PROFILES", "RULE_KEYS", "TIERS",
    "InstructionSpec", "Rule", "RuleSet", "Source", "Wait", "_TextLoader", "apply_profile", "check_sources",
    "content_version", "default_rules_dir", "load_rules", "load_rules_from_files", "parse_bibliography",
    "parse_rule", "parse_rule_files", "read_rule_files", "version_of",
]

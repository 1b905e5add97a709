"""`suitability rules list|check|test|seal`: the rule files themselves, on the core install alone."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...errors import SuitabilityError
from ...matching.engine import Engine
from ...rules.loading import default_rules_dir, load_rules, read_rule_files
from ...rules.seal import SEAL, check_seal, seal_changes, sealed
from ...rules.sources import dangling_documents
from ...scenarios import parse_scenarios, run_scenarios
from ...screening import Screener
from ..commands import Commands
from ..core import add_rules_arguments, shipped_file


def register(group: Commands) -> None:
    """Add `list`, `check`, `test` and `seal` to the `rules` commands."""
    p = group.add("list", help="print the rule catalogue: id, outcome, source")
    add_rules_arguments(p)
    p.set_defaults(func=cmd_rules_list)
    p = group.add("check", help="validate the rule files; exit 1 naming the file, rule and field")
    add_rules_arguments(p)
    p.set_defaults(func=cmd_rules_check)
    p = group.add("test", help="run the clinical scenarios (rules/scenarios/*.yaml); exit 1 on a failure")
    add_rules_arguments(p)
    p.set_defaults(func=cmd_rules_test)
    p = group.add("seal", help="seal the rules folder after an intended edit; print what changed")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    p.set_defaults(func=cmd_rules_seal)


def _screener(args: argparse.Namespace) -> Screener | None:
    try:
        return Screener.from_directory(args.rules, args.profile)
    except SuitabilityError as exc:  # RuleFileError, or EngineError when durable-rules refuses valid rules
        print(f"suitability: rule error: {exc}", file=sys.stderr)
        return None


def cmd_rules_list(args: argparse.Namespace) -> int:
    """Print the rule catalogue: id, outcome (or depth cap), sources."""
    screener = _screener(args)
    if screener is None:
        return 1
    ruleset = screener.ruleset
    print(f"# rule set {ruleset.version} ({ruleset.profile}), {len(ruleset.rules)} rules")
    for rule in ruleset.rules:
        effect = rule.outcome.value if rule.outcome else f"depth <= {rule.depth_cap_mm:g} mm"
        print(f"{rule.id}\t{effect}\t{'; '.join(rule.sources)}")
    return 0


def repository_file(path: str) -> str | None:
    """A shipped file by its repository path, or None where there is none."""
    target = shipped_file(path)
    try:
        return target.read_text(encoding="utf-8") if target.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def cmd_rules_check(args: argparse.Namespace) -> int:
    """Load (seal, coverage, scenarios), then check that every cited document section can be opened."""
    screener = _screener(args)
    if screener is None:
        return 1
    ruleset = screener.ruleset
    problems = dangling_documents(ruleset.sources, repository_file)
    for problem in problems:
        print(f"suitability: rule error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(ruleset.rules)} rules, version {ruleset.version}, profile {ruleset.profile}")
    return 0


def _rules_dir(args: argparse.Namespace) -> Path:
    return Path(args.rules) if args.rules is not None else default_rules_dir()


def cmd_rules_test(args: argparse.Namespace) -> int:
    """Run the scenarios on the folder as it is (sealed or not: this is the step before sealing)."""
    try:
        ruleset = load_rules(args.rules, args.profile, sealed=False)
        found = parse_scenarios(ruleset.files)
        engine = Engine(ruleset)
    except SuitabilityError as exc:
        print(f"suitability: rule error: {exc}", file=sys.stderr)
        return 1
    try:
        failures = run_scenarios(ruleset, engine, found)
    finally:
        engine.close()
    ran = sum(1 for scenario in found if scenario.applies_to(ruleset.profile))
    for failure in failures:
        print(failure.describe(), end="\n\n")
    print(f"{ran - len(failures)} of {ran} scenarios pass under profile {ruleset.profile}"
          + (f"; {len(failures)} fail" if failures else ""))
    try:
        check_seal(ruleset.files)
    except SuitabilityError as exc:
        print(f"note: {exc}")
    return 1 if failures else 0


def cmd_rules_seal(args: argparse.Namespace) -> int:
    """Write the seal of the folder as it is, and say what changed since the last seal."""
    root = _rules_dir(args)
    try:
        files = read_rule_files(root)
    except SuitabilityError as exc:
        print(f"suitability: rule error: {exc}", file=sys.stderr)
        return 1
    changed = seal_changes(files)
    try:
        (root / SEAL).write_text(sealed(files)[SEAL], encoding="utf-8")
    except OSError as exc:
        print(f"suitability: cannot write {SEAL}: {exc.strerror}", file=sys.stderr)
        return 1
    for change in changed:
        print(change.describe())
        if change.ids_changed and change.kind == "changed":
            print(f"  ids in the changed file: {', '.join(change.ids_changed)}")
    print(f"sealed {len(files) - (SEAL in files)} files in {root / SEAL}" + ("" if changed else " (no change)"))
    return 0

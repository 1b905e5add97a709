"""Core subcommands: screen, schema, rules list/check/test/seal, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import clock, settings
from ..bibliography import dangling_documents
from ..engine import Engine
from ..errors import SuitabilityError
from ..intake import Intake, field_errors, parse_intake
from ..report import render_text
from ..rule_translations import unreviewed
from ..ruleset import PROFILES, default_rules_dir, load_rules, read_rule_files
from ..scenarios import parse_scenarios, run_scenarios
from ..screening import Screener
from ..seal import SEAL, check_seal, seal_changes, sealed

REPOSITORY = Path(__file__).resolve().parents[3]


def shipped_file(path: str) -> Path:
    """A data file by its repository path (`examples/intake.json`, `docs/evidence.md`): in the wheel under
    `suitability/_data/`, else in the source tree."""
    shipped = resources.files("suitability") / "_data" / path
    if shipped.is_file():
        return Path(str(shipped))
    return REPOSITORY / path


def sample_intake_path() -> Path:
    """The bundled sample intake."""
    return shipped_file("examples/intake.json")


def _rules_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    parser.add_argument("--profile", choices=PROFILES, default="conservative")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("screen", help="screen an intake JSON file (or - for stdin)")
    p.add_argument("intake", help="path to an intake JSON file, or - for standard input")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.add_argument("--clinician", action="store_true", help="with --format text: rationale, sources, flags")
    _rules_args(p)
    p.set_defaults(func=cmd_screen)

    p = subparsers.add_parser("schema", help="print the intake JSON Schema")
    p.set_defaults(func=lambda args: print(json.dumps(Intake.model_json_schema(), indent=2)))

    p = subparsers.add_parser("demo", help="screen the bundled sample intake and print it for a person")
    _rules_args(p)
    p.set_defaults(func=cmd_demo)

    rules = subparsers.add_parser("rules", help="the rule catalogue").add_subparsers(dest="rules_cmd", required=True)
    p = rules.add_parser("list", help="print the rule catalogue: id, outcome, source")
    _rules_args(p)
    p.set_defaults(func=cmd_rules_list)
    p = rules.add_parser("check", help="validate the rule files; exit 1 naming the file, rule and field")
    _rules_args(p)
    p.set_defaults(func=cmd_rules_check)
    p = rules.add_parser("test", help="run the clinical scenarios (rules/scenarios/*.yaml); exit 1 on a failure")
    _rules_args(p)
    p.set_defaults(func=cmd_rules_test)
    p = rules.add_parser("seal", help="seal the rules folder after an intended edit; print what changed")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    p.set_defaults(func=cmd_rules_seal)


def _load(args: argparse.Namespace) -> Screener | None:
    try:
        return Screener.from_directory(args.rules, args.profile)
    except SuitabilityError as exc:  # RuleFileError, or EngineError when durable-rules refuses valid rules
        print(f"suitability: rule error: {exc}", file=sys.stderr)
        return None


def read_intake(source: str) -> Intake | None:
    """Read and validate an intake; print every field error to stderr (no traceback, no answers echoed)."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        print(f"suitability: cannot read {source}: {exc.strerror}", file=sys.stderr)
        return None
    try:
        zone = settings.clinic_zone()
    except (clock.TimezoneError, settings.SettingsError) as exc:
        print(f"suitability: {exc}", file=sys.stderr)
        return None
    data: Any = raw
    try:  # without a screening date, the intake is screened as of today in the clinic's zone
        parsed = json.loads(raw)
        if isinstance(parsed, dict):
            data = {**parsed, "screening_date": parsed.get("screening_date") or clock.today(zone).isoformat()}
    except (ValueError, RecursionError):
        pass  # parse_intake reports it
    try:
        intake = parse_intake(data)
        clock.check_screening_date(intake.screening_date, zone)
        return intake
    except ValidationError as exc:
        errors = field_errors(exc)
    except ValueError as exc:  # a screening date later than today in the clinic's zone
        name, _, message = str(exc).partition(": ")
        errors = [{"field": name, "message": message}]
    print(f"suitability: the intake has {len(errors)} error(s):", file=sys.stderr)
    for err in errors:
        print(f"  {err['field']}: {err['message']}", file=sys.stderr)
    return None


def cmd_screen(args: argparse.Namespace) -> int:
    intake = read_intake(args.intake)
    if intake is None:
        return 2
    screener = _load(args)
    if screener is None:
        return 1
    start = time.perf_counter()
    decision = screener.screen(intake)
    _count_for_metrics(decision.outcome.value, time.perf_counter() - start)
    if args.format == "json":
        print(decision.model_dump_json(indent=2))
    else:
        print(render_text(decision, clinician=args.clinician))
    return 0


def _count_for_metrics(outcome: str, seconds: float) -> None:
    """With metrics on and a PROMETHEUS_MULTIPROC_DIR shared with the app servers, their /metrics counts this
    screening under the door "cli". Without the server extra there is nothing to count into."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR") or not settings.load_settings().METRICS:
        return
    try:
        from ..web.metrics import record_screening
    except ImportError:
        return
    record_screening("cli", outcome, seconds)


def cmd_demo(args: argparse.Namespace) -> int:
    screener = _load(args)
    if screener is None:
        return 1
    sample = sample_intake_path()
    if not sample.is_file():
        print("suitability: the sample intake is missing from this installation", file=sys.stderr)
        return 1
    intake = parse_intake(sample.read_bytes())
    print("Sample pre-screen (examples/intake.json):\n")
    print(render_text(screener.screen(intake), clinician=True))
    return 0


def cmd_rules_list(args: argparse.Namespace) -> int:
    screener = _load(args)
    if screener is None:
        return 1
    ruleset = screener.ruleset
    print(f"# rule set {ruleset.version} ({ruleset.profile}), {len(ruleset.rules)} rules")
    for rule in ruleset.rules:
        effect = rule.outcome.value if rule.outcome else f"depth <= {rule.depth_cap_mm:g} mm"
        print(f"{rule.id}\t{effect}\t{'; '.join(rule.sources)}")
    return 0


def _repository_file(path: str) -> str | None:
    """A shipped file by its repository path, or None where there is none."""
    target = shipped_file(path)
    try:
        return target.read_text(encoding="utf-8") if target.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def cmd_rules_check(args: argparse.Namespace) -> int:
    """Load (seal, coverage, scenarios, every patient text in every shipped language), then check that every
    cited document section can be opened; say how many translations no clinician has reviewed yet."""
    screener = _load(args)
    if screener is None:
        return 1
    ruleset = screener.ruleset
    problems = dangling_documents(ruleset.sources, _repository_file)
    for problem in problems:
        print(f"suitability: rule error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(ruleset.rules)} rules, version {ruleset.version}, profile {ruleset.profile}")
    drafts = unreviewed(ruleset.rules, ruleset.instructions)
    languages = ", ".join(f"{code} ({len(drafts.get(code, []))} not reviewed by a clinician)" if drafts.get(code)
                          else code for code in ruleset.languages)
    print(f"languages: {languages}")
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

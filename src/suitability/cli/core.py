"""Core subcommands: screen, schema, demo."""

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
from ..deciding.report import render_text
from ..errors import SuitabilityError
from ..intake import Intake, field_errors, parse_intake
from ..rules.loading import PROFILES
from ..screening import Screener
from .commands import Commands

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


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    """--rules and --profile: which rule set a command loads."""
    parser.add_argument("--rules", type=Path, default=None, help="rules folder (default: the shipped rules)")
    parser.add_argument("--profile", choices=PROFILES, default="conservative")


def register(commands: Commands) -> None:
    """Add `screen`, `schema` and `demo`."""
    p = commands.add("screen", help="screen an intake JSON file (or - for stdin)")
    p.add_argument("intake", help="path to an intake JSON file, or - for standard input")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.add_argument("--clinician", action="store_true", help="with --format text: rationale, sources, flags")
    add_rules_arguments(p)
    p.set_defaults(func=cmd_screen)

    p = commands.add("schema", help="print the intake JSON Schema")
    p.set_defaults(func=lambda args: print(json.dumps(Intake.model_json_schema(), indent=2)))

    p = commands.add("demo", help="screen the bundled sample intake and print it for a person")
    add_rules_arguments(p)
    p.set_defaults(func=cmd_demo)


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
        from ..services.metrics import record_screening
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

"""`suitability rescreen` (stored cases against the current rules, then accept) and `suitability reproduce`.

Exit codes: rescreen 0 when every case in scope was screened (and, with --accept, every change accepted), 1 when
some could not be screened or accepted, 2 when it could not run (rules, database, arguments); reproduce 0 when
the stored decision is reproduced, 1 when it differs, 2 when it cannot be checked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

from ..errors import SuitabilityError
from ..rules.loading import PROFILES
from ..screening import Screener, configured_profile
from ..settings import load_settings
from .commands import Commands
from .progress import ProgressBar
from .shell import app_database as _database
from .shell import fail


def _usage_error(message: str) -> int:
    """Exit 2: the command could not run (bad options, rules or database)."""
    return fail(message, 2)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(commands: Commands) -> None:
    """Add `rescreen` and `reproduce`."""
    p = commands.add("rescreen", help="screen stored cases again under the current rules; show or "
                                               "accept the differences")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--open", dest="open_only", action="store_true", default=True,
                       help="open cases only (the default)")
    which.add_argument("--all", dest="open_only", action="store_false", help="every stored case")
    p.add_argument("--since", type=dt.date.fromisoformat, help="cases created on or after this date (UTC)")
    p.add_argument("--until", type=dt.date.fromisoformat, help="cases created on or before this date (UTC)")
    p.add_argument("--batch-size", type=_positive, default=500, help="cases read per query (default 500)")
    p.add_argument("--jobs", type=_positive, default=1, help="worker processes screening at once (default 1)")
    p.add_argument("--accept", action="store_true", help="replace the changed decisions (history keeps the old)")
    p.add_argument("--include-decided", action="store_true",
                   help="with --accept --all: also replace decisions of decided cases, reopening them")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object per line")
    p.add_argument("--progress", action="store_true", help="draw the progress bar even when stderr is no TTY")
    p.add_argument("--rules", type=Path, default=None, help="rules folder (default: SUITABILITY_RULES_DIR or "
                                                            "the shipped rules)")
    p.add_argument("--profile", choices=PROFILES, default=None, help="default: SUITABILITY_PROFILE")
    p.set_defaults(func=cmd_rescreen)

    p = commands.add("reproduce", help="screen a stored case again under its archived rule set and "
                                                "say whether the decision is the same")
    p.add_argument("reference", help="the case reference, e.g. MN-7K3Q-9XPA")
    p.add_argument("--history", action="store_true", help="every decision the case ever had, not only the current")
    p.set_defaults(func=cmd_reproduce)


def _requires_approval() -> bool:
    """SUITABILITY_REQUIRE_APPROVED_RULES, read as the servers read it: decisions only under approved rule sets."""
    return load_settings().REQUIRE_APPROVED_RULES


def cmd_rescreen(args: argparse.Namespace) -> int:
    from ..storage import StorageError
    from ..storage.rescreen import Scope, accept, count_cases, preview

    if args.include_decided and not args.accept:
        return _usage_error("--include-decided only makes sense with --accept")
    try:
        screener = Screener.from_directory(args.rules, args.profile or configured_profile())
    except SuitabilityError as exc:
        return _usage_error(f"rule error: {exc}")
    scope = Scope(open_only=args.open_only, since=args.since, until=args.until)
    out = _Printer(args.format)
    try:
        database = _database()
        bar = ProgressBar(count_cases(database, scope), "re-screening", enabled=True if args.progress else None)
        expected: dict[str, str] = {}
        for difference in preview(database, screener, scope, batch_size=args.batch_size, jobs=args.jobs,
                                  progress=bar.update):
            out.difference(difference)
            if difference.changed and difference.error is None:
                expected[difference.case_id] = difference.old_version
        bar.close()
        report = None
        if args.accept and expected and _requires_approval():
            from ..storage.approvals import approved_versions
            from .shell import approvals_required

            with database.session() as session:
                if screener.ruleset.version not in approved_versions(session, approvals_required()):
                    database.dispose()
                    return _usage_error(f"rule set {screener.ruleset.version} is not approved (REQUIRE_APPROVED_RULES): "
                                 "nothing accepted; approve it first (`suitability rules approve`)")
        if args.accept and expected:
            report = accept(database, screener, expected, new_version=screener.ruleset.version,
                            actor=f"cli:{getpass.getuser()}", include_decided=args.include_decided)
        database.dispose()
    except (StorageError, SuitabilityError) as exc:
        return _usage_error(str(exc))
    out.summary(screener, report, accepting=args.accept)
    return 1 if out.errors or (report is not None and report.skipped) else 0


class _Printer:
    """Differences case by case as they come, then a summary; text for people, JSON lines for programs."""

    def __init__(self, format: str) -> None:
        self.json = format == "json"
        self.screened = self.changed = self.outcome = self.depth = self.dates = self.errors = 0

    def difference(self, d: Any) -> None:
        self.screened += 1
        self.errors += d.error is not None
        if not d.changed and d.error is None:
            return
        self.changed += d.changed
        self.outcome += d.changed_outcome
        self.depth += d.changed_depth
        self.dates += d.changed_dates
        if self.json:
            print(json.dumps({"type": "difference", **d.as_json()}, default=str))
            return
        head = f"{d.reference}  {d.created_at:%Y-%m-%d}  {d.review_status}"
        if d.error is not None:
            print(f"{head}  error: {d.error}")
            return
        print(f"{head}  {d.old_outcome} -> {d.new_outcome}" if d.changed_outcome else f"{head}  {d.old_outcome}")
        for c in d.depth_changes:
            print(f"    depth, treatment {c.treatment + 1} ({c.area}): {_mm(c.old_mm)} -> {_mm(c.new_mm)}")
        if d.changed_dates:
            print(f"    earliest date: {d.old_earliest or 'none'} -> {d.new_earliest or 'none'}")
        if d.newly_fired:
            print(f"    newly fires: {', '.join(d.newly_fired)}")
        if d.no_longer_fired:
            print(f"    no longer fires: {', '.join(d.no_longer_fired)}")

    def summary(self, screener: Screener, report: Any, *, accepting: bool) -> None:
        counts = {"screened": self.screened, "changed": self.changed, "changed_outcome": self.outcome,
                  "changed_depth": self.depth, "changed_dates": self.dates, "errors": self.errors}
        version = screener.ruleset.version
        if self.json:
            extra: dict[str, Any] = {}
            if accepting:
                extra["accepted"] = [a.reference for a in report.accepted] if report else []
                extra["skipped"] = [{"reference": s.reference, "case_id": s.case_id, "reason": s.reason}
                                    for s in (report.skipped if report else [])]
            print(json.dumps({"type": "summary", "ruleset_version": version, "profile": screener.ruleset.profile,
                              **counts, **extra}))
            return
        print(f"\nrule set {version} ({screener.ruleset.profile}): screened {self.screened}, changed {self.changed} "
              f"(outcome {self.outcome}, depth {self.depth}, dates {self.dates}), errors {self.errors}")
        if accepting:
            accepted = report.accepted if report else []
            skipped = report.skipped if report else []
            print(f"accepted {len(accepted)}, skipped {len(skipped)}")
            for s in skipped:
                print(f"    skipped {s.reference or s.case_id}: {s.reason}")
            from ..storage.rescreen.accept import DECIDED

            if any(s.reason == DECIDED for s in skipped):
                print("decided cases are replaced (and reopened) only with --include-decided")
        elif self.changed:
            print("nothing was changed: run again with --accept to replace these decisions")


def _mm(value: float | None) -> str:
    return "none" if value is None else f"{value:g} mm"


def cmd_reproduce(args: argparse.Namespace) -> int:
    from ..storage import StorageError
    from ..storage.rescreen import reproduce, reproduce_history

    try:
        database = _database()
        results = (reproduce_history(database, args.reference) if args.history
                   else [reproduce(database, args.reference)])
        database.dispose()
    except (StorageError, SuitabilityError) as exc:
        return _usage_error(str(exc))
    for result in results:
        where = f"{result.reference} ({result.label})"
        if result.matches:
            print(f"{where}: reproduced: the same decision under rule set {result.ruleset_version} "
                  f"({result.profile})")
            continue
        print(f"{where}: DIFFERS under the archived rule set {result.ruleset_version} ({result.profile})")
        if result.loaded_version != result.ruleset_version:
            print(f"    the archived files now hash to {result.loaded_version}: the archive was changed")
        print(f"    differing fields: {', '.join(result.differing_fields) or 'none'}")
    return 0 if all(r.matches for r in results) else 1

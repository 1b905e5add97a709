"""Re-screening throughput and memory over many stored cases: figures to record, not a timed test.

Creates N stored cases (default 100 000) in a temporary SQLite database by bulk insert: a pool of 500 varied
intakes from the property tests' strategy (fixed seed), each screened once with the shipped rules, cycled with
new ids, references and creation times. Then times the re-screen preview (`storage.rescreen.preview`, which the
CLI and the practitioner page use) over all of them under a changed copy of the rules (the superficial-peel wait
at 60 days, the forehead cap at 0.25 mm), so real differences are computed. Prints cases/s, seconds and peak
resident memory of the parent and of the worker processes. Target: 100 k cases in < 60 s on this machine.
Run: `python benchmarks/rescreen.py [--cases N] [--jobs N] [--batch-size N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0
POOL = 500


def load(name: str) -> ModuleType:
    """Import a helper of the test suite (tests.common.<name>), run from a checkout of the repository."""
    if str(ROOT) not in sys.path:  # a script's path starts at benchmarks/, and the tests package sits beside it
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"tests.common.{name}")


def generate(count: int) -> list[Any]:
    """`count` valid intakes from the property tests' strategy (fixed seed: the same pool every run)."""
    from hypothesis import HealthCheck, given, seed, settings

    strategies = load("strategies")
    pool: list[Any] = []

    @seed(20261125)
    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.intakes())
    def collect(intake: Any) -> None:
        pool.append(intake)

    collect()
    return pool[:count]


def fill(database: Any, cases: int) -> float:
    """Bulk-insert `cases` stored cases cycling through a screened pool; returns the seconds it took."""
    from sqlalchemy import insert

    from suitability.screening import Screener
    from suitability.storage import Case

    screener = Screener.from_directory(None)
    pool = [(json.loads(i.model_dump_json()), json.loads(screener.screen(i).model_dump_json()))
            for i in generate(POOL)]
    start = time.perf_counter()
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with database.engine.begin() as connection:
        rows = []
        for n in range(cases):
            intake, decision = pool[n % len(pool)]
            rows.append({"id": f"bench-{n:08d}", "reference": f"MN-{n:08d}"[:16], "created_at":
                         base + dt.timedelta(seconds=n // 3), "source": "web", "intake": intake,
                         "decision": decision, "outcome": decision["outcome"],
                         "ruleset_version": decision["ruleset_version"], "profile": decision["profile"],
                         "needs_review": decision["outcome"] != "suitable", "review_status": "open"})
            if len(rows) == 5_000:
                connection.execute(insert(Case.__table__), rows)
                rows = []
        if rows:
            connection.execute(insert(Case.__table__), rows)
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """User and system time of this process and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=1_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)

    from suitability.screening import Screener
    from suitability.storage import Database, database_url
    from suitability.storage.rescreen import Scope, preview

    samples = load("rescreen_samples")
    with tempfile.TemporaryDirectory(prefix="suitability-rescreen-bench-") as folder:
        database = Database(database_url(None, folder))
        database.ensure_schema()
        filled = fill(database, args.cases)
        print(f"stored {args.cases:,} cases by bulk insert in {filled:.1f} s (a pool of {POOL} screened intakes)")
        screener = Screener.from_directory(samples.changed_rules(Path(folder) / "rules"))
        load_before = os.getloadavg()[0]
        peak_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu_before = cpu_seconds()
        start = time.perf_counter()
        screened = changed = outcome = errors = 0
        worker_mb = 0.0
        for d in preview(database, screener, Scope(open_only=False), batch_size=args.batch_size, jobs=args.jobs):
            screened += 1
            if screened % 2_000 == 0:  # sample the workers' resident memory (ru_maxrss of a spawned child
                # counts the parent's pages at fork, before exec, so it cannot tell)
                worker_mb = max([worker_mb, *(c.memory_info().rss / 2**20 for c in psutil.Process().children())])
            changed += d.changed
            outcome += d.changed_outcome
            errors += d.error is not None
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_before  # the workers have exited: their time is in RUSAGE_CHILDREN
        database.dispose()
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_100k = seconds / screened * 100_000
    verdict = "met" if per_100k < TARGET_SECONDS and screened == args.cases else "MISSED"
    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
          f"load average {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    print(f"re-screen preview: {screened:,} cases in {seconds:.1f} s = {screened / seconds:,.0f} cases/s "
          f"(--jobs {args.jobs}, --batch-size {args.batch_size}); {per_100k:.0f} s per 100 k cases, target "
          f"< {TARGET_SECONDS:.0f} s: {verdict}")
    print(f"differences: {changed:,} changed ({outcome:,} outcome), {errors} errors")
    print(f"CPU time (parent and workers): {cpu:.1f} s = {cpu / screened * 1000:.2f} ms per case; on "
          f"{args.jobs} otherwise idle cores that is about {screened / (cpu / args.jobs):,.0f} cases/s")
    print(f"peak resident memory: parent {parent_mb:.0f} MB ({peak_before_mb:.0f} MB before the preview: filling "
          f"and the intake generator), largest worker {worker_mb:.0f} MB (sampled)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

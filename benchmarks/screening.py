"""Screening throughput and memory for the full rule set: figures to record, not a timed test.

Prints screenings per second through the whole service (`Screener.screen`, with and without "what would change
it"), through the durable-rules path alone (`Engine.match_intake`, `combine`) and through the tests' plain
evaluator plus `combine` (tests/common/evaluator.py), the ratio of the last two, and resident memory after 1 k and after
200 k screenings through `Screener.screen` of a pool of generated intakes (cycled; no result is kept). Run: `make bench` or
`python benchmarks/screening.py [--quick]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATE, TARGET_RATIO, TARGET_GROWTH_MB = 5_000, 3.0, 10.0


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

    @seed(20261122)
    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.intakes())
    def collect(intake: Any) -> None:
        pool.append(intake)

    collect()
    return pool[:count]


class Rates:
    """Screenings per second of one path over several runs: by the clock, and by this process's CPU time
    (which a shared machine's other work inflates far less than the clock)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def best(self) -> float:
        return max(self.wall)

    def line(self) -> str:
        return (f"best {max(self.wall):6.0f}/s, median {statistics.median(self.wall):6.0f}/s by the clock; "
                f"by CPU time best {max(self.cpu):6.0f}/s, median {statistics.median(self.cpu):6.0f}/s")


def rate(run: Callable[[Any], Any], pool: list[Any], count: int, into: Rates | None = None) -> float:
    """Screenings per second over `count` calls, cycling through the pool (recorded `into`, if given)."""
    size = len(pool)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        run(pool[i % size])
    wall = count / (time.perf_counter() - start)
    if into is not None:
        into.wall.append(wall)
        into.cpu.append(count / max(time.process_time() - cpu, 1e-9))
    return wall


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 1e6


def progress(message: str) -> None:
    """One line on standard error, so a run of several minutes shows where it is (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a first look in well under a minute: 20 k screenings for memory instead of 200 k, "
                             "2 runs of 2 k screenings per measurement (unless --runs/--timed say otherwise)")
    parser.add_argument("--pool", type=int, default=500)
    parser.add_argument("--timed", type=int, default=None, help="screenings per throughput measurement (20 k)")
    parser.add_argument("--runs", type=int, default=None, help="runs of each measurement, best and median shown (5)")
    args = parser.parse_args()
    if args.timed is None:
        args.timed = 2_000 if args.quick else 20_000
    if args.runs is None:
        args.runs = 2 if args.quick else 5
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    from suitability import default_screener
    from suitability.deciding.combine import combine
    from suitability.intake.facts import intake_to_facts

    warnings.simplefilter("ignore")
    progress("loading the rules and generating the intake pool")
    evaluator = load("evaluator")
    screener = default_screener()
    ruleset, engine = screener._current  # the compiled engine the screener uses
    pool = generate(args.pool)

    def plain(intake: Any) -> Any:
        return combine(ruleset, intake, evaluator.evaluate(ruleset, intake_to_facts(intake)))

    def durable(intake: Any) -> Any:  # as Screener.screen does it: the batch written straight from the intake
        return combine(ruleset, intake, engine.match_intake(intake))

    for intake in pool:  # warm up, and check both paths agree before timing them
        assert plain(intake) == durable(intake), "the evaluator and the engine disagree"
    facts = [intake_to_facts(i) for i in pool]

    load_before = os.getloadavg()[0]
    service, engine_path, plain_path, matching, evaluating = Rates(), Rates(), Rates(), Rates(), Rates()
    unexplained = Rates()
    for run in range(args.runs):  # interleaved, so a burst of other work on the machine hits every path alike
        progress(f"throughput run {run + 1}/{args.runs} ({args.timed} screenings per path)")
        rate(screener.screen, pool, args.timed // 4, service)
        rate(lambda intake: screener.screen(intake, explain=False), pool, args.timed // 2, unexplained)
        rate(durable, pool, args.timed, engine_path)
        rate(plain, pool, args.timed, plain_path)
        rate(engine.match, facts, args.timed, matching)
        rate(lambda f: evaluator.evaluate(ruleset, f), facts, args.timed, evaluating)
    service_rate, engine_rate, plain_rate = service.best(), engine_path.best(), plain_path.best()
    match_rate, evaluate_rate = matching.best(), evaluating.best()
    ratio = max(p / e for p, e in zip(plain_path.cpu, engine_path.cpu, strict=True))

    total = 20_000 if args.quick else 200_000
    progress(f"memory: {total // 1000} k screenings")
    size = len(pool)
    gc.collect()
    for i in range(1_000):
        screener.screen(pool[i % size])
    gc.collect()
    after_1k = rss_mb()
    for i in range(1_000, total):
        screener.screen(pool[i % size])
    gc.collect()
    after_all = rss_mb()
    growth = after_all - after_1k

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    print(f"# screening benchmark, {dt.date.today().isoformat()}")
    print(f"machine: {platform.processor() or platform.machine()}, nproc {os.cpu_count()}, pinned to one core; "
          f"Python {platform.python_version()} on {platform.system()} {platform.release()}")
    print(f"rule set {ruleset.version}: {len(ruleset.matchable)} matchable rules; pool of {size} generated intakes")
    print(f"load average {load_before:.2f} before timing, {os.getloadavg()[0]:.2f} after (on {os.cpu_count()} cores); "
          f"{args.runs} runs of {args.timed} screenings each ({args.timed // 4} for Screener.screen); "
          "rates below are the best run by the clock")
    print(f"Screener.screen (the whole service):  {service_rate:8.0f} screenings/s  "
          f"({1e3 / service_rate:.3f} ms each; with \"what would change it\", which screens up to 8 variants)")
    print(f"  the same, explain=False:            {unexplained.best():8.0f} screenings/s  "
          f"({1e3 / unexplained.best():.3f} ms each)")
    print(f"durable-rules path (match + combine): {engine_rate:8.0f} screenings/s  "
          f"({1e3 / engine_rate:.3f} ms each; target >= {TARGET_RATE}: {verdict(engine_rate >= TARGET_RATE)})")
    print(f"plain evaluator + combine:            {plain_rate:8.0f} screenings/s  ({1e3 / plain_rate:.3f} ms each)")
    print(f"ratio evaluator / durable-rules path: {ratio:8.2f}x  (worst run, CPU time; target <= {TARGET_RATIO}: "
          f"{verdict(ratio <= TARGET_RATIO)})")
    print(f"  matching only: Engine.match {match_rate:.0f}/s, evaluate {evaluate_rate:.0f}/s")
    for name, rates in (("Screener.screen", service), ("explain=False", unexplained),
                        ("durable-rules path", engine_path),
                        ("plain evaluator path", plain_path), ("Engine.match", matching), ("evaluate", evaluating)):
        print(f"  {name + ':':22s}{rates.line()}")
    print(f"resident memory: {after_1k:.1f} MB after 1 k, {after_all:.1f} MB after {total // 1000} k screenings: "
          f"growth {growth:+.1f} MB (target < {TARGET_GROWTH_MB}: {verdict(growth < TARGET_GROWTH_MB)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

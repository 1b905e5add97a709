"""The cost of "what would change it" per screening: figures to record, not a timed test.

Screens a pool of generated intakes (tests/common/strategies.py, fixed seed) through `Screener.screen`, which re-screens
variants of every decision that is not `suitable`, and through the same engine without the explanation
(`combine` of `Engine.match`), interleaved so machine load hits both alike. Prints the time per screening of
each, the extra time by outcome (median and 95th percentile) and how many variants were screened per decision.
Run: `python benchmarks/what_would_change.py [--pool N] [--rounds N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening import generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    warnings.simplefilter("ignore")

    from suitability import default_screener, screening
    from suitability.deciding.combine import combine
    from suitability.intake.facts import intake_to_facts

    screener = default_screener()
    ruleset, engine = screener._current  # the engine the screener uses
    pool = generate(args.pool)
    variants: list[int] = []
    explain = screening.what_would_change

    def counting(ruleset: Any, intake: Any, decision: Any, rescreen: Any) -> Any:
        calls = [0]

        def counted(variant: Any) -> Any:
            calls[0] += 1
            return rescreen(variant)

        result = explain(ruleset, intake, decision, counted)
        variants.append(calls[0])
        return result

    def bare(intake: Any) -> Any:
        return combine(ruleset, intake, engine.match(intake_to_facts(intake)))

    for intake in pool:  # warm up
        screener.screen(intake)
    extra: dict[str, list[float]] = defaultdict(list)
    with_total = without_total = 0.0
    screening.what_would_change = counting
    try:
        for _ in range(args.rounds):
            for intake in pool:
                start = time.perf_counter()
                decision = screener.screen(intake)
                middle = time.perf_counter()
                bare(intake)
                end = time.perf_counter()
                with_total += middle - start
                without_total += end - middle
                extra[decision.outcome.value].append(((middle - start) - (end - middle)) * 1e3)
    finally:
        screening.what_would_change = explain
    count = len(pool) * args.rounds
    print(f"# what would change it: {len(pool)} generated intakes x {args.rounds} rounds, rule set {ruleset.version}")
    print(f"Screener.screen, with the explanation: {with_total / count * 1e3:.3f} ms per screening")
    print(f"same engine, no explanation:           {without_total / count * 1e3:.3f} ms per screening")
    print(f"extra: {(with_total - without_total) / count * 1e3:.3f} ms per screening on average")
    for outcome, values in sorted(extra.items(), key=lambda kv: kv[0]):
        values.sort()
        print(f"  {outcome:26} {len(values) // args.rounds:5} intakes: extra median {statistics.median(values):6.3f} ms,"
              f" p95 {values[int(len(values) * 0.95) - 1]:6.3f} ms")
    if variants:
        print(f"variants screened per explained decision: mean {statistics.mean(variants):.2f}, "
              f"max {max(variants)}; none in {sum(v == 0 for v in variants) / len(variants):.0%} of them")
    return 0


if __name__ == "__main__":
    sys.exit(main())

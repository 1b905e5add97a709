"""Rule analytics over many stored cases: figures to record, not a timed test.

Creates N stored cases (default 100 000) and R practitioner decisions (default 20 000, a third of them
overrides) in a temporary SQLite database (or the empty database at --url) by bulk insert: a pool of screened
intakes of each outcome, cycled with new ids, references and creation times spread over a year. Then times
each analytics query (`services.analytics.rule_analytics` over the year and over 90 days, and the cases behind
the busiest rule) a few times and prints the best and median milliseconds. Target: under 200 ms each.
Run: `python benchmarks/analytics.py [--cases N] [--reviews N] [--url URL] [--repeat N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200.0
CHANGES: tuple[dict[str, Any], ...] = (
    {}, {"pregnant": "yes"}, {"cold_sore_now": "yes"}, {"fitzpatrick": "not_sure"}, {"retinoid": "no"},
    {"cold_sore_history": "no", "retinoid": "no"},
)


def pool() -> list[dict[str, Any]]:
    """Decision documents of each outcome, screened by the shipped rules from the bundled example."""
    from suitability import screen
    from suitability.intake import parse_intake

    example = json.loads((ROOT / "examples" / "intake.json").read_text())
    example["screening_date"] = example["appointment_date"] = None
    documents = []
    for changes in CHANGES:
        intake = parse_intake({k: v for k, v in {**example, **changes}.items() if v is not None})
        documents.append((intake.model_dump(mode="json"), json.loads(screen(intake).model_dump_json())))
    return [{"intake": i, "decision": d} for i, d in documents]


def fill(url: str, cases: int, reviews: int) -> None:
    """Bulk-insert the cases, their case_rules rows, one reviewer and the reviews."""
    from sqlalchemy import insert

    from suitability.storage import Case, Database
    from suitability.storage.case_rules import CaseRule, rules_of
    from suitability.storage.review_models import OverrideReason, Review, User

    database = Database(url)
    database.ensure_schema()
    documents = pool()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=365) / max(cases, 1)
    reasons = list(OverrideReason)
    with database.session() as session:
        reviewer = session.execute(insert(User).values(
            username="bench", display_name="Bench", role="practitioner", password_hash="x", active=True,
            created_at=start, failed_logins=0, session_generation=0).returning(User.id)).scalar_one()
        rows, rules, decided_cases = [], [], []
        for n in range(cases):
            doc = documents[n % len(documents)]
            case_id = f"c{n:09d}"
            rows.append({"id": case_id, "reference": f"B{n:09d}", "created_at": start + step * n, "source": "web",
                         "intake": doc["intake"], "decision": doc["decision"], "outcome": doc["decision"]["outcome"],
                         "ruleset_version": doc["decision"]["ruleset_version"], "profile": "conservative",
                         "needs_review": doc["decision"]["outcome"] != "suitable", "review_status": "open",
                         "review_version": 0})
            found = rules_of(doc["decision"])
            rules += [{"case_id": case_id, "rule_id": r, "decided": d, "case_created_at": start + step * n}
                      for r, d in found.items()]
            if any(found.values()):
                decided_cases.append((case_id, start + step * n, doc["decision"]["outcome"]))
            if len(rows) >= 5000:
                session.execute(insert(Case), rows)
                session.execute(insert(CaseRule), rules)
                rows, rules = [], []
        if rows:
            session.execute(insert(Case), rows)
            session.execute(insert(CaseRule), rules)
        batch = []
        for n in range(min(reviews, len(decided_cases))):
            case_id, created, outcome = decided_cases[(n * 7919) % len(decided_cases)]
            override = n % 3 == 0
            batch.append({"case_id": case_id, "reviewer_id": reviewer, "action": "approve" if override else "decline",
                          "depth_limits": {}, "override_reason": reasons[n % len(reasons)].value if override else None,
                          "override_note": "bench" if override else None, "ruleset_version": "bench",
                          "case_outcome": outcome, "case_version": 1, "at": created + dt.timedelta(hours=2)})
        for i in range(0, len(batch), 5000):
            session.execute(insert(Review), batch[i:i + 5000])
        session.commit()
    if database.dialect == "postgresql":  # what autovacuum does to a table this size: statistics, visibility map
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    database.dispose()


def timed(label: str, repeat: int, call: Any) -> tuple[str, float, float]:
    """Best and median milliseconds of `call` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return label, min(times), statistics.median(times)


def measure(url: str, repeat: int) -> list[tuple[str, float, float]]:
    """Time each analytics query on the filled database; the first run warms the caches and is not counted."""
    from suitability.rules.loading import load_rules
    from suitability.services.analytics import OverrideAlert, Period, cases_behind, rule_analytics
    from suitability.storage import Database

    database = Database(url)
    ruleset = load_rules()
    alert = OverrideAlert(Fraction(3, 10), 20)
    year, quarter = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), Period.ending(dt.date(2026, 12, 31), 90)
    results = []
    with database.session() as session:
        report = rule_analytics(session, year, alert, ruleset)
        busiest = max(report.rules, key=lambda r: r.overrides).rule_id
        results.append(timed("rule analytics, a year", repeat, lambda: rule_analytics(session, year, alert, ruleset)))
        results.append(timed("rule analytics, 90 days", repeat,
                             lambda: rule_analytics(session, quarter, alert, ruleset)))
        results.append(timed("cases behind a rule", repeat, lambda: cases_behind(session, busiest, year)))
    totals = (sum(w.total for w in report.weeks), sum(r.decisions for r in report.rules if r.decided))
    database.dispose()
    print(f"cases counted in the year: {totals[0]}; decisions counted (summed over rules): {totals[1]}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Fill, measure, print; returns 0 when every query is under the target, 1 otherwise (for reading only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.db"
        began = time.perf_counter()
        fill(url, args.cases, args.reviews)
        print(f"{args.cases} cases, {args.reviews} reviews filled in {time.perf_counter() - began:.1f} s "
              f"({url.split(':', 1)[0]}, Python {platform.python_version()})")
        results = measure(url, args.repeat)
    for label, best, median in results:
        print(f"{label:28} best {best:8.1f} ms  median {median:8.1f} ms  (target < {TARGET_MS:.0f} ms)")
    return 0 if all(median < TARGET_MS for _, _, median in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Override analytics per rule over a period: how often each rule fired and decided, how often practitioners
overrode it and why, outcomes per week, and which rules pass the override alert.

Definitions (the README's and the analytics page's words):
- a rule *fired* in a case when the case's current decision has a finding from it;
- a rule *decided* a case when one of its findings has the decision's own outcome (a `suitable` case has no
  deciding rule; several rules can decide one case);
- a *practitioner decision* on a rule is a recorded review of a case the rule decided, other than a request for
  more information (which decides nothing);
- an *override* is a practitioner decision less cautious than the engine's: it approves a case the rules found
  not suitable or deferred, approves treatment before the earliest date or deeper than a rule allows, or defers to
  before the earliest date. Those are the decisions `record_review` only accepts with a coded reason and a note.
- the *override rate* is overrides / practitioner decisions; a rule is a *review item* when it has at least the
  alert's minimum decisions and its rate is at or above the alert's rate (exact fractions, no rounding).
Cases count in the period by when they were stored, practitioner decisions by when they were recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..rules.loading import RuleSet
from ..storage import Session
from ..storage.analytics_queries import (
    OverriddenCase,
    RuleCounts,
    outcomes_by_range,
    overridden_cases,
    rule_counts,
)
from ..storage.review_models import OverrideReason
from ..vocabulary import Outcome

MAX_DAYS = 366
DEFAULT_DAYS = 90
DEFAULT_ALERT = "30%/20"
_ALERT = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?\s*/\s*(\d{1,6})\s*$")


class AnalyticsError(ValueError):
    """A period or alert setting that cannot be used; the message never repeats what was sent."""


@dataclass(frozen=True)
class OverrideAlert:
    """A rule needs review when it has at least `minimum` decisions and overrides/decisions >= `rate`."""

    rate: Fraction
    minimum: int

    def passes(self, overrides: int, decisions: int) -> bool:
        """True when these figures make the rule a review item (at the boundary too)."""
        return decisions >= self.minimum and decisions > 0 and Fraction(overrides, decisions) >= self.rate

    @property
    def percent(self) -> str:
        """The rate as people write it: '30%'."""
        return f"{float(self.rate * 100):g}%"


def parse_override_alert(text: str) -> OverrideAlert:
    """'30%/20' (a percentage, then the fewest practitioner decisions) as an OverrideAlert."""
    match = _ALERT.match(text)
    if match is None:
        raise AnalyticsError("an override alert is a percentage and a number of decisions, such as 30%/20")
    rate, minimum = Fraction(match[1]) / 100, int(match[2])
    if not 0 < rate <= 1 or minimum < 1:
        raise AnalyticsError("an override alert's percentage is above 0 and at most 100, over at least 1 decision")
    return OverrideAlert(rate, minimum)


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included, in UTC."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start or (self.end - self.start).days >= MAX_DAYS:
            raise AnalyticsError(f"a period is a first and a last day, at most {MAX_DAYS} days long")

    @classmethod
    def ending(cls, end: dt.date, days: int = DEFAULT_DAYS) -> Period:
        """The `days` days up to and including `end`."""
        return cls(end - dt.timedelta(days=days - 1), end)

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [since, until) in aware UTC datetimes."""
        return _utc(self.start), _utc(self.end + dt.timedelta(days=1))


@dataclass(frozen=True)
class RuleFigures:
    """One rule's figures over the period, and whether they pass the alert."""

    rule_id: str
    title: str
    topic: str
    fired: int
    decided: int
    decisions: int
    overrides: int
    reasons: tuple[tuple[OverrideReason, int], ...]
    alert: bool

    @property
    def rate(self) -> Fraction | None:
        """Overrides / practitioner decisions, or None when there were no decisions."""
        return Fraction(self.overrides, self.decisions) if self.decisions else None

    @property
    def rate_percent(self) -> float | None:
        """The rate as a percentage rounded to one decimal, for people."""
        return None if self.rate is None else round(float(self.rate * 100), 1)


@dataclass(frozen=True)
class Week:
    """Cases stored in one week (Monday to Sunday, clipped to the period) by current outcome."""

    start: dt.date
    counts: tuple[tuple[Outcome, int], ...]

    @property
    def total(self) -> int:
        """Every case stored that week."""
        return sum(count for _, count in self.counts)


@dataclass(frozen=True)
class RuleReport:
    """The whole analytics answer for a period."""

    period: Period
    alert: OverrideAlert
    rules: tuple[RuleFigures, ...]
    weeks: tuple[Week, ...]

    @property
    def review_items(self) -> tuple[RuleFigures, ...]:
        """The rules whose override rate passes the alert, highest rate first."""
        return tuple(sorted((r for r in self.rules if r.alert),
                            key=lambda r: (-(r.rate or 0), -r.decisions, r.rule_id)))


def week_ranges(period: Period) -> list[tuple[dt.date, dt.date]]:
    """The period's weeks, Monday to Sunday, the first and last clipped to the period: (first day, day after)."""
    monday = period.start - dt.timedelta(days=period.start.weekday())
    ranges = []
    while monday <= period.end:
        ranges.append((max(monday, period.start), min(monday + dt.timedelta(days=7), period.end + dt.timedelta(days=1))))
        monday += dt.timedelta(days=7)
    return ranges


def _weeks(session: Session, period: Period) -> tuple[Week, ...]:
    ranges = week_ranges(period)
    counted = outcomes_by_range(session, [(_utc(first), _utc(after)) for first, after in ranges])
    return tuple(Week(first, tuple((o, counted.get((_utc(first), o), 0)) for o in Outcome)) for first, _ in ranges)


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def rule_analytics(session: Session, period: Period, alert: OverrideAlert,
                   ruleset: RuleSet | None = None) -> RuleReport:
    """Every rule's figures over `period`: each rule of `ruleset` (with zeros), then any other rule seen."""
    since, until = period.bounds
    counts = rule_counts(session, since, until)
    known = {rule.id: (rule.title, rule.file.rsplit(".", 1)[0]) for rule in (ruleset.rules if ruleset else ())}
    order = list(known) + sorted(set(counts) - set(known))
    rules = []
    for rule_id in order:
        got = counts.get(rule_id, RuleCounts())
        title, topic = known.get(rule_id, (rule_id, ""))
        rules.append(RuleFigures(rule_id, title, topic, got.fired, got.decided, got.decisions, got.overrides,
                                 got.reasons, alert.passes(got.overrides, got.decisions)))
    return RuleReport(period, alert, tuple(rules), _weeks(session, period))


def cases_behind(session: Session, rule_id: str, period: Period, limit: int = 50) -> list[OverriddenCase]:
    """The newest overrides of `rule_id`'s decisions in the period: the cases behind a review item."""
    since, until = period.bounds
    return overridden_cases(session, rule_id, since, until, limit=limit)


CSV_COLUMNS = ("rule_id", "title", "topic", "fired", "decided", "practitioner_decisions", "overrides",
               "override_rate_percent", "review_item", *(f"reason_{reason.value}" for reason in OverrideReason))


def report_csv(report: RuleReport) -> str:
    """The per-rule figures as CSV (one row per rule); cells that a spreadsheet would run are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for rule in report.rules:
        reasons = dict(rule.reasons)
        writer.writerow([_cell(rule.rule_id), _cell(rule.title), _cell(rule.topic), rule.fired, rule.decided,
                         rule.decisions, rule.overrides, "" if rule.rate_percent is None else rule.rate_percent,
                         "yes" if rule.alert else "no", *(reasons.get(reason, 0) for reason in OverrideReason)])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_json(report: RuleReport) -> dict[str, Any]:
    """The same figures as a JSON document (GET /api/v1/analytics/rules)."""
    return {
        "start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
        "alert": {"rate_percent": float(report.alert.rate * 100), "minimum_decisions": report.alert.minimum},
        "rules": [{"rule_id": r.rule_id, "title": r.title, "topic": r.topic, "fired": r.fired,
                   "decided": r.decided, "practitioner_decisions": r.decisions, "overrides": r.overrides,
                   "override_rate_percent": r.rate_percent, "review_item": r.alert,
                   "override_reasons": {reason.value: count for reason, count in r.reasons}}
                  for r in report.rules],
        "weeks": [{"start": w.start.isoformat(), "outcomes": {o.value: n for o, n in w.counts}}
                  for w in report.weeks],
    }

"""The SQL behind rule analytics: counts grouped in the database, never every case loaded into Python.

Every function takes a session and a period of whole UTC days, `since` (inclusive) to `until` (exclusive), as
aware datetimes. Cases count by when they were stored; practitioner decisions by when they were recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, column, func, select, true, values
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..vocabulary import Outcome
from .case_rules import CaseRule
from .errors import StorageError
from .models import Case
from .review_models import OverrideReason, Review, ReviewAction
from .types import EnumText, UTCDateTime

# Asking for more information decides nothing about the engine's outcome, and can never be an override: counting
# it would lower every override rate.
NOT_A_DECISION = ReviewAction.REQUEST_INFORMATION


@dataclass(frozen=True)
class RuleCounts:
    """One rule's raw figures over a period."""

    fired: int = 0
    decided: int = 0
    decisions: int = 0
    overrides: int = 0
    reasons: tuple[tuple[OverrideReason, int], ...] = ()


@dataclass(frozen=True)
class OverriddenCase:
    """A practitioner decision that overrode a rule: the case behind an override rate."""

    case_id: str
    reference: str
    at: dt.datetime
    action: ReviewAction
    reason: OverrideReason | None


def _in(column: ColumnElement[dt.datetime] | InstrumentedAttribute[dt.datetime], since: dt.datetime, until: dt.datetime) -> ColumnElement[bool]:
    return and_(column >= since, column < until)


def rule_counts(session: Session, since: dt.datetime, until: dt.datetime) -> dict[str, RuleCounts]:
    """Rule id -> its figures: cases it fired in and decided, decisions on those cases and overrides among them."""
    decided = func.sum(case((CaseRule.decided, 1), else_=0))
    cases = (select(CaseRule.rule_id, func.count(), decided)
             .where(_in(CaseRule.case_created_at, since, until)).group_by(CaseRule.rule_id))
    reviews = (select(CaseRule.rule_id, Review.override_reason, func.count())
               .join(CaseRule, and_(CaseRule.case_id == Review.case_id, CaseRule.decided))
               .where(_in(Review.at, since, until), Review.action != NOT_A_DECISION)
               .group_by(CaseRule.rule_id, Review.override_reason))
    found: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[OverrideReason, int]] = {}
    try:
        for rule, fired, made in session.execute(cases):
            found[rule] = {"fired": int(fired), "decided": int(made or 0), "decisions": 0, "overrides": 0}
        for rule, reason, count in session.execute(reviews):
            row = found.setdefault(rule, {"fired": 0, "decided": 0, "decisions": 0, "overrides": 0})
            row["decisions"] += int(count)
            if reason is not None:
                row["overrides"] += int(count)
                reasons.setdefault(rule, {})[OverrideReason(reason)] = int(count)
    except SQLAlchemyError as exc:
        raise StorageError(f"could not count rule figures ({type(exc).__name__})") from exc
    order = list(OverrideReason)
    return {rule: RuleCounts(row["fired"], row["decided"], row["decisions"], row["overrides"],
                             tuple(sorted(reasons.get(rule, {}).items(), key=lambda item: order.index(item[0]))))
            for rule, row in found.items()}


def outcomes_by_range(session: Session, ranges: Sequence[tuple[dt.datetime, dt.datetime]]
                      ) -> dict[tuple[dt.datetime, Outcome], int]:
    """(range start, current outcome) -> cases stored in [start, end) with that outcome, for each range.

    One statement of small index range counts (the ranges, by each outcome): no expression over every row and
    no sort, so a year of weeks over 100 000 cases reads the (outcome, created_at) index once.
    """
    if not ranges:
        return {}
    spans = values(column("since", UTCDateTime()), column("until", UTCDateTime()), name="spans").data(list(ranges)).cte()
    kinds = values(column("outcome", EnumText(Outcome, 32)), name="kinds").data([(o,) for o in Outcome]).cte()
    count = (select(func.count()).select_from(Case)
             .where(Case.outcome == kinds.c.outcome, Case.created_at >= spans.c.since, Case.created_at < spans.c.until)
             .correlate(spans, kinds).scalar_subquery())
    try:
        rows = session.execute(select(spans.c.since, kinds.c.outcome, count)
                               .select_from(spans.join(kinds, true()))).all()  # every range by every outcome
    except SQLAlchemyError as exc:
        raise StorageError(f"could not count outcomes ({type(exc).__name__})") from exc
    return {(since, Outcome(outcome)): int(n) for since, outcome, n in rows}


def overridden_cases(session: Session, rule_id: str, since: dt.datetime, until: dt.datetime, *,
                     limit: int = 50) -> list[OverriddenCase]:
    """The newest overrides of decisions `rule_id` made, at most `limit`."""
    query = (select(Case.id, Case.reference, Review.at, Review.action, Review.override_reason)
             .join(Review, Review.case_id == Case.id)
             .join(CaseRule, and_(CaseRule.case_id == Case.id, CaseRule.rule_id == rule_id, CaseRule.decided))
             .where(_in(Review.at, since, until), Review.override_reason.is_not(None))
             .order_by(Review.at.desc(), Review.id.desc()).limit(limit))
    try:
        return [OverriddenCase(*row) for row in session.execute(query)]
    except SQLAlchemyError as exc:
        raise StorageError(f"could not list overridden cases ({type(exc).__name__})") from exc

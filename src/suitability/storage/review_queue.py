"""The practitioner queue and the export: flagged cases filtered, counted and paged; decisions in a date range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..vocabulary import Outcome
from .cases import _reading, normalise_reference
from .models import Case, ReviewStatus
from .review_models import Review, User

PER_PAGE = 25


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, how many cases match in all, and the counts per outcome at the top."""

    cases: tuple[Case, ...]
    total: int
    page: int
    pages: int
    counts: dict[Outcome, int]


def queue(session: Session, *, status: ReviewStatus | None = ReviewStatus.OPEN, outcome: Outcome | None = None,
          reference: str = "", oldest_first: bool = False, page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """Flagged cases (needs_review) with this status and outcome; a reference search finds that case alone.

    The counts per outcome ignore the outcome filter (they are the choices of that filter) but keep the rest.
    A reference that is not a reference code at all finds nothing rather than everything.
    """
    base = select(Case).where(Case.needs_review.is_(True))
    if status is not None:
        base = base.where(Case.review_status == status)
    if reference.strip():
        base = base.where(Case.reference == (normalise_reference(reference) or "-"))
    with _reading():
        matching = base.subquery()
        counts = {Outcome(o): int(n) for o, n in session.execute(
            select(matching.c.outcome, func.count()).group_by(matching.c.outcome))}
        filtered = base.where(Case.outcome == outcome) if outcome is not None else base
        total = int(session.scalar(select(func.count()).select_from(filtered.subquery())) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        order = (Case.created_at.asc(), Case.id) if oldest_first else (Case.created_at.desc(), Case.id)
        rows = session.scalars(filtered.order_by(*order).limit(per_page).offset((page - 1) * per_page))
        return QueuePage(tuple(rows), total, page, pages, {o: counts.get(o, 0) for o in Outcome if o.severity > 1})


def _decided(start: dt.date, end: dt.date) -> Select[Review, Case, User]:
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    return (select(Review, Case, User).join(Case, Review.case_id == Case.id)
            .join(User, Review.reviewer_id == User.id)
            .where(Review.at >= since, Review.at < until).order_by(Review.at, Review.id))


def decisions_between(session: Session, start: dt.date, end: dt.date) -> list[tuple[Review, Case, User]]:
    """Every decision recorded from `start` to `end` inclusive (UTC days), oldest first, with case and reviewer."""
    with _reading():
        return [(row[0], row[1], row[2]) for row in session.execute(_decided(start, end))]

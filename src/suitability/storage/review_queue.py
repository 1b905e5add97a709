"""The practitioner queue and the export: flagged cases filtered, counted and paged; decisions in a date range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session

from ..vocabulary import Outcome
from .cases import _reading, normalise_reference
from .models import Case, ReviewStatus
from .review_models import Review, User

PER_PAGE = 25
SEARCH_LENGTH = 200  # as long as the longest searchable column (an external reference, a name)


@dataclass(frozen=True)
class Appointments:
    """An appointment-date filter: days from `start` to `end` inclusive (either open), and whether only cases
    whose answers run out before their appointment (a check-in is due) are wanted."""

    start: dt.date | None = None
    end: dt.date | None = None
    checkins_due: bool = False

    @property
    def filtering(self) -> bool:
        """Whether the filter leaves out any case (cases without an appointment date among them)."""
        return self.start is not None or self.end is not None or self.checkins_due


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, how many cases match in all, and the counts per outcome at the top."""

    cases: tuple[Case, ...]
    total: int
    page: int
    pages: int
    counts: dict[Outcome, int]
    # Cases the appointment filter left out because they have no appointment date: said on the page, so a
    # date filter never silently hides a patient who is due.
    undated: int = 0


def _like(term: str) -> str:
    """`term` as a LIKE pattern matching it anywhere, its own wildcards taken literally."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(term: str) -> ColumnElement[bool]:
    """A search term as a condition: a reference code, an integration's own reference, an appointment day
    (ISO), or part of a name or contact the clinic collected."""
    term = term.strip()[:SEARCH_LENGTH]
    conditions: list[ColumnElement[bool]] = [Case.external_reference == term]
    if code := normalise_reference(term):
        conditions.append(Case.reference == code)
    try:
        conditions.append(Case.appointment_date == dt.date.fromisoformat(term))
    except ValueError:
        pass
    if len(term) >= 2:  # one letter would match nearly every name
        pattern = _like(term)
        conditions += [func.lower(Case.contact_name).like(pattern, escape="\\"),
                       func.lower(Case.contact_detail).like(pattern, escape="\\")]
    return or_(false(), *conditions)


def _checkin_due(session: Session) -> ColumnElement[bool]:
    """Cases whose answers run out before their appointment: the decision's `valid_until` is stored as an ISO
    day, which compares as text with the appointment day written the same way."""
    valid_until = Case.decision["valid_until"].as_string()
    day = (Case.appointment_date if session.get_bind().dialect.name == "sqlite"
           else func.to_char(Case.appointment_date, "YYYY-MM-DD"))
    return and_(valid_until.is_not(None), valid_until < cast(day, String))


def queue(session: Session, *, status: ReviewStatus | None = ReviewStatus.OPEN, outcome: Outcome | None = None,
          reference: str = "", oldest_first: bool = False, page: int = 1, per_page: int = PER_PAGE,
          search: str = "", appointments: Appointments = Appointments(), flagged_only: bool = True,
          by_appointment: bool = False) -> QueuePage:
    """Flagged cases (needs_review) with this status and outcome; a reference search finds that case alone.

    `search` finds cases by reference, external reference, appointment day, name or contact; `appointments`
    keeps the cases with an appointment in its range (and, if asked, a check-in due), and counts the ones it
    left out for having no appointment date. `flagged_only` False lists every case (a clinic day sees the
    suitable patients coming in too); `by_appointment` orders by appointment day, then by when it was sent.
    The counts per outcome ignore the outcome filter (they are the choices of that filter) but keep the rest.
    A reference that is not a reference code at all finds nothing rather than everything.
    """
    base = select(Case)
    if flagged_only:
        base = base.where(Case.needs_review.is_(True))
    if status is not None:
        base = base.where(Case.review_status == status)
    if reference.strip():
        base = base.where(Case.reference == (normalise_reference(reference) or "-"))
    if search.strip():
        base = base.where(_search(search))
    undated_query = base.where(Case.appointment_date.is_(None))
    if appointments.filtering:
        base = base.where(Case.appointment_date.is_not(None))
    if appointments.start is not None:
        base = base.where(Case.appointment_date >= appointments.start)
    if appointments.end is not None:
        base = base.where(Case.appointment_date <= appointments.end)
    if appointments.checkins_due:
        base = base.where(_checkin_due(session))
    with _reading():
        matching = base.subquery()
        counts = {Outcome(o): int(n) for o, n in session.execute(
            select(matching.c.outcome, func.count()).group_by(matching.c.outcome))}
        filtered = base.where(Case.outcome == outcome) if outcome is not None else base
        total = int(session.scalar(select(func.count()).select_from(filtered.subquery())) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        order: tuple[Any, ...] = (Case.created_at.asc(), Case.id) if oldest_first else (Case.created_at.desc(),
                                                                                         Case.id)
        if by_appointment:
            order = (Case.appointment_date.is_(None), Case.appointment_date.asc(), *order)
        rows = session.scalars(filtered.order_by(*order).limit(per_page).offset((page - 1) * per_page))
        undated = 0
        if appointments.filtering:
            undated_filtered = undated_query.where(Case.outcome == outcome) if outcome is not None else undated_query
            undated = int(session.scalar(select(func.count()).select_from(undated_filtered.subquery())) or 0)
        return QueuePage(tuple(rows), total, page, pages, {o: counts.get(o, 0) for o in Outcome if o.severity > 1},
                         undated)


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

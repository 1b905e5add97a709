"""A practitioner reads cases: the queue filtered and paged, one case with its history; each view is audited.

Nobody sees a case unaudited: a search of the queue and the opening of a case are recorded after the data is
read and before it is handed back, and if that record is not stored the caller gets ViewNotAudited, not the
data. Every failure of the database is a StorageError, so doors handle one error tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..decision import Decision
from ..storage import Session
from ..storage.audit import events_for
from ..storage.cases import decision_of, get_case
from ..storage.database import Database
from ..storage.errors import DatabaseError, StorageError
from ..storage.models import AuditEvent, Case, ReviewStatus
from ..storage.review_models import Review, User
from ..storage.review_queue import SEARCH_LENGTH, Appointments, QueuePage, queue
from ..storage.reviews import reviews_for
from ..storage.view_audit import CASE_VIEWED, QUEUE_SEARCHED, VIEWS, Viewer, recent_viewers, record_view
from ..vocabulary import Outcome


@dataclass(frozen=True)
class QueueQuery:
    """What the queue is asked for: status (None: any), outcome (None: any), one search box, order, appointment
    days, flagged cases or every one, and the page."""

    status: ReviewStatus | None = ReviewStatus.OPEN
    outcome: Outcome | None = None
    search: str = ""
    oldest_first: bool = False
    by_appointment: bool = False
    appointments: Appointments = field(default_factory=Appointments)
    flagged_only: bool = True
    page: int = 1


@dataclass(frozen=True)
class CaseFile:
    """A case as its page shows it: the stored case, its decision, its audit events, the decisions made on it
    with who made them, and who else opened it recently."""

    case: Case
    decision: Decision
    events: list[AuditEvent]
    reviews: list[tuple[Review, User]]
    viewers: list[Viewer]


def appointment_filter(when: str, today: dt.date, *, start: dt.date | None = None, end: dt.date | None = None,
                       due: bool = False) -> Appointments:
    """The appointment days `when` names: "today", "week" (the clinic's week, Monday to Sunday, around `today`),
    "range" (from `start` to `end`, either open, in whichever order they were given), or any day ("")."""
    if when == "today":
        start = end = today
    elif when == "week":
        start = today - dt.timedelta(days=today.weekday())
        end = start + dt.timedelta(days=6)
    elif when == "range":
        if start is not None and end is not None and end < start:
            start, end = end, start
    else:
        start = end = None
    return Appointments(start, end, due)


def queue_page(db: Database, query: QueueQuery, *, actor: str) -> QueuePage:
    """One page of the queue. A search is recorded (what was looked for, how many were found) before the page is
    returned: ViewNotAudited if that record is not stored; StorageError if the database fails."""
    search = query.search[:SEARCH_LENGTH]
    try:
        with db.session() as session:
            found = queue(session, status=query.status, outcome=query.outcome, search=search,
                          oldest_first=query.oldest_first, by_appointment=query.by_appointment,
                          appointments=query.appointments, flagged_only=query.flagged_only, page=query.page)
            if search.strip():
                record_view(session, action=QUEUE_SEARCHED, actor=actor,
                            detail={"reference": search.strip(), "found": found.total})
    except DatabaseError as exc:
        raise StorageError(f"could not read the queue ({type(exc).__name__})") from exc
    return found


def open_case(db: Database, case_id: str, *, actor: str, recent: dt.timedelta, now: dt.datetime) -> CaseFile | None:
    """The case with its history and who else opened it within `recent` of `now` (not `actor`), None if there is
    no such case. The opening is recorded before anything is returned: ViewNotAudited if that is not stored;
    StorageError if the database fails."""
    try:
        with db.session() as session:
            case = get_case(session, case_id)
            if case is None:
                return None
            events, reviews = events_for(session, case_id), reviews_for(session, case_id)
            viewers = recent_viewers(session, case_id, within=recent, excluding=actor, now=now)
            record_view(session, action=CASE_VIEWED, actor=actor, case_id=case_id,
                        ruleset_version=case.ruleset_version)
    except DatabaseError as exc:
        raise StorageError(f"could not read the case ({type(exc).__name__})") from exc
    return CaseFile(case, decision_of(case), events, reviews, viewers)


def treatments_asked(session: Session, case_id: str) -> int | None:
    """How many treatments the case asks for (a decision gives a depth for each), None if there is no such case."""
    case = get_case(session, case_id)
    return None if case is None else len(case.intake.get("treatments") or [])


__all__ = ["SEARCH_LENGTH", "VIEWS", "Appointments", "AuditEvent", "Case", "CaseFile", "QueuePage",
           "QueueQuery", "Review", "ReviewStatus", "User", "Viewer", "appointment_filter", "open_case",
           "queue_page", "treatments_asked"]

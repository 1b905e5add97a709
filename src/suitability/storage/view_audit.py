"""Audit of what practitioners look at: a case opened (its page, its check-in pages), a reference searched, the
accounts listed, the cases a re-screen preview shows, a CSV export.

A view is recorded after the page's data is read and before it is shown; if the record cannot be written the
caller shows no data (fail safe: nobody sees a case unaudited). The same events say who else has a case open.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .audit import record_event
from .errors import StorageError, ViewNotAudited
from .models import AuditEvent
from .review_models import User
from .types import utcnow

log = logging.getLogger(__name__)
CASE_VIEWED = "case.viewed"
QUEUE_SEARCHED = "queue.searched"
USERS_VIEWED = "users.viewed"
RESCREEN_PREVIEWED = "rescreen.previewed"  # one per case a re-screen preview shows
DECISIONS_EXPORTED = "decisions.exported"
VIEWS = frozenset({CASE_VIEWED, QUEUE_SEARCHED, USERS_VIEWED, RESCREEN_PREVIEWED})


@dataclass(frozen=True)
class Viewer:
    """Someone who opened a case recently, and when they last did."""

    username: str
    display_name: str
    at: dt.datetime


def record_view(session: Session, *, action: str, actor: str, case_id: str | None = None,
                ruleset_version: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Commit one view event after the caller's reads; ViewNotAudited if it is not stored (show nothing then).

    What the caller read stays loaded and usable: the session lets go of it before ending the read, so that
    the write starts its own transaction (on SQLite a transaction that starts with its write waits its turn).
    `detail` never holds answers: who, what and when only.
    """
    record_views(session, action=action, actor=actor, cases=[(case_id, ruleset_version)], detail=detail)


def record_views(session: Session, *, action: str, actor: str, cases: Iterable[tuple[str | None, str | None]],
                 detail: dict[str, Any] | None = None) -> None:
    """As `record_view`, one event per (case id, rule-set version) of a page that shows many, in one commit."""
    session.expunge_all()
    try:
        session.rollback()
        for case_id, ruleset_version in cases:
            record_event(session, action=action, actor=actor, case_id=case_id, ruleset_version=ruleset_version,
                         detail=detail)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.error("a %s audit event was not stored: %s", action, type(exc).__name__)
        raise ViewNotAudited(f"the view was not audited ({type(exc).__name__})") from exc


def recent_viewers(session: Session, case_id: str, *, within: dt.timedelta, excluding: str = "",
                   now: dt.datetime | None = None) -> list[Viewer]:
    """Who else opened this case within `within` of now, most recent first (their latest view each)."""
    since = (now or utcnow()) - within
    last = func.max(AuditEvent.at).label("last")
    query = (select(AuditEvent.actor, func.max(User.display_name), last)
             .outerjoin(User, User.username == AuditEvent.actor)
             .where(AuditEvent.case_id == case_id, AuditEvent.action == CASE_VIEWED, AuditEvent.at >= since,
                    AuditEvent.actor != excluding)
             .group_by(AuditEvent.actor).order_by(last.desc(), AuditEvent.actor))
    try:
        rows = session.execute(query).all()
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read recent views ({type(exc).__name__})") from exc
    return [Viewer(actor, name or actor, at) for actor, name, at in rows]

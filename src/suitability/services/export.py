"""Export decisions for the clinic's records: the decisions of a date range, handed back only once the export is
audited (and, when patients' contact details leave with them, once each such case's history says so)."""

from __future__ import annotations

import datetime as dt

from ..storage.database import Database
from ..storage.errors import DatabaseError, StorageError
from ..storage.models import Case
from ..storage.review_models import Review, User
from ..storage.review_queue import decisions_between
from ..storage.view_audit import DECISIONS_EXPORTED, record_view, record_views

CONTACT_EXPORTED = "case.contact_exported"


def export_decisions(db: Database, start: dt.date, end: dt.date, *, actor: str,
                     contact: bool = False) -> list[tuple[Review, Case, User]]:
    """Every decision recorded from `start` to `end` inclusive (UTC days), oldest first, with case and reviewer.

    Who took a copy of which decisions off the system, and when, is recorded first; with `contact`, so is each
    case whose name or contact goes with it. ViewNotAudited if that is not stored (then no copy may be sent);
    StorageError if the database fails.
    """
    try:
        with db.session() as session:
            decisions = decisions_between(session, start, end)
            cases = list(dict.fromkeys((c.id, c.ruleset_version) for _, c, _ in decisions if c.contact_name
                                       or c.contact_detail)) if contact else []
            record_view(session, action=DECISIONS_EXPORTED, actor=actor,
                        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(decisions),
                                **({"contact": True} if contact else {})})
            if cases:
                record_views(session, action=CONTACT_EXPORTED, actor=actor, cases=cases,
                             detail={"start": start.isoformat(), "end": end.isoformat()})
    except DatabaseError as exc:
        raise StorageError(f"could not read the decisions ({type(exc).__name__})") from exc
    return decisions


__all__ = ["CONTACT_EXPORTED", "export_decisions"]

"""The queue of flagged cases and the CSV export of decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from flask import Response, abort, render_template, request
from flask_login import current_user  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from ...storage import ReviewStatus, StorageError
from ...storage.errors import ViewNotAudited
from ...storage.review_queue import decisions_between
from ...storage.review_queue import queue as load_queue
from ...storage.view_audit import DECISIONS_EXPORTED, QUEUE_SEARCHED, record_view
from ...vocabulary import Outcome
from ..database import get_db
from ..numbers import whole_number
from ..patient.form_views import View
from . import bp
from .export import decisions_csv, export_filename
from .unaudited import not_audited

STATUSES = {"open": ReviewStatus.OPEN, "decided": ReviewStatus.DECIDED,
            "needs_information": ReviewStatus.NEEDS_INFORMATION, "all": None}
MAX_EXPORT_DAYS = 366
EXPORT_DAYS = (dt.date(1970, 1, 1), dt.date(9998, 12, 31))


def _choice(name: str, allowed: Collection[str], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


@bp.get("/")
def queue() -> View:
    status = _choice("status", STATUSES, "open")
    outcomes = {o.value: o for o in Outcome if o is not Outcome.SUITABLE}
    outcome = _choice("outcome", {"": None, **outcomes}, "")
    order = _choice("order", {"newest": 1, "oldest": 1}, "newest")
    page = request.args.get("page", "1")
    search = request.args.get("reference", "")[:40]
    try:
        with get_db().session() as session:
            found = load_queue(session, status=STATUSES[status], outcome=outcomes.get(outcome),
                               reference=search, oldest_first=order == "oldest",
                               page=whole_number(page, 6) or 1)
            if search.strip():  # what was looked for and found; shown only once that is stored
                record_view(session, action=QUEUE_SEARCHED, actor=current_user.username,
                            detail={"reference": search.strip(), "found": found.total})
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    filters = {"status": status, "outcome": outcome, "order": order, "reference": search}
    return render_template("practitioner/queue.html", found=found, filters=filters, statuses=STATUSES,
                           outcomes=outcomes)


def _date(name: str) -> dt.date | None:
    """A day of the export's range; the calendar's ends are refused (the range's end is a day past its last)."""
    try:
        day = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if EXPORT_DAYS[0] <= day <= EXPORT_DAYS[1] else None


@bp.get("/export")
def export() -> View:
    if "start" not in request.args:
        today = dt.date.today()
        return render_template("practitioner/export.html", start=today.replace(day=1), end=today, error=None)
    start, end = _date("start"), _date("end")
    if start is None or end is None or end < start or (end - start).days > MAX_EXPORT_DAYS:
        return render_template("practitioner/export.html", start=start, end=end,
                               error=f"Enter a first and last day, at most {MAX_EXPORT_DAYS} days apart."), 400
    try:
        with get_db().session() as session:
            decisions = decisions_between(session, start, end)
            body = decisions_csv(decisions)
            # Who took a copy of which decisions off the system, and when; if that is not stored, no copy is sent.
            record_view(session, action=DECISIONS_EXPORTED, actor=current_user.username,
                        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(decisions)})
    except ViewNotAudited:
        return not_audited()
    except (StorageError, SQLAlchemyError):
        abort(503)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export_filename(start, end)}"',
        "Cache-Control": "no-store"})


"""The queue of flagged cases and the CSV export of decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from flask import Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user  # type: ignore[import-untyped]

from ... import clock
from ...services.cases import (
    SEARCH_LENGTH,
    Appointments,
    QueueQuery,
    ReviewStatus,
    appointment_filter,
    queue_page,
)
from ...services.errors import StorageError, ViewNotAudited
from ...services.export import export_decisions
from ...vocabulary import Outcome
from ..database import get_db
from ..i18n import shown_date
from ..numbers import whole_number
from ..patient.form_views import View
from . import bp
from .export import decisions_csv, export_filename
from .plain_words import outcome_words
from .queue_rows import queue_row
from .unaudited import not_audited

STATUSES = {"open": ReviewStatus.OPEN, "decided": ReviewStatus.DECIDED,
            "needs_information": ReviewStatus.NEEDS_INFORMATION, "all": None}
STATUS_WORDS = {"open": _l("open"), "decided": _l("decided"),
                "needs_information": _l("waiting for information"), "all": _l("any")}
ORDERS = {"newest": _l("newest first"), "oldest": _l("oldest first"),
          "appointment": _l("by appointment date")}
WHEN = {"": _l("any day"), "today": _l("today"), "week": _l("this week"),
        "range": _l("between these dates")}
SCOPES = {"flagged": _l("flagged for review"), "every": _l("every case")}
MAX_EXPORT_DAYS = 366
EXPORT_DAYS = (dt.date(1970, 1, 1), dt.date(9998, 12, 31))
# The form's choices as a fresh queue has them: any other choice opens the folded filters on a phone.
UNFILTERED = {"status": "open", "outcome": "", "order": "newest", "when": "", "scope": "flagged", "from": "",
              "to": ""}


def _choice(name: str, allowed: Collection[str], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


def _day(name: str) -> dt.date | None:
    """A day from the query (ISO, as a date field sends it), or None."""
    try:
        day = dt.date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None
    return day if EXPORT_DAYS[0] <= day <= EXPORT_DAYS[1] else None


def _appointments(when: str, today: dt.date, due: bool) -> tuple[Appointments, dict[str, str]]:
    """The appointment filter the query asks for, and the range it is as ISO days for the form."""
    if not when and (request.args.get("from") or request.args.get("to")):
        when = "range"  # days given without saying so are a range
    appointments = appointment_filter(when, today, start=_day("from"), end=_day("to"), due=due)
    start, end = appointments.start, appointments.end
    shown = {"from": start.isoformat() if start else "", "to": end.isoformat() if end else ""}
    return appointments, shown


@bp.get("/")
def queue() -> View:
    """The queue: flagged (or every) case filtered by status, outcome, appointment days and one search box."""
    status = _choice("status", STATUSES, "open")
    outcomes = {o.value: o for o in Outcome if o is not Outcome.SUITABLE}
    outcome = _choice("outcome", {"": None, **outcomes}, "")
    order = _choice("order", ORDERS, "newest")
    when = _choice("when", WHEN, "")
    scope = _choice("scope", SCOPES, "flagged")
    due = request.args.get("due") == "1"
    page = request.args.get("page", "1")
    search = request.args.get("reference", "")[:SEARCH_LENGTH]
    today = clock.today(current_app.config["CLINIC_ZONE"])
    appointments, days = _appointments(when, today, due)
    query = QueueQuery(status=STATUSES[status], outcome=outcomes.get(outcome), search=search,
                       oldest_first=order == "oldest", by_appointment=order == "appointment",
                       appointments=appointments, flagged_only=scope == "flagged", page=whole_number(page, 6) or 1)
    try:
        found = queue_page(get_db(), query, actor=current_user.username)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    filters = {"status": status, "outcome": outcome, "order": order, "reference": search, "when": when,
               "scope": scope, **days, **({"due": "1"} if due else {})}
    return render_template("practitioner/queue.html", found=found, filters=filters, statuses=STATUSES,
                           outcomes=outcomes, rows=[queue_row(c, today) for c in found.cases], status_words=STATUS_WORDS,
                           outcome_words=outcome_words, orders=ORDERS, whens=WHEN, scopes=SCOPES,
                           filtering=appointments.filtering, fmt_date=shown_date,
                           filters_open=due or any(filters[name] != value for name, value in UNFILTERED.items()))


def _date(name: str) -> dt.date | None:
    """A day of the export's range; the calendar's ends are refused (the range's end is a day past its last)."""
    try:
        day = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if EXPORT_DAYS[0] <= day <= EXPORT_DAYS[1] else None


@bp.get("/export")
def export() -> View:
    """The export form, or the CSV of a range's decisions once the export is audited (503 if it is not)."""
    if "start" not in request.args:
        today = dt.date.today()
        return render_template("practitioner/export.html", start=today.replace(day=1), end=today, error=None,
                               collect_contact=current_app.config.get("COLLECT_CONTACT"))
    start, end = _date("start"), _date("end")
    if start is None or end is None or end < start or (end - start).days > MAX_EXPORT_DAYS:
        return render_template("practitioner/export.html", start=start, end=end,
                               collect_contact=current_app.config.get("COLLECT_CONTACT"),
                               error=f"Enter a first and last day, at most {MAX_EXPORT_DAYS} days apart."), 400
    contact = bool(current_app.config.get("COLLECT_CONTACT")) and request.args.get("contact") == "1"
    try:
        decisions = export_decisions(get_db(), start, end, actor=current_user.username, contact=contact)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    return Response(decisions_csv(decisions, contact=contact), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export_filename(start, end)}"',
        "Cache-Control": "no-store"})


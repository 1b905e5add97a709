"""Decisions as CSV for the clinic's records: no patient answers, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from ...services.cases import Case, Review, User
from .case_page import by_treatment

COLUMNS = ("reference", "case_id", "submitted_at", "engine_outcome", "ruleset_version", "profile", "decision",
           "depth_limits_mm", "defer_until", "override_reason", "override_note", "note", "reviewer", "decided_at")
CONTACT_COLUMNS = ("contact_name", "contact_detail")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def cell(value: object) -> str:
    """A value as safe CSV text: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def row(review: Review, case: Case, user: User) -> list[str]:
    """One decision as the CSV cells of COLUMNS, in order."""
    limits = "; ".join(f"treatment {int(i) + 1}: {mm:g}" for i, mm in by_treatment(review.depth_limits))
    return [cell(v) for v in (
        case.reference, case.id, case.created_at.isoformat(timespec="seconds"), case.outcome.value,
        review.ruleset_version, case.profile, review.action.value, limits,
        review.defer_until.isoformat() if review.defer_until else "",
        review.override_reason.value if review.override_reason else "", review.override_note, review.note,
        user.username, review.at.isoformat(timespec="seconds"))]


def decisions_csv(rows: Iterable[tuple[Review, Case, User]], *, contact: bool = False) -> str:
    """The header and one line per decision; `contact` adds the patient's name and contact (audited by the
    caller: a case's contact leaves the system only with an audit event)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + (CONTACT_COLUMNS if contact else ()))
    for review, case, user in rows:
        extra = [cell(case.contact_name), cell(case.contact_detail)] if contact else []
        writer.writerow(row(review, case, user) + extra)
    return out.getvalue()


def export_filename(start: dt.date, end: dt.date) -> str:
    """The CSV's file name, naming its first and last day."""
    return f"decisions-{start.isoformat()}-to-{end.isoformat()}.csv"

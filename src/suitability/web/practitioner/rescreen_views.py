"""Re-screen open cases: preview, case by case, what the current rule set would change; then accept exactly that.

The accept form carries each previewed case with the rule-set version it was compared against, and the version
previewed under; the service skips any case that changed since and refuses the lot if the rules changed.
Every case a preview shows is audited (`rescreen.previewed`) before the page is sent; if that cannot be stored
the page is not shown (503).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]

from ...errors import SuitabilityError
from ...services.errors import RescreenRefused, StorageError, ViewNotAudited
from ...services.rescreen import CaseDifference, Scope, accept, first_changes
from ...storage.view_audit import RESCREEN_PREVIEWED, record_views
from ..database import get_db, get_events, get_screener
from ..patient.form_views import View
from . import bp
from .unaudited import not_audited

SHOWN = 200  # changed cases per page: accept them, and the next preview shows the rest


def _words(value: str | None) -> str:
    return (value or "none").replace("_", " ")


def present(d: CaseDifference) -> dict[str, Any]:
    """One changed case as lines of text for the page."""
    lines = [f"Depth, treatment {c.treatment + 1} ({_words(c.area)}): {_mm(c.old_mm)} → {_mm(c.new_mm)}"
             for c in d.depth_changes]
    if d.changed_dates:
        lines.append(f"Earliest date: {d.old_earliest or 'none'} → {d.new_earliest or 'none'}")
    if d.newly_fired:
        lines.append(f"Newly applies: {', '.join(d.newly_fired)}")
    if d.no_longer_fired:
        lines.append(f"No longer applies: {', '.join(d.no_longer_fired)}")
    outcome = (f"{_words(d.old_outcome)} → {_words(d.new_outcome)}" if d.changed_outcome
               else f"{_words(d.old_outcome)} (unchanged)")
    return {"case_id": d.case_id, "reference": d.reference, "created": f"{d.created_at:%Y-%m-%d}",
            "outcome": outcome, "outcome_changed": d.changed_outcome, "lines": lines,
            "token": f"{d.case_id}:{d.old_version}"}


def _mm(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g} mm"


@bp.get("/rescreen")
def rescreen() -> View:
    try:
        screener = get_screener()
        found = first_changes(get_db(), screener, Scope(open_only=True), limit=SHOWN)
        if found.changes:  # nobody sees a case unaudited: each case shown, and the rule set it is compared under
            with get_db().session() as session:
                record_views(session, action=RESCREEN_PREVIEWED, actor=current_user.username,
                             cases=[(d.case_id, d.old_version) for d in found.changes],
                             detail={"under": screener.ruleset.version})
    except ViewNotAudited:
        return not_audited()
    except (StorageError, SuitabilityError):
        abort(503)
    return render_template("practitioner/rescreen.html", found=found, rows=[present(d) for d in found.changes],
                           ruleset=screener.ruleset)


@bp.post("/rescreen")
def rescreen_accept() -> View:
    expected: dict[str, str] = {}
    for token in request.form.getlist("case"):
        case_id, _, version = token.partition(":")
        if case_id and version:
            expected[case_id] = version
    if not expected:
        flash("There was nothing to accept.")
        return redirect(url_for("practitioner.rescreen"), 303)
    try:
        report = accept(get_db(), get_screener(), expected, new_version=request.form.get("ruleset_version", ""),
                        actor=f"practitioner:{current_user.username}", events=get_events())
    except RescreenRefused as exc:
        flash(f"Nothing was changed: {exc}.")
        return redirect(url_for("practitioner.rescreen"), 303)
    except (StorageError, SuitabilityError):
        abort(503)
    flash(f"The new decision was accepted for {len(report.accepted)} case{'s' if len(report.accepted) != 1 else ''}.")
    for skipped in report.skipped:
        flash(f"Not changed: {skipped.reference or 'a case'}: {skipped.reason}.")
    return redirect(url_for("practitioner.rescreen"), 303)

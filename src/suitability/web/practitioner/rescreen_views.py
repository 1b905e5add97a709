"""Re-screen open cases: preview, case by case, what the current rule set would change; then accept exactly that.

The accept form carries each previewed case with the rule-set version it was compared against, and the version
previewed under; the service skips any case that changed since and refuses the lot if the rules changed.
Every case a preview shows is audited (`rescreen.previewed`) before the page is sent; if that cannot be stored
the page is not shown (503).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user  # type: ignore[import-untyped]

from ...clock import fmt_date
from ...errors import SuitabilityError
from ...services.errors import RescreenRefused, StorageError, ViewNotAudited
from ...services.rescreen import CaseDifference, Scope, accept, first_changes, record_preview
from ..database import get_db, get_events, get_screener
from ..patient.form_views import View
from . import bp
from .plain_words import outcome_words, rule_titles
from .unaudited import not_audited

SHOWN = 200  # changed cases per page: accept them, and the next preview shows the rest


def _words(value: str | None) -> str:
    return (value or "none").replace("_", " ")


def _day(value: dt.date | None) -> str:
    """A day as the pages write dates, or 'none'."""
    return fmt_date(value) if value else str(_("none"))


def present(d: CaseDifference, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One changed case as lines of plain text for the page: outcomes and rules in words, never codes."""
    known = titles or {}
    lines = [_("Depth, treatment %(n)s (%(area)s): from %(old)s to %(new)s", n=c.treatment + 1,
               area=_words(c.area), old=_mm(c.old_mm), new=_mm(c.new_mm)) for c in d.depth_changes]
    if d.changed_dates:
        lines.append(_("Earliest date: from %(old)s to %(new)s", old=_day(d.old_earliest), new=_day(d.new_earliest)))
    if d.newly_fired:
        lines.append(_("Newly applies: %(rules)s", rules=rule_titles(d.newly_fired, known)))
    if d.no_longer_fired:
        lines.append(_("No longer applies: %(rules)s", rules=rule_titles(d.no_longer_fired, known)))
    old, new = outcome_words(d.old_outcome).lower(), outcome_words(d.new_outcome).lower()
    outcome = (_("from %(old)s to %(new)s", old=old, new=new) if d.changed_outcome
               else _("%(old)s (unchanged)", old=old))
    return {"case_id": d.case_id, "reference": d.reference, "created": f"{d.created_at:%Y-%m-%d}",
            "outcome": outcome, "outcome_changed": d.changed_outcome, "lines": lines,
            "token": f"{d.case_id}:{d.old_version}"}


def _mm(value: float | None) -> str:
    return _("no limit") if value is None else f"{value:g} mm"


@bp.get("/rescreen")
def rescreen() -> View:
    try:
        screener = get_screener()
        titles = {rule.id: rule.title for rule in screener.ruleset.rules}
        found = first_changes(get_db(), screener, Scope(open_only=True), limit=SHOWN)
        # nobody sees a case unaudited: each case shown, and the rule set it is compared under
        record_preview(get_db(), current_user.username, found.changes, screener.ruleset.version)
    except ViewNotAudited:
        return not_audited()
    except (StorageError, SuitabilityError):
        abort(503)
    return render_template("practitioner/rescreen.html", found=found, rows=[present(d, titles) for d in found.changes],
                           ruleset=screener.ruleset)


@bp.post("/rescreen")
def rescreen_accept() -> View:
    expected: dict[str, str] = {}
    for token in request.form.getlist("case"):
        case_id, _sep, version = token.partition(":")
        if case_id and version:
            expected[case_id] = version
    if not expected:
        flash(_("There was nothing to accept."))
        return redirect(url_for("practitioner.rescreen"), 303)
    try:
        report = accept(get_db(), get_screener(), expected, new_version=request.form.get("ruleset_version", ""),
                        actor=f"practitioner:{current_user.username}", events=get_events())
    except RescreenRefused as exc:
        flash(_("Nothing was changed: %(why)s.", why=str(exc)))
        return redirect(url_for("practitioner.rescreen"), 303)
    except (StorageError, SuitabilityError):
        abort(503)
    flash(ngettext("The new decision was accepted for %(num)d case.", "The new decision was accepted for %(num)d cases.",
                   len(report.accepted)))
    for skipped in report.skipped:
        flash(_("Not changed: %(case)s: %(why)s.", case=skipped.reference or _("a case"), why=skipped.reason))
    return redirect(url_for("practitioner.rescreen"), 303)

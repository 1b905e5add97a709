"""A case page and its decide form. The view reads the form; `services.review.record_review` decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user  # type: ignore[import-untyped]

from ...services.cases import open_case, treatments_asked
from ...services.errors import ReviewConflict, ReviewRefused, StorageError, SuitabilityError, ViewNotAudited
from ...services.review import MAX_DEPTH_MM, OverrideReason, Proposal, ReviewAction, record_review
from ..database import get_db, get_events, get_screener
from ..i18n import shown_date
from ..numbers import version_number
from ..patient.form_views import View
from . import bp
from .case_page import answer_sections, history, notable_answers, reasons, sources, treatments
from .plain_words import decision_changes, flag_words, outcome_words
from .unaudited import not_audited

ACTIONS = {
    ReviewAction.APPROVE: _l("Approve"),
    ReviewAction.APPROVE_WITH_CONDITIONS: _l("Approve with conditions"),
    ReviewAction.DECLINE: _l("Decline"),
    ReviewAction.DEFER: _l("Defer to a date"),
    ReviewAction.REQUEST_INFORMATION: _l("Ask the patient for information"),
}
REASONS = {
    OverrideReason.CLINICAL_JUDGEMENT: _l("Clinical judgement"),
    OverrideReason.PATIENT_INFORMED_CONSENT: _l("Patient informed and consents"),
    OverrideReason.INFORMATION_VERIFIED: _l("Information verified with the patient"),
    OverrideReason.ENGINE_ERROR: _l("The rules got this wrong"),
    OverrideReason.OTHER: _l("Other (say in the note)"),
}
STATUSES = {"open": _l("Open: waiting for a decision"), "decided": _l("Decided"),
            "needs_information": _l("Waiting for information from the patient")}
SOURCES = {"web": _l("from the patient form"), "api": _l("by another system (API)"),
           "fhir": _l("by another system (FHIR)")}
PHASES = {"before": _l("Before"), "day_of": _l("On the day"), "after": _l("After")}


def _page(case_id: str, *, form: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          conflict: bool = False, status: int = 200) -> View:
    recent = dt.timedelta(minutes=int(current_app.config["PRACTITIONER_RECENT_VIEW_MINUTES"]))
    try:
        # Nobody sees a case unaudited: if its opening is not stored, the page is not shown (503).
        found = open_case(get_db(), case_id, actor=current_user.username, recent=recent, now=dt.datetime.now(dt.UTC))
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    if found is None:
        abort(404)
    case, decision, events, reviews, viewers = found.case, found.decision, found.events, found.reviews, found.viewers
    try:
        ruleset = get_screener().ruleset
    except SuitabilityError:
        ruleset = None
    rows = treatments(case, decision)
    shown = form or {"version": str(case.review_version),
                     **{f"depth-{t.index}": f"{t.limit.limit_mm:g}" for t in rows if t.limit}}
    sections = answer_sections(case)
    titles = {rule.id: rule.title for rule in (ruleset.rules if ruleset is not None else ())}
    titles.update({f.rule_id: f.title for f in decision.findings})
    return render_template(
        "practitioner/case.html", case=case, decision=decision, sections=sections, notable=notable_answers(sections),
        reasons=reasons(decision), treatments=rows, findings=[(f, sources(f, ruleset)) for f in decision.findings],
        changes=decision_changes(decision), titles=titles, history=history(events, reviews), actions=ACTIONS,
        reasons_for_override=REASONS, form=shown, errors=errors or {}, conflict=conflict, fmt_date=shown_date,
        max_depth=MAX_DEPTH_MM, decided_reviews=len(reviews), viewers=viewers,
        recent_minutes=int(recent.total_seconds() // 60), outcome_words=outcome_words, flag_words=flag_words,
        status_words=STATUSES, source_words=SOURCES, phase_words=PHASES), status


@bp.get("/case/<case_id>")
def case(case_id: str) -> View:
    """A case page; nothing is shown unless its opening is audited."""
    return _page(case_id)


def _proposal(form: dict[str, str], treatments_count: int) -> Proposal:
    """The form as a Proposal; unreadable fields become ReviewRefused with a message on that field."""
    problems: dict[str, str] = {}
    try:
        action = ReviewAction(form.get("action", ""))
    except ValueError:
        raise ReviewRefused({"action": _("Choose what to do with this case")}) from None
    limits: dict[int, float] = {}
    for index in range(treatments_count):
        text = form.get(f"depth-{index}", "").strip()
        if text:
            try:
                limits[index] = float(text)
            except ValueError:
                problems[f"depth-{index}"] = _("Enter the depth in millimetres, like 0.5")
    defer_until = None
    if form.get("defer_until", "").strip():
        try:
            defer_until = dt.date.fromisoformat(form["defer_until"].strip())
        except ValueError:
            problems["defer_until"] = _("Enter a real date, for example 2027-03-27")
    reason = None
    if form.get("override_reason"):
        try:
            reason = OverrideReason(form["override_reason"])
        except ValueError:
            problems["override_reason"] = _("Choose one of the override reasons")
    if problems:
        raise ReviewRefused(problems)
    return Proposal(action, limits, defer_until, reason, form.get("override_note", "")[:2000],
                    form.get("note", "")[:2000])


@bp.post("/case/<case_id>/decide")
def decide(case_id: str) -> View:
    """Record a decision; the page again with the problems (400) or the conflict (409) if it is not stored."""
    form = {key: request.form.get(key, "") for key in request.form}
    version = version_number(form.get("version", ""))
    if version is None:
        abort(400)
    try:
        with get_db().session() as session:
            asked = treatments_asked(session, case_id)
            if asked is None:
                abort(404)
            proposal = _proposal(form, asked)
            record_review(session, case_id, int(current_user.id), proposal, expected_version=version,
                          events=get_events())
    except ReviewRefused as exc:
        return _page(case_id, form=form, errors=exc.problems, status=400)
    except ReviewConflict:
        return _page(case_id, conflict=True, status=409)
    except StorageError:
        abort(503)
    flash(_("Decision recorded: %(action)s.", action=str(ACTIONS[proposal.action]).lower()))
    return redirect(url_for("practitioner.case", case_id=case_id), code=303)

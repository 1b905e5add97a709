"""Submit and result: store first, then show what was stored, and only to the browser that sent it."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from ...services.errors import IdempotencyConflict, StorageError, SuitabilityError, failure_kinds
from ...services.submission import Source, body_hash, intake_of, stored_case, submit, submitted
from ..database import get_db, get_events
from ..i18n import _, page_language
from ..observe import app_screener
from . import bp, contact_views, state
from .answers import to_intake, unanswered
from .form_views import View
from .present import present, sent_at

log = logging.getLogger(__name__)


@bp.post("/submit")
def send() -> View:
    token = request.form.get("token", "")
    if not state.token_is_ours(token):
        flash(_("This page had expired. Please check your answers and send them again."))
        return redirect(url_for("patient.check"))
    key = f"web:{token}"
    answers = state.answers()
    if not answers:  # already sent from this browser: a late retry of the same button
        return _already_sent(key)
    if not state.has_consent() or unanswered(answers) or contact_views.missing():
        return redirect(url_for("patient.check"))
    given = contact_views.contact() if contact_views.collecting() else None
    name, detail = given if given is not None else (None, None)
    try:
        intake = to_intake(answers, state.today())
    except ValidationError:
        return redirect(url_for("patient.check"))
    digest = body_hash(intake.model_dump_json(exclude={"screening_date"}))
    try:
        submission = submit(get_db(), intake, screener=app_screener("web"), events=get_events(), source=Source.WEB,
                            idempotency_key=key, body_hash=digest, language=page_language(),
                            contact_name=name, contact_detail=detail)
    except IdempotencyConflict:
        flash(_("Your answers changed after you opened this page. Please check them and send them again."))
        return redirect(url_for("patient.check"))
    except SuitabilityError as exc:  # StorageError, or rules that could not load: nothing was stored
        log.error("submission not stored, \"not saved\" page: %s", failure_kinds(exc))
        # Same token on "try again": if the store did land after all, the retry finds it instead of a twin.
        return render_template("patient/not_saved.html", token=token), 503
    state.finish(submission.case.id)
    return redirect(url_for("patient.result", case_id=submission.case.id), code=303)


def _already_sent(key: str) -> View:
    try:
        case = submitted(get_db(), key)
    except StorageError as exc:
        log.error("a resent submission could not be looked up, \"not saved\" page: %s", failure_kinds(exc))
        return render_template("patient/not_saved.html", token=None), 503
    if case is None or not state.may_see(case.id):
        return redirect(url_for("patient.start"))
    return redirect(url_for("patient.result", case_id=case.id), code=303)


@bp.get("/result/<case_id>")
def result(case_id: str) -> View:
    if not state.may_see(case_id):
        abort(404)
    try:
        found = stored_case(get_db(), case_id)
    except StorageError:
        abort(503)
    if found is None:
        abort(404)
    case, decision = found
    return render_template("patient/result.html", case=case, result=present(decision, intake_of(case)),
                           sent=sent_at(case.created_at, current_app.config["CLINIC_ZONE"]))

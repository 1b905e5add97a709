"""Check-in on the day: ask again, in the patient's words, only what has run out; then show what changed.

The view reads the form; `services.checkin` decides what is asked, refuses anything else and stores the check-in.
A question left blank is sent as no answer, which the service treats as "not sure", never as the old answer.
Every page showing a case here is audited (`case.viewed`, detail `page`) first; if that cannot be stored the
page is not shown (503).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user  # type: ignore[import-untyped]

from ... import clock
from ...clock import fmt_date
from ...decision import Decision
from ...errors import SuitabilityError
from ...services.checkin import DueQuestions, check_in, due_questions
from ...services.checkin_result import latest_checkin, record_checkin_view
from ...services.errors import CaseNotFound, CheckInConflict, CheckInRefused, StorageError, ViewNotAudited
from ...wording.labels import NOT_SURE
from ..database import get_db, get_events, get_screener
from ..i18n import shown_date
from ..numbers import version_number, whole_number
from ..patient.answers import parse_date
from ..patient.form_views import View
from ..patient.questions import AREA_OPTIONS, CONCERN_OPTIONS, QUESTIONS, Question
from . import bp
from .plain_words import day_words, decision_changes, depth_lines, outcome_words
from .rescreen_views import present
from .unaudited import not_audited


@bp.app_template_global()
def answers_run_out(decision: Decision, today: dt.date | None = None) -> bool:
    """Whether some time-sensitive answer of the decision has run out today: check in before relying on it."""
    return decision.valid_until is not None and (today or _today()) > decision.valid_until


def _today() -> dt.date:
    """Today in the clinic's time zone: the check-in day unless another is given."""
    return clock.today(current_app.config["CLINIC_ZONE"])


def _on(text: str | None) -> dt.date | None:
    """The check-in day: today unless given (ISO); None if it is not a date."""
    if not text:
        return _today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_answers(questions: tuple[str, ...], form: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The due questions' answers from the form (blank ones left out), errors by question, what to show again."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    shown: dict[str, str] = {}
    for name in questions:
        q = QUESTIONS[name]
        text = form.get(name, "").strip()
        shown[name] = text
        if not text:
            continue
        if q.kind == "choice":
            if text in {o.value for o in q.options}:
                answers[name] = text
            else:
                errors[name] = "Select one of the answers"
        elif q.kind == "date":
            day = parse_date(text)
            if day is None:
                errors[name] = "Enter a real date, for example 27 3 2025 (day, month, year)"
            else:
                answers[name] = shown[name] = day.isoformat()
        elif q.kind == "number" and (number := whole_number(text, 3)) is not None:
            answers[name] = number
        else:
            errors[name] = "Enter a whole number, like 34"
    for name in list(answers):  # a follow-up hidden by the new answer to its question is dropped, as on the form
        q = QUESTIONS[name]
        if q.parent in questions and answers.get(q.parent) not in q.parent_values:
            del answers[name]
    return answers, errors, shown


def _due(case_id: str, on: dt.date) -> DueQuestions:
    try:
        return due_questions(get_db(), get_screener(), case_id, on)
    except CaseNotFound:
        abort(404)
    except CheckInRefused:  # a day before the pre-screen, or stored answers that no longer parse
        abort(400)
    except (StorageError, SuitabilityError):
        abort(503)


def _form(due: DueQuestions, values: dict[str, str], errors: dict[str, str], status: int = 200,
          conflict: bool = False) -> View:
    try:
        record_checkin_view(get_db(), current_user.username, due.case_id, due.ruleset_version or None, "check-in")
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    tops = [QUESTIONS[name] for name in due.questions]
    followup_names = {q.name for q in tops if q.parent in due.questions}
    ctx = {"today": due.on_date.isoformat(), "areas": AREA_OPTIONS, "concerns": CONCERN_OPTIONS, "rows": 1,
           "max_rows": 1}
    return render_template(
        "practitioner/checkin.html", due=due, questions=[q for q in tops if q.name not in followup_names],
        followups={q.name: [f for f in tops if f.parent == q.name] for q in tops}, parent_label=_parent_label,
        values=values, errors=errors, ctx=ctx, fmt_date=shown_date, conflict=conflict,
        question_texts={name: QUESTIONS[name].text for name in due.questions}), status


def _parent_label(q: Question) -> str:
    parent = QUESTIONS[q.parent] if q.parent else None
    words = [o.label for o in parent.options if o.value in q.parent_values] if parent else []
    return " or ".join(f"‘{w}’" for w in words) or "‘Yes’"


@bp.get("/case/<case_id>/check-in")
def checkin(case_id: str) -> View:
    on = _on(request.args.get("on"))
    if on is None:
        abort(400)
    return _form(_due(case_id, on), {}, {})


@bp.post("/case/<case_id>/check-in")
def checkin_record(case_id: str) -> View:
    on, version = _on(request.form.get("on")), version_number(request.form.get("version", ""))
    if on is None or version is None:
        abort(400)
    due = _due(case_id, on)
    if due.version != version:  # the questions asked were another version's: ask this one's
        return _form(due, {}, {}, 409, conflict=True)
    answers, errors, shown = read_answers(due.questions, request.form)
    for name in request.form:
        if name in QUESTIONS and name not in due.questions:  # a tampered or stale form: refuse, never ignore
            errors[""] = f"Not asked again at check-in: {QUESTIONS[name].text}"
    if errors:
        return _form(due, shown, errors, 400)
    try:
        check_in(get_db(), get_screener(), case_id, answers, on, f"practitioner:{current_user.username}",
                 int(version), events=get_events())
    except CheckInRefused as exc:
        problems = {name if name in due.questions else "": message for name, message in exc.problems.items()}
        return _form(due, shown, problems, 400)
    except CheckInConflict:
        return _form(due, {}, {}, 409, conflict=True)
    except CaseNotFound:
        abort(404)
    except (StorageError, SuitabilityError):
        abort(503)
    return redirect(url_for("practitioner.checkin_result", case_id=case_id), code=303)


def _label(name: str, value: Any) -> str:
    q = QUESTIONS.get(name)
    if value in (None, ""):
        return f"{NOT_SURE} (no answer)" if q is not None and q.kind == "choice" else "not given"
    if q is not None and q.options:
        return next((o.label for o in q.options if o.value == value), str(value))
    return fmt_date(dt.date.fromisoformat(value)) if q is not None and q.kind == "date" else str(value)


@bp.get("/case/<case_id>/check-in/result")
def checkin_result(case_id: str) -> View:
    """The latest check-in's decision against the decision it replaced, and the answers that changed."""
    try:
        result = latest_checkin(get_db(), case_id, current_user.username)
    except ViewNotAudited:
        return not_audited()
    except StorageError:
        abort(503)
    if result is None:
        abort(404)
    case, row, after_intake = result.case, result.row, result.after_intake
    if row is None:
        return render_template("practitioner/checkin_result.html", case=case, row=None)
    changed = [(QUESTIONS[name].text, _label(name, (row.previous_intake or {}).get(name)),
                _label(name, after_intake.get(name)))
               for name in QUESTIONS if name in after_intake or name in (row.previous_intake or {})
               if (row.previous_intake or {}).get(name) != after_intake.get(name)]
    try:
        titles = {rule.id: rule.title for rule in get_screener().ruleset.rules}
    except SuitabilityError:
        titles = {}
    titles.update({f["rule_id"]: f["title"] for f in row.decision.get("findings") or []})
    difference = present(result.difference, titles) if result.difference is not None else None
    return render_template("practitioner/checkin_result.html", case=case, row=row, decision=row.decision,
                           difference=difference, changed=changed, fmt_date=shown_date, day=day_words,
                           is_current=result.is_current, outcome_words=outcome_words,
                           changes=decision_changes(row.decision), depth=depth_lines(row.decision, after_intake))


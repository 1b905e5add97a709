"""GET and POST /api/v1/cases/{id}/check-in: translators between HTTP and `services.checkin`.

A key sees only the cases it stored (as GET /screenings/{id}); any other id is a 404, so ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Response, current_app, g, request
from pydantic import ValidationError

from .. import clock
from ..intake import Intake, field_errors
from ..intake.unknown_fields import UNKNOWN
from ..services.checkin import CheckIn, DueQuestions, check_in, due_questions
from ..services.errors import CaseNotFound, CheckInConflict, CheckInRefused
from ..services.submission import owned_case
from ..wording.questions import QUESTION_OF
from . import db
from .checkin_schemas import (
    AnswerOption,
    CheckInQuestions,
    CheckInRequest,
    CheckInResult,
    DecisionChange,
    DueQuestion,
)
from .problems import Problem
from .service import InvalidRequest, read_json

NOT_FOUND = "There is no case with this id for this API key."


def _json(body: dict[str, Any], status: int) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_case(case_id: str) -> None:
    session = db.session()
    case = owned_case(session, case_id, g.api_key_id)
    session.rollback()  # end the read: the check-in writes in a session of its own
    if case is None:
        raise Problem(404, None, NOT_FOUND)


def _refused(exc: CheckInRefused, answers: dict[str, Any] | None = None) -> InvalidRequest:
    """The refusal's problems; an answer name that is not a question is given by position, never quoted."""
    names = list(answers or {})
    errors = []
    for name, message in exc.problems.items():
        if name in ("on", "case") or name in Intake.model_fields:
            errors.append({"field": name if name in ("on", "case") else f"answers.{name}", "message": message})
        else:
            where = f" (key {names.index(name) + 1} of answers)" if name in names else ""
            errors.append({"field": "answers", "message": f"{UNKNOWN}{where}; {message}"})
    return InvalidRequest(422, errors)


def _due(case_id: str, on: dt.date) -> DueQuestions:
    try:
        return due_questions(db.database(), db.screener(), case_id, on)
    except CaseNotFound:
        raise Problem(404, None, NOT_FOUND) from None
    except CheckInRefused as exc:
        raise _refused(exc) from None


def question(name: str) -> DueQuestion:
    q = QUESTION_OF[name]
    return DueQuestion(name=name, text=q.text, help=q.help, kind=q.kind,
                       options=tuple(AnswerOption(value=o.value, label=o.label) for o in q.options),
                       follow_up_of=q.parent, follow_up_when=q.parent_values)


def get_check_in(case_id: str) -> Response:
    """The questions due at a check-in on `?on=` (default today) and the current decision's valid-until."""
    text = request.args.get("on")
    try:
        # `on=` (empty) is not a date: only a missing `on` means today
        on = dt.date.fromisoformat(text) if text is not None else clock.today(current_app.config["CLINIC_ZONE"])
    except ValueError:
        raise InvalidRequest(400, [{"field": "on", "message": "must be a date, YYYY-MM-DD"}]) from None
    _own_case(case_id)
    due = _due(case_id, on)
    body = CheckInQuestions(case_id=due.case_id, reference=due.reference, on=due.on_date, valid_until=due.valid_until,
                            version=due.version, questions=tuple(question(n) for n in due.questions))
    return _json(body.model_dump(mode="json"), 200)


def parse_check_in(raw: bytes) -> CheckInRequest:
    """The POST body; InvalidRequest lists every problem without echoing an answer."""
    try:
        body = read_json(raw)
        text = json.dumps(body)
    except (ValueError, RecursionError):
        raise InvalidRequest(400, [{"field": "(body)", "message": "the body is not valid JSON"}]) from None
    try:
        return CheckInRequest.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidRequest(422, field_errors(exc, body)) from None


def post_check_in(case_id: str) -> Response:
    """Record a check-in: the new answers to the due questions; blank or left out is 'not sure'."""
    call = parse_check_in(request.get_data(cache=False))
    _own_case(case_id)
    version = call.version if call.version is not None else _due(case_id, call.on).version
    answers = {name: (None if value == "" else value) for name, value in call.answers.items()}
    try:
        done = check_in(db.database(), db.screener(), case_id, answers, call.on, f"api-key:{g.api_key_id}", version,
                        events=db.events())
    except CaseNotFound:
        raise Problem(404, None, NOT_FOUND) from None
    except CheckInRefused as exc:
        raise _refused(exc, call.answers) from None
    except CheckInConflict:
        raise Problem(409, None, "The case changed since this version; nothing was stored. "
                                 "Read the questions again.") from None
    return _json(result(done).model_dump(mode="json"), 201)


def result(done: CheckIn) -> CheckInResult:
    d, previous = done.difference, done.previous
    change = DecisionChange(
        outcome_changed=d.changed_outcome, previous_outcome=previous["outcome"],
        previous_earliest_date=previous.get("earliest_date"), previous_valid_until=previous.get("valid_until"),
        depth_changes=tuple({"treatment": c.treatment, "area": c.area, "old_mm": c.old_mm, "new_mm": c.new_mm}
                            for c in d.depth_changes),
        newly_applies=d.newly_fired, no_longer_applies=d.no_longer_fired)
    return CheckInResult(case_id=done.case_id, reference=done.reference, on=done.on_date, asked=done.asked,
                         version=done.version, reopened=done.reopened, decision=done.decision, change=change)

"""Check-in: on the day of the appointment, ask again only the answers that have run out, and screen again.

`due_questions` says which questions to ask (decision validity, `validity.questions_to_reask`); `check_in`
screens the case's answers with the new ones (`validity.answers_at_checkin`: a question asked again and left
blank is "not sure", never the old answer) and makes that the case's current decision. Nothing is overwritten
without a copy: the history gets the new decision (reason 'checkin') together with the answers it replaced,
and the audit trail a `case.checked_in` event that names the questions asked, never the answers; subscribers
get a `case.checked_in` webhook (new and old outcome, no answers) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..deciding.difference import CaseDifference, compare, summary_of
from ..deciding.validity import answers_at_checkin, questions_to_reask
from ..decision import Decision
from ..intake import Intake, field_errors, parse_intake
from ..screening import Screener
from ..storage import Session
from ..storage.archive import archive_ruleset
from ..storage.audit import record_event
from ..storage.case_versions import replace_checked_in
from ..storage.cases import get_case
from ..storage.database import Database
from ..storage.errors import CaseNotFound, CheckInConflict, CheckInRefused, DatabaseError, StorageError
from ..storage.history import DecisionReason, record_decision, record_submitted_if_missing
from ..storage.models import Case, ReviewStatus
from .events import EventSink, decision_changed_payload

log = logging.getLogger(__name__)
CHECKED_IN = "case.checked_in"
REOPENED = "case.reopened"


@dataclass(frozen=True)
class DueQuestions:
    """What a check-in on `on_date` asks: the questions whose answers have run out, in the form's order."""

    case_id: str
    reference: str
    version: int                 # the case's review_version: pass it back as `expected_version`
    on_date: dt.date
    valid_until: dt.date | None  # of the case's current decision
    questions: tuple[str, ...]
    ruleset_version: str = ""    # of the case's current decision (for the audit of who saw the page)


@dataclass(frozen=True)
class CheckIn:
    """A recorded check-in: the new decision, the one it replaced, and what changed between them."""

    case_id: str
    reference: str
    on_date: dt.date
    asked: tuple[str, ...]
    previous: dict[str, Any]     # the replaced decision document, as stored
    decision: Decision
    difference: CaseDifference
    reopened: bool
    version: int                 # the case's review_version after the check-in


def due_questions(database: Database, screener: Screener, case_id: str, on_date: dt.date) -> DueQuestions:
    """The questions to ask again at a check-in on `on_date`. CaseNotFound, CheckInRefused, StorageError."""
    try:
        with database.session() as session:
            case = _case(session, case_id)
            intake = _stored_intake(case)
            _check_date(intake, on_date)
            return DueQuestions(case.id, case.reference, case.review_version, on_date,
                                _date(case.decision.get("valid_until")),
                                questions_to_reask(intake, on_date, ruleset=screener.ruleset),
                                case.ruleset_version)
    except DatabaseError as exc:
        raise StorageError(f"the case could not be read ({type(exc).__name__})") from exc


def check_in(database: Database, screener: Screener, case_id: str, answers: Mapping[str, Any], on_date: dt.date,
             actor: str, expected_version: int, *, events: EventSink) -> CheckIn:
    """Screen the case again with the new answers to the questions due on `on_date`; store it; return it.

    CheckInRefused: an answer to a question not asked again, an answer the intake does not allow, a date
    before the pre-screen. CheckInConflict: the case changed since `expected_version` was read. CaseNotFound.
    StorageError: the database failed; nothing was stored.
    """
    try:
        with database.session() as session:
            case = _case(session, case_id)
            if case.review_version != expected_version:
                raise CheckInConflict(case_id, expected_version, case.review_version)
            old_intake = _stored_intake(case)
            _check_date(old_intake, on_date)
            asked = questions_to_reask(old_intake, on_date, ruleset=screener.ruleset)
            extra = sorted(set(answers) - set(asked))
            if extra:
                raise CheckInRefused({name: "not asked again at check-in" for name in extra})
            intake = _new_intake(old_intake, answers, on_date, screener)
            decision = screener.screen(intake)
            # End the read before writing (on SQLite a transaction that starts with its write waits its turn);
            # the case, detached, keeps what was read; the write below is a compare-and-set on its version.
            session.expunge(case)
            session.rollback()
            result = _store(session, screener, case, intake, decision, asked, on_date, actor, expected_version,
                            events)
            session.commit()
        events.wake()
        return result
    except DatabaseError as exc:
        log.error("recording a check-in failed: %s", type(exc).__name__)
        raise StorageError(f"the check-in was not stored ({type(exc).__name__})") from exc


def _case(session: Session, case_id: str) -> Case:
    case = get_case(session, case_id)
    if case is None:
        raise CaseNotFound("no such case")
    return case


def _stored_intake(case: Case) -> Intake:
    try:
        return parse_intake(case.intake, stored=True)
    except ValidationError:
        raise CheckInRefused({"case": "the stored answers are no longer valid; screen the patient again"}) from None


def _check_date(intake: Intake, on_date: dt.date) -> None:
    if on_date < intake.screening_date:
        raise CheckInRefused({"on": f"a check-in cannot be before the pre-screen ({intake.screening_date})"})


def _new_intake(old: Intake, answers: Mapping[str, Any], on_date: dt.date, screener: Screener) -> Intake:
    """The intake to screen: answers_at_checkin. A follow-up answered while the new answer to its question no
    longer asks it is refused, naming both, never dropped (the check-in form drops hidden follow-ups itself)."""
    try:
        intake = answers_at_checkin(old, answers, on_date, ruleset=screener.ruleset)
    except ValidationError as exc:  # before ValueError: pydantic's error is one too
        problems: dict[str, str] = {}
        for item in field_errors(exc):
            problems.setdefault(item["field"].split(".")[0], item["message"])
        raise CheckInRefused(problems) from None
    except ValueError as exc:  # answers_at_checkin: an answer to a question that is not asked again
        raise CheckInRefused({"answers": str(exc)}) from None
    return intake


def _store(session: Session, screener: Screener, case: Case, intake: Intake, decision: Decision,
           asked: tuple[str, ...], on_date: dt.date, actor: str, expected_version: int,
           events: EventSink) -> CheckIn:
    previous, previous_intake = dict(case.decision), dict(case.intake)
    old_status = case.review_status
    # A new outcome that needs review puts the case back in the open queue; otherwise its review stands.
    status = ReviewStatus.OPEN if decision.needs_review else old_status
    document = json.loads(decision.model_dump_json())
    changed = replace_checked_in(session, case.id, expected_version, json.loads(intake.model_dump_json()), document,
                                 outcome=decision.outcome, ruleset_version=decision.ruleset_version,
                                 profile=decision.profile, needs_review=decision.needs_review, status=status)
    if not changed:
        session.rollback()
        raise CheckInConflict(case.id, expected_version, -1)
    archive_ruleset(session, screener.ruleset)
    record_submitted_if_missing(session, case)  # `case` still holds the old decision (no session sync)
    row = record_decision(session, case.id, document, reason=DecisionReason.CHECKIN, actor=actor)
    row.previous_intake = previous_intake
    reopened = status is ReviewStatus.OPEN and old_status is not ReviewStatus.OPEN
    record_event(session, action=CHECKED_IN, actor=actor, case_id=case.id, ruleset_version=decision.ruleset_version,
                 detail={"reference": case.reference, "on": on_date.isoformat(), "asked": list(asked),
                         "old_outcome": str(previous["outcome"]), "new_outcome": decision.outcome.value,
                         "old_valid_until": previous.get("valid_until"),
                         "new_valid_until": decision.valid_until.isoformat() if decision.valid_until else None,
                         "reopened": reopened})
    if reopened:
        record_event(session, action=REOPENED, actor=actor, case_id=case.id,
                     ruleset_version=decision.ruleset_version,
                     detail={"reference": case.reference, "previous_status": old_status.value,
                             "because": CHECKED_IN})
    events.emit(session, CHECKED_IN, decision_changed_payload(
        case.id, case.reference, decision, previous_outcome=str(previous["outcome"]),
        previous_ruleset_version=case.ruleset_version, review_status=status.value, reopened=reopened,
        checked_in_on=on_date.isoformat()))
    facts = {"id": case.id, "reference": case.reference, "created_at": case.created_at,
             "review_status": status.value}
    return CheckIn(case.id, case.reference, on_date, asked, previous, decision,
                   compare(facts, previous, summary_of(decision)), reopened, expected_version + 1)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None

"""Accept a previewed re-screen: replace each case's current decision, keeping the old one in its history.

Only what was previewed is accepted: the caller passes, per case, the rule-set version the preview compared
against, and the version the preview screened under. A case whose decision changed since (another re-screen,
a new submission state) is skipped and reported; so is a case a practitioner has already decided, unless
`include_decided`, which reopens it with an audit event. Each case is updated with a compare-and-set, so a
practitioner deciding it at the same moment wins and the re-screen reports it as changed. Each accepted case
emits a `case.rescreened` webhook (new and old outcome, no answers) in the transaction that changes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...intake import parse_intake
from ...screening import ENGINE_FAILED_FLAG, Screener
from ..archive import archive_ruleset
from ..audit import record_event
from ..database import Database
from ..errors import RescreenRefused, StorageError
from ..history import DecisionReason, record_decision, record_submitted_if_missing
from ..models import Case, ReviewStatus

RESCREENED = "case.rescreened"
REOPENED = "case.reopened"
STALE = "changed since the preview"
DECIDED = "already decided by a practitioner"


@dataclass(frozen=True)
class Accepted:
    case_id: str
    reference: str
    old_outcome: str
    new_outcome: str
    reopened: bool = False


@dataclass(frozen=True)
class Skipped:
    case_id: str
    reference: str | None
    reason: str


@dataclass
class AcceptReport:
    accepted: list[Accepted] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    it = iter(ids)
    return list(iter(lambda: list(islice(it, size)), []))


def accept(database: Database, screener: Screener, expected: Mapping[str, str], *, new_version: str, actor: str,
           include_decided: bool = False, batch_size: int = 200) -> AcceptReport:
    """Accept the new decision of every case in `expected` (case id -> rule-set version previewed against).

    Raises RescreenRefused if the screener's rule set is not `new_version` (the one previewed), StorageError if
    the database fails (the batch in hand is rolled back; earlier batches stay accepted and are in the audit).
    """
    if screener.ruleset.version != new_version:
        raise RescreenRefused(f"the rule set changed since the preview ({new_version} -> "
                              f"{screener.ruleset.version}): preview again")
    report = AcceptReport()
    try:
        with database.session() as session:
            archive_ruleset(session, screener.ruleset)
            session.commit()
            for ids in _chunks(list(expected), batch_size):
                cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
                for case_id in ids:
                    _accept_one(session, screener, cases.get(case_id), case_id, expected[case_id], actor,
                                include_decided, report)
                session.commit()
                session.expunge_all()
    except SQLAlchemyError as exc:
        raise StorageError(f"the re-screen was not accepted ({type(exc).__name__})") from exc
    return report


def _accept_one(session: Session, screener: Screener, case: Case | None, case_id: str, expected_version: str,
                actor: str, include_decided: bool, report: AcceptReport) -> None:
    # the outbox is a shell beside storage: import it late
    from ...api.webhooks.outbox import decision_changed_payload, emit_event

    if case is None:
        report.skipped.append(Skipped(case_id, None, "no such case"))
        return
    skip = _why_not(case, expected_version, include_decided)
    if skip:
        report.skipped.append(Skipped(case.id, case.reference, skip))
        return
    try:
        decision = screener.screen(parse_intake(case.intake, stored=True))
    except ValidationError:
        report.skipped.append(Skipped(case.id, case.reference, "the stored intake is no longer valid"))
        return
    if ENGINE_FAILED_FLAG in decision.flags:
        report.skipped.append(Skipped(case.id, case.reference, "the automatic screen failed"))
        return
    old_outcome, old_status = case.outcome.value, case.review_status
    reopened = old_status is not ReviewStatus.OPEN
    document = json.loads(decision.model_dump_json())
    changed = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.ruleset_version == expected_version,
               Case.review_version == case.review_version, Case.review_status == old_status)
        .values(decision=document, outcome=decision.outcome, ruleset_version=decision.ruleset_version,
                profile=decision.profile, needs_review=decision.needs_review, review_status=ReviewStatus.OPEN,
                review_version=Case.review_version + 1)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        report.skipped.append(Skipped(case.id, case.reference, STALE))
        return
    record_submitted_if_missing(session, case)  # `case` still holds the old decision (no session sync)
    record_decision(session, case.id, document, reason=DecisionReason.RESCREEN, actor=actor)
    record_event(session, action=RESCREENED, actor=actor, case_id=case.id, ruleset_version=decision.ruleset_version,
                 detail={"reference": case.reference, "old_outcome": old_outcome,
                         "new_outcome": decision.outcome.value, "old_ruleset_version": expected_version,
                         "reopened": reopened})
    if reopened:
        record_event(session, action=REOPENED, actor=actor, case_id=case.id,
                     ruleset_version=decision.ruleset_version,
                     detail={"reference": case.reference, "previous_status": old_status.value,
                             "because": RESCREENED})
    emit_event(session, RESCREENED, decision_changed_payload(
        case.id, case.reference, decision, previous_outcome=old_outcome, previous_ruleset_version=expected_version,
        review_status=ReviewStatus.OPEN.value, reopened=reopened))
    report.accepted.append(Accepted(case.id, case.reference, old_outcome, decision.outcome.value, reopened))


def _why_not(case: Case, expected_version: str, include_decided: bool) -> str | None:
    if case.ruleset_version != expected_version:
        return STALE
    if case.review_status is not ReviewStatus.OPEN and not include_decided:
        return DECIDED
    return None

"""Re-screen stored cases: preview the differences under the current rule set, then accept them.

`preview` streams every case in scope with its difference; `first_changes` stops at a page's worth.
`accept` replaces each case's current decision, keeping the old one in its history.

Only what was previewed is accepted: the caller passes, per case, the rule-set version the preview compared
against, and the version the preview screened under. A case whose decision changed since (another re-screen,
a new submission state) is skipped and reported; so is a case a practitioner has already decided, unless
`include_decided`, which reopens it with an audit event. Each case is updated with a compare-and-set, so a
practitioner deciding it at the same moment wins and the re-screen reports it as changed. Each accepted case
emits a `case.rescreened` webhook (new and old outcome, no answers) in the transaction that changes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

from pydantic import ValidationError

from ..deciding.difference import CaseDifference
from ..intake import parse_intake
from ..screening import ENGINE_FAILED_FLAG, Screener
from ..storage import Session
from ..storage.archive import archive_ruleset
from ..storage.audit import record_event
from ..storage.case_versions import replace_rescreened
from ..storage.cases import cases_with_ids
from ..storage.database import Database
from ..storage.errors import CaseNotFound, DatabaseError, RescreenRefused, StorageError
from ..storage.history import DecisionReason, record_decision, record_submitted_if_missing
from ..storage.models import Case, ReviewStatus
from ..storage.rescreen.preview import DEFAULT_BATCH, Scope, count_cases, stream_cases, stream_ranges
from ..storage.view_audit import RESCREEN_PREVIEWED, record_views
from .events import EventSink, decision_changed_payload
from .reproduce import Reproduction, reproduce, reproduce_history
from .rescreen_screening import screen_batch, screen_in_processes

RESCREENED = "case.rescreened"
OPEN_CASES = Scope()  # the default scope: every open case
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
           events: EventSink, include_decided: bool = False, batch_size: int = 200) -> AcceptReport:
    """Accept the new decision of every case in `expected` (case id -> rule-set version previewed against).

    Raises RescreenRefused if the screener's rule set is not `new_version` (the one previewed), StorageError if
    the database fails (the batch in hand is rolled back; earlier batches stay accepted and are in the audit).
    """
    if screener.ruleset.version != new_version:
        # names only the version serving: the one previewed comes from the request and is never repeated
        raise RescreenRefused(f"the rule set changed since the preview (now {screener.ruleset.version}): "
                              "preview again")
    report = AcceptReport()
    try:
        with database.session() as session:
            archive_ruleset(session, screener.ruleset)
            session.commit()
            for ids in _chunks(list(expected), batch_size):
                cases = cases_with_ids(session, ids)
                emitted = sum(_accept_one(session, screener, cases.get(case_id), case_id, expected[case_id], actor,
                                          include_decided, report, events) for case_id in ids)
                session.commit()
                session.expunge_all()
                if emitted:
                    events.wake()
    except DatabaseError as exc:
        raise StorageError(f"the re-screen was not accepted ({type(exc).__name__})") from exc
    return report


def _accept_one(session: Session, screener: Screener, case: Case | None, case_id: str, expected_version: str,
                actor: str, include_decided: bool, report: AcceptReport, events: EventSink) -> int:
    """Accept one case in the batch's transaction; how many webhook deliveries that emitted."""
    if case is None:
        report.skipped.append(Skipped(case_id, None, "no such case"))
        return 0
    skip = _why_not(case, expected_version, include_decided)
    if skip:
        report.skipped.append(Skipped(case.id, case.reference, skip))
        return 0
    try:
        decision = screener.screen(parse_intake(case.intake, stored=True))
    except ValidationError:
        report.skipped.append(Skipped(case.id, case.reference, "the stored intake is no longer valid"))
        return 0
    if ENGINE_FAILED_FLAG in decision.flags:
        report.skipped.append(Skipped(case.id, case.reference, "the automatic screen failed"))
        return 0
    old_outcome, old_status = case.outcome.value, case.review_status
    reopened = old_status is not ReviewStatus.OPEN
    document = json.loads(decision.model_dump_json())
    changed = replace_rescreened(session, case, expected_version, document, outcome=decision.outcome,
                                 ruleset_version=decision.ruleset_version, profile=decision.profile,
                                 needs_review=decision.needs_review)
    if not changed:
        report.skipped.append(Skipped(case.id, case.reference, STALE))
        return 0
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
    emitted = events.emit(session, RESCREENED, decision_changed_payload(
        case.id, case.reference, decision, previous_outcome=old_outcome, previous_ruleset_version=expected_version,
        review_status=ReviewStatus.OPEN.value, reopened=reopened))
    report.accepted.append(Accepted(case.id, case.reference, old_outcome, decision.outcome.value, reopened))
    return emitted


def _why_not(case: Case, expected_version: str, include_decided: bool) -> str | None:
    if case.ruleset_version != expected_version:
        return STALE
    if case.review_status is not ReviewStatus.OPEN and not include_decided:
        return DECIDED
    return None


def preview(database: Database, screener: Screener, scope: Scope = OPEN_CASES, *, batch_size: int = DEFAULT_BATCH,
            jobs: int = 1, progress: Callable[[int], None] | None = None) -> Iterator[CaseDifference]:
    """Every case in scope with its difference (unchanged ones too: `.changed` tells), oldest first.

    jobs > 1 screens batches in that many worker processes, each with its own engine built from the same rule
    files (durable-rules screens one intake at a time per process).
    """
    if jobs > 1:
        results: Iterator[list[CaseDifference]] = screen_in_processes(
            screener.ruleset, database.url, scope, stream_ranges(database, scope, batch_size), jobs)
    else:
        results = (screen_batch(screener, batch) for batch in stream_cases(database, scope, batch_size))
    for differences in results:
        yield from differences
        if progress is not None:
            progress(len(differences))


@dataclass(frozen=True)
class Changes:
    """The first changed cases of a preview (for a page), and how far the preview got."""

    changes: tuple[CaseDifference, ...]
    screened: int
    errors: int
    complete: bool  # False: stopped at the limit, more cases may have changed


def first_changes(database: Database, screener: Screener, scope: Scope = OPEN_CASES, *, limit: int = 200,
                  batch_size: int = DEFAULT_BATCH) -> Changes:
    """Preview until `limit` changed cases are found (a page shows them; accept them, then preview again)."""
    changes: list[CaseDifference] = []
    screened = errors = 0
    for difference in preview(database, screener, scope, batch_size=batch_size):
        screened += 1
        errors += difference.error is not None
        if difference.changed:
            changes.append(difference)
            if len(changes) >= limit:
                return Changes(tuple(changes), screened, errors, complete=False)
    return Changes(tuple(changes), screened, errors, complete=True)


def record_preview(database: Database, actor: str, changes: Sequence[CaseDifference], under: str) -> None:
    """Record that `actor` was shown each of these cases (with the rule set it is compared against) re-screened
    under rule set `under`, in one commit; ViewNotAudited if it is not stored (show nothing then)."""
    if not changes:
        return
    with database.session() as session:
        record_views(session, action=RESCREEN_PREVIEWED, actor=actor,
                     cases=[(d.case_id, d.old_version) for d in changes], detail={"under": under})


__all__ = [
    "DECIDED", "DEFAULT_BATCH", "STALE", "AcceptReport", "Accepted", "CaseDifference", "CaseNotFound", "Changes",
    "Reproduction", "Scope", "Skipped", "accept", "count_cases", "first_changes", "preview", "record_preview",
    "reproduce", "reproduce_history",
]

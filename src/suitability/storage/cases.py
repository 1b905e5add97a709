"""The case repository: store a screened submission exactly once, and find cases again."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..decision import Decision
from ..intake import Intake
from .archive import RulesetLookup, archive_current_ruleset
from .audit import record_event
from .errors import IdempotencyConflict, StorageError
from .history import DecisionReason, record_decision
from .models import Case, ReviewStatus, Source

log = logging.getLogger(__name__)

# No 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, U/V: a code read out over the phone or copied by hand stays right.
REFERENCE_ALPHABET = "ACDEFGHJKMNPRTWXY34679"
REFERENCE_PREFIX = "MN"
SUBMITTED = "case.submitted"
_ATTEMPTS = 5


def new_reference() -> str:
    """A short human code such as MN-7K3Q-9XPA (22**8, about 5.5e10 codes; collisions are retried)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{REFERENCE_PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str:
    """What a person typed ('mn 7k3q9xpa') as a stored reference ('MN-7K3Q-9XPA'); '' if it is not one."""
    chars = re.sub(r"[^A-Z0-9]", "", text.upper())
    chars = chars.removeprefix(REFERENCE_PREFIX)
    if len(chars) != 8:
        return ""
    return f"{REFERENCE_PREFIX}-{chars[:4]}-{chars[4:]}"


def body_hash(body: bytes | str) -> str:
    """sha256 hex of a request body: what makes two uses of one idempotency key 'the same submission'."""
    data = body.encode() if isinstance(body, str) else body
    return hashlib.sha256(data).hexdigest()


def store_submission(session: Session, intake: Intake, decision: Decision, *, idempotency_key: str | None,
                     body_hash: str | None, source: Source | str,
                     actor: str = "patient", language: str | None = None, external_reference: str | None = None,
                     contact_name: str | None = None, contact_detail: str | None = None,
                     with_case: Callable[[Session, Case], None] | None = None,
                     rulesets: RulesetLookup) -> tuple[Case, bool]:
    """Store a case and its `case.submitted` audit event in one transaction, and commit it.

    `with_case(session, case)` adds the caller's own rows for a new case (its webhook events, which API key
    stored it) to the same transaction, after the case row is flushed and before the commit.
    `external_reference` is an integration's own id for the case; the contact is stored only where the clinic
    collects it. Neither is part of the intake the rules see, nor of the audit event's detail. `rulesets` gives
    the rule set of a version the screener served (`Screener.ruleset_for`): the decision's is archived with the
    case, so it can be reproduced (a required argument: no path stores a case without its rules).

    Returns (case, True) for a new case. A repeat with the same key returns (existing case, False) when the
    body hash matches and raises IdempotencyConflict when it does not. Any database failure rolls back and
    raises StorageError: either the case and its event are both stored, or neither is. `language`: the one the
    patient answered in, kept on the case.
    """
    source = Source(source)
    for _ in range(_ATTEMPTS):
        try:
            if idempotency_key is not None:
                existing = _replay(session, idempotency_key, body_hash)
                if existing is not None:
                    return existing, False
            case = _new_case(intake, decision, idempotency_key, body_hash, source, language=language,
                             external_reference=external_reference, contact_name=contact_name,
                             contact_detail=contact_detail)
            session.add(case)
            session.flush()  # the case row first: the event refers to it
            record_event(session, action=SUBMITTED, actor=actor, case_id=case.id,
                         ruleset_version=decision.ruleset_version,
                         detail={"source": source.value, "outcome": decision.outcome.value,
                                 "reference": case.reference, "needs_review": case.needs_review})
            record_decision(session, case.id, case.decision, reason=DecisionReason.SUBMITTED, actor=actor)
            archive_current_ruleset(session, decision.ruleset_version, rulesets)
            if with_case is not None:
                with_case(session, case)
            session.commit()
            return case, True
        except IntegrityError:
            # Another request stored this key first, or the reference collided: look again, then retry.
            session.rollback()
        except StorageError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            log.error("storing a submission failed: %s", type(exc).__name__)
            raise StorageError(f"the submission was not stored ({type(exc).__name__})") from exc
    raise StorageError("the submission was not stored (could not get a unique reference)")


def _replay(session: Session, key: str, digest: str | None) -> Case | None:
    """The case already stored under `key` (its transaction ended), or None with the write transaction begun.

    One transaction looks the key up and, when it is new, writes the case: on SQLite it takes the write lock
    at BEGIN, so it waits its turn (busy timeout) instead of failing on a snapshot another writer made stale,
    and the lookup sees every case committed before it. On PostgreSQL two requests with one new key may both
    look; the unique key makes the second's commit fail, and the retry finds the first's case."""
    session.rollback()  # a transaction of our own, begun by the statement below
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    existing = find_by_idempotency_key(session, key)
    if existing is None:
        return None
    session.expunge(existing)  # keep it loaded while the transaction ends
    session.rollback()  # nothing to write: let the other writers go
    if existing.body_hash != digest:
        raise IdempotencyConflict(key, existing.id)
    return existing


def _new_case(intake: Intake, decision: Decision, key: str | None, digest: str | None,
              source: Source, *, language: str | None = None, external_reference: str | None = None,
              contact_name: str | None = None, contact_detail: str | None = None) -> Case:
    return Case(
        reference=new_reference(),
        source=source,
        intake=intake.model_dump(mode="json"),  # the same document as json.loads(model_dump_json()), unparsed
        decision=decision.model_dump(mode="json"),
        outcome=decision.outcome,
        ruleset_version=decision.ruleset_version,
        profile=decision.profile,
        needs_review=decision.needs_review,
        review_status=ReviewStatus.OPEN,
        idempotency_key=key,
        body_hash=digest,
        appointment_date=intake.appointment_date,
        language=language,
        external_reference=external_reference or None,
        contact_name=contact_name or None,
        contact_detail=contact_detail or None,
    )


@contextmanager
def _reading() -> Iterator[None]:
    """Reads fail as StorageError too, so callers handle one error tree."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read cases ({type(exc).__name__})") from exc


def get_case(session: Session, case_id: str) -> Case | None:
    """The case with this id, or None."""
    with _reading():
        return session.get(Case, case_id)


def get_case_by_reference(session: Session, reference: str) -> Case | None:
    """The case with this reference code, however the person typed it, or None."""
    code = normalise_reference(reference)
    with _reading():
        return session.scalar(select(Case).where(Case.reference == code)) if code else None


def find_by_idempotency_key(session: Session, key: str) -> Case | None:
    """The case stored under this idempotency key, or None."""
    with _reading():
        return session.scalar(select(Case).where(Case.idempotency_key == key))


def cases_with_ids(session: Session, ids: list[str]) -> dict[str, Case]:
    """The cases among these ids, by id (ids with no case are absent). Database errors propagate as they are."""
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}


def list_cases(session: Session, *, needs_review: bool | None = None,
               review_status: ReviewStatus | None = None, limit: int = 50, offset: int = 0) -> list[Case]:
    """Cases, newest first, optionally filtered: the practitioner queue is needs_review=True, status open."""
    query = select(Case).order_by(Case.created_at.desc(), Case.id).limit(limit).offset(offset)
    if needs_review is not None:
        query = query.where(Case.needs_review.is_(needs_review))
    if review_status is not None:
        query = query.where(Case.review_status == review_status)
    with _reading():
        return list(session.scalars(query))


def intake_of(case: Case) -> Intake:
    """The stored answers as the Intake they were."""
    from ..intake import parse_intake

    return parse_intake(case.intake, stored=True)


def decision_of(case: Case) -> Decision:
    """The stored decision as the Decision it was."""
    return Decision.model_validate_json(json.dumps(case.decision))

"""Storage: cases and the append-only audit trail, in SQLAlchemy 2 with Alembic migrations.

Models and queries only: the use cases that change cases are `suitability.services`, the only package above it.

Set-up
    db = Database(database_url(os.environ.get("DATABASE_URL"), instance_path))
        SQLite file `<instance>/suitability.sqlite3` by default (WAL, busy timeout, synchronous=FULL);
        `postgresql+psycopg://...` (or postgres://) for PostgreSQL (pool_pre_ping). Bad URL: StorageError.
    db.ensure_schema()        `alembic upgrade head` once per process (PostgreSQL: under an advisory lock).
    with db.session() as s:   a Session (expire_on_commit=False); ensures the schema first.
    upgrade(engine) / current_revision(engine) / head_revision()   the migrations, from code (`migrate.py`).
    `suitability db upgrade` does the same from the command line. Never `Base.metadata.create_all` in
    production paths: tests of the schema compare the migrations with the models instead.

Submissions (one transaction each; `cases.py`; the use case is `services.submission.submit`)
    store_submission(session, intake, decision, *, idempotency_key, body_hash, source, actor="patient",
        with_case=None) -> (case, created); `with_case(session, case)` adds the caller's rows for a new case
        (webhook events, the API key that stored it) to the same transaction. Same key + same body_hash: (existing case, False). Same key, other body:
        IdempotencyConflict. Database failure: StorageError after a rollback (nothing half-written).
        It owns the session's transaction: pass a session without pending changes.
    Idempotency keys are one namespace across doors: prefix them ("web:<token>", "api:<key id>:<client key>").
    body_hash(bytes|str) -> sha256 hex of what makes two requests the same submission.

Reading cases
    get_case(s, id), get_case_by_reference(s, "mn 7k3q 9xpa"), find_by_idempotency_key(s, key),
    list_cases(s, needs_review=True, review_status=ReviewStatus.OPEN, limit=50, offset=0) newest first,
    intake_of(case) -> Intake, decision_of(case) -> Decision.
    Case fields: id (token_urlsafe(16): unguessable, safe in URLs as a capability), reference ("MN-7K3Q-9XPA",
    unique, for people), created_at (aware UTC), source (Source), intake / decision (JSON documents, JSONB on
    PostgreSQL), outcome (Outcome), ruleset_version, profile, needs_review (outcome is not suitable),
    review_status (ReviewStatus: open / decided / needs_information; practitioner review moves it), idempotency_key,
    body_hash.

Audit (`audit.py`): append-only
    record_event(s, action=..., actor=..., case_id=None, detail={}, ruleset_version=None) adds to the caller's
    transaction; events_for(s, case_id). Never put answers in `detail`. Updates and deletes are refused by ORM
    events (AppendOnlyViolation) and by database triggers (PostgreSQL: also TRUNCATE).

Practitioner review (`review_models.py`, `accounts.py`, `reviews.py`, `review_queue.py`)
    User (users), Review (reviews: append-only like audit events, ORM events and triggers), Case.review_version.
    add_user / set_active / sign_in(s, username, password) -> SignIn(user|None): argon2id; failures slow then
    lock the account, in the database; every attempt is an audit event, never with a password.
    reviews_for(s, case_id); recording one is `services.review.record_review`.
    queue(s, status=, outcome=, reference=, oldest_first=, page=) -> QueuePage; decisions_between(s, start, end).
    Views are audited too (`view_audit.py`): record_view(s, action=CASE_VIEWED|QUEUE_SEARCHED|USERS_VIEWED,
    actor=...) after the reads, before the page is shown (StorageError: show nothing); record_views(s, action=
    RESCREEN_PREVIEWED, actor=..., cases=[(case_id, version)]) for a page of many cases (the check-in pages use
    CASE_VIEWED with detail page, the export DECISIONS_EXPORTED); recent_viewers(s, case_id, within=, excluding=).
    Sign-in limits per client (`sign_in_throttle.py`, table sign_in_attempts):
    admit(s, client, Throttle(limit, window)) -> Admission(attempt_id | None, wait): counts the attempt before
    its password is checked (so a burst cannot slip under the limit), forgive(s, attempt_id) after a good one.

Decision history and rule-set archive (`history.py`, `archive.py`; append-only like the audit trail)
    store_submission also writes the case's first `case_decisions` row (reason submitted) and archives the
    decision's rule set (`rulesets`: the exact file texts its version hashes) as the `rulesets=` lookup of the
    screener that made it gives it (`Screener.ruleset_for`; required, so no case is stored without its rules).
    history_of(s, case_id); archive_ruleset(s, ruleset); archived_files(s, version); load_archived(s, version,
    profile) -> RuleSet (raises RulesetNotArchived).
    newest_archived_version(s, profile): the version that decided the newest case under a profile (a worker
    whose rules on disk cannot load serves it, services/archived_rules.py).
    Rule-set approvals (`approvals.py`, table ruleset_approvals, append-only; a revocation is a new row):
    approve(s, version, admin_username, note, on_disk) archives the disk's files if needed, else refuses
    (ApprovalRefused); revoke(s, version, admin_username, note); approved_versions(s) newest first;
    approval_list(s). With REQUIRE_APPROVED_RULES only approved versions serve (web/rules_approval.py).
    Re-screening (`rescreen/`): stream_cases(db, Scope(...)) in keyset batches; previewing and accepting are
    `services.rescreen`, reproducing `services.reproduce`, check-in `services.checkin`.

API keys, rate windows, which key stored which case, webhook deliveries: `integration_models.py`; their
    queries are `api_keys.py`, `rate_windows.py` (the per-request upsert) and `webhook_deliveries.py`.
Compare-and-set updates of a case (a review's claim, a re-screen, a check-in): `case_versions.py`.
Services import no SQLAlchemy: they take `Session` from this package and catch `DatabaseError` (errors.py).

Errors: StorageError(SuitabilityError) > IdempotencyConflict(key, case_id), AppendOnlyViolation,
    RulesetNotArchived(version), CaseNotFound. DatabaseError: SQLAlchemy's own base error (a raw database failure).

Adding tables: define models on `Base` (from `storage.models`) in a module of this package, import it in
`models_all` below so Alembic and the schema test see it, and add a revision in
`migrations/versions/` whose down_revision is the current head (one line of history: check
`suitability db current`). `tests/integration/storage/test_migrate.py` fails if models and migrations differ.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .audit import events_for, record_event
from .cases import (
    body_hash,
    decision_of,
    find_by_idempotency_key,
    get_case,
    get_case_by_reference,
    intake_of,
    list_cases,
    new_reference,
    normalise_reference,
    store_submission,
)
from .database import Database, database_url, make_engine
from .errors import AppendOnlyViolation, DatabaseError, IdempotencyConflict, StorageError
from .migrate import current_revision, head_revision, upgrade
from .models import AuditEvent, Base, Case, ReviewStatus, Source


def models_all() -> type[Base]:
    """Every table on `Base.metadata`: each model module of this package imported (Alembic and schema tests)."""
    from . import approvals, archive, case_rules, history, integration_models, review_models, sign_in_throttle  # noqa: F401

    return Base


__all__ = [
    "AppendOnlyViolation",
    "AuditEvent",
    "Base",
    "Case",
    "Database",
    "DatabaseError",
    "IdempotencyConflict",
    "ReviewStatus",
    "Session",
    "Source",
    "StorageError",
    "body_hash",
    "current_revision",
    "database_url",
    "decision_of",
    "events_for",
    "find_by_idempotency_key",
    "get_case",
    "get_case_by_reference",
    "head_revision",
    "intake_of",
    "list_cases",
    "make_engine",
    "models_all",
    "new_reference",
    "normalise_reference",
    "record_event",
    "store_submission",
    "upgrade",
]

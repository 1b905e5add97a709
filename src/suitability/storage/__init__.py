"""Storage: cases and the append-only audit trail, in SQLAlchemy 2 with Alembic migrations.

The core (`suitability.screen`) never imports this package; the shells (web, API, FHIR, CLI, ops) do.

Set-up
    db = Database(database_url(os.environ.get("DATABASE_URL"), instance_path))
        SQLite file `<instance>/suitability.sqlite3` by default (WAL, busy timeout, synchronous=FULL);
        `postgresql+psycopg://...` (or postgres://) for PostgreSQL (pool_pre_ping). Bad URL: StorageError.
    db.ensure_schema()        `alembic upgrade head` once per process (PostgreSQL: under an advisory lock).
    with db.session() as s:   a Session (expire_on_commit=False); ensures the schema first.
    upgrade(engine) / current_revision(engine) / head_revision()   the migrations, from code (`migrate.py`).
    `suitability db upgrade` does the same from the command line. Never `Base.metadata.create_all` in
    production paths: tests of the schema compare the migrations with the models instead.

Submissions (one transaction each; `cases.py`, `service.py`)
    submit(db, intake, idempotency_key=..., body_hash=..., source="web"|"api"|"fhir", actor="patient")
        -> Submission(case, created, decision): screens, then stores the case and its `case.submitted` audit
        event, committed before returning. Use this from every door.
    store_submission(session, intake, decision, *, idempotency_key, body_hash, source, actor="patient")
        -> (case, created). Same key + same body_hash: (existing case, False). Same key, other body:
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
    record_review(s, case_id, reviewer, Proposal(action, depth_limits, defer_until, override_reason,
    override_note, note), expected_version=...) -> Review: ReviewRefused (incomplete, or an override of the
    rules without a coded reason and a note), ReviewConflict (the case was decided since that version).
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
    default screener's rule set (`rulesets`: the exact file texts its version hashes) if it made the decision.
    history_of(s, case_id); archive_ruleset(s, ruleset); archived_files(s, version); load_archived(s, version,
    profile) -> RuleSet (raises RulesetNotArchived).
    newest_archived_version(s, profile): the version that decided the newest case under a profile (a worker
    whose rules on disk cannot load serves it, web/rules_fallback.py).
    Rule-set approvals (`approvals.py`, table ruleset_approvals, append-only; a revocation is a new row):
    approve(s, version, admin_username, note, on_disk) archives the disk's files if needed, else refuses
    (ApprovalRefused); revoke(s, version, admin_username, note); approved_versions(s) newest first;
    approval_list(s). With REQUIRE_APPROVED_RULES only approved versions serve (web/rules_approval.py).
    Re-screening (`rescreen/`): preview(db, screener, Scope(...)) streams differences; accept(...) replaces
    decisions, appending to the history and auditing `case.rescreened` (and its webhook, same transaction);
    reproduce(db, reference).
    Check-in (`checkin.py`): due_questions(db, screener, case_id, on) -> DueQuestions (valid_until, the
    questions whose answers ran out, version); check_in(db, screener, case_id, answers, on, actor,
    expected_version) -> CheckIn: screens again with the new answers (blank = not sure), replaces the case's
    answers and decision, appends to the history (reason checkin, with `previous_intake`), audits
    `case.checked_in` (and its webhook, same transaction); CheckInRefused (answers not due or not allowed),
    CheckInConflict (stale version).

Errors: StorageError(SuitabilityError) > IdempotencyConflict(key, case_id), AppendOnlyViolation,
    RulesetNotArchived(version).

Adding tables (issues 4-6): define models on `Base` (from `storage.models`) in your own module, add that
module's name to MODEL_MODULES below so Alembic and the schema test see it, and add a revision in
`migrations/versions/` whose down_revision is the current head (one line of history: check
`suitability db current`). `tests/storage/test_schema_storage.py` fails if models and migrations differ.
"""

from __future__ import annotations

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
from .errors import AppendOnlyViolation, IdempotencyConflict, StorageError
from .migrate import current_revision, head_revision, upgrade
from .models import AuditEvent, Base, Case, ReviewStatus, Source
from .service import Submission, submit

# Every module that defines tables on `Base`; imported by name so storage does not depend on the shells.
MODEL_MODULES = (
    "suitability.storage.models",
    "suitability.api.models",
    "suitability.storage.review_models",
    "suitability.storage.history",
    "suitability.storage.case_rules",
    "suitability.storage.archive",
    "suitability.storage.sign_in_throttle",
    "suitability.storage.approvals",
)


def models_all() -> type[Base]:
    """Import every model module so `Base.metadata` is complete (Alembic autogenerate and schema tests)."""
    import importlib
    import importlib.util

    for name in MODEL_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # its package is not there (yet)
            found = False
        if found:
            importlib.import_module(name)
    return Base


__all__ = [
    "MODEL_MODULES",
    "AppendOnlyViolation",
    "AuditEvent",
    "Base",
    "Case",
    "Database",
    "IdempotencyConflict",
    "ReviewStatus",
    "Source",
    "StorageError",
    "Submission",
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
    "submit",
    "upgrade",
]

"""Application services: the use cases every door (web, API, FHIR, CLI) calls, with their dependencies passed in.

Each use case is a plain function taking what it needs as arguments: the database, the screener, the event sink
(`events.Outbox` writes webhook deliveries in the caller's transaction; `RecordingEvents` for tests), the day.

    submission.submit(db, intake, screener=, events=, source=, idempotency_key=, body_hash=, api_key_id=)
    checkin.due_questions(db, screener, case_id, on) / checkin.check_in(..., events=); checkin_result
    review.record_review(session, case_id, reviewer, Proposal(...), expected_version=, events=)
    rescreen.preview(db, screener, Scope(...)) / rescreen.first_changes(...) / rescreen.accept(..., events=)
    cases.queue_page(db, QueueQuery(...), actor=) / cases.open_case(db, case_id, actor=, ...); export
    accounts.sign_in(db, ...) and the account changes; api_keys, rate_limit: the integrations' keys
    approval (rule-set sign-off), serving.ServingRules (the app's screener), archived_rules, analytics
    webhooks (delivery: sender, deliveries, signing), metrics, health

Doors fetch the database, the screener and the event sink the app registered once in `app.extensions` under
the keys below; they never import each other. Services use storage (models and queries) and the core.
"""

from __future__ import annotations

DATABASE = "suitability.database"  # app.extensions: the storage.Database
SCREENER = "suitability.screener"  # app.extensions: the app's ServingRules; calling it gives the Screener now
EVENTS = "suitability.events"      # app.extensions: the EventSink (the webhook outbox)
METRICS = "suitability.metrics"    # app.extensions, while metrics are on: record(door, outcome, seconds)
RULES = "suitability.rules_reload"  # app.extensions: the rules watcher; `.state()` has version, status, error

__all__ = ["DATABASE", "EVENTS", "METRICS", "RULES", "SCREENER"]

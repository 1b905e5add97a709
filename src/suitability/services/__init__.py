"""Application services: the use cases every door (web, API, FHIR, CLI) calls, with their dependencies passed in.

Each use case is a plain function taking what it needs as arguments: the database, the screener, the event sink
(`events.Outbox` writes webhook deliveries in the caller's transaction; `RecordingEvents` for tests), the day.

    submission.submit(db, intake, screener=, events=, source=, idempotency_key=, body_hash=, api_key_id=)
    checkin.due_questions(db, screener, case_id, on) / checkin.check_in(..., events=)
    review.record_review(session, case_id, reviewer, Proposal(...), expected_version=, events=)
    rescreen.preview(db, screener, Scope(...)) / rescreen.first_changes(...) / rescreen.accept(..., events=)
    analytics.rule_analytics(session, period, alert, ruleset)

Doors fetch the database, the screener and the event sink the app registered once in `app.extensions` under
the keys below; they never import each other. Services use storage (models and queries) and the core.
"""

from __future__ import annotations

DATABASE = "suitability.database"  # app.extensions: the storage.Database
SCREENER = "suitability.screener"  # app.extensions: a callable giving the Screener that serves now
EVENTS = "suitability.events"      # app.extensions: the EventSink (the webhook outbox)
METRICS = "suitability.metrics"    # app.extensions, while metrics are on: record(door, outcome, seconds)
RULES = "suitability.rules_reload"  # app.extensions: the rules watcher; `.state()` has version, status, error

__all__ = ["DATABASE", "EVENTS", "METRICS", "RULES", "SCREENER"]

"""A practitioner's reads of cases through services.cases and services.export, on SQLite and on a real PostgreSQL:
the queue's filters and paging, one case with its history, the export's rows, and each view audited before its
data is handed back (nothing is returned when that record is refused)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from tests.common.minimal import minimal_intake
from tests.common.rulesets import library_rulesets
from tests.common.storage_samples import screened

from suitability import screen
from suitability.services.cases import Appointments, QueueQuery, open_case, queue_page, treatments_asked
from suitability.services.errors import ViewNotAudited
from suitability.services.events import NO_EVENTS
from suitability.services.export import CONTACT_EXPORTED, export_decisions
from suitability.services.review import Proposal, ReviewAction, record_review
from suitability.storage import AuditEvent, Case, Database, ReviewStatus, store_submission
from suitability.storage.accounts import add_user
from suitability.storage.view_audit import CASE_VIEWED, DECISIONS_EXPORTED, QUEUE_SEARCHED
from suitability.vocabulary import Outcome

RECENT = dt.timedelta(minutes=15)
REFUSED = ("case.viewed", "queue.searched", "decisions.exported")
SQLITE_REFUSAL = ("CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events "
                  f"WHEN NEW.action IN {REFUSED} BEGIN SELECT RAISE(ABORT, 'audit store refused'); END")
PG_REFUSAL = (
    ("CREATE FUNCTION refuse_views() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     f"IF NEW.action IN {REFUSED} THEN RAISE EXCEPTION 'audit store refused'; END IF; RETURN NEW; END $$"),
    "CREATE TRIGGER refuse_views BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_views()",
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def flagged(db: Database, **details: str) -> Case:
    """A case the rules flag for review (the bundled example intake), stored as the API would."""
    intake, decision = screened()
    assert decision.needs_review
    with db.session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="api",
                                   **details, rulesets=library_rulesets)
    return case


def cleared(db: Database) -> Case:
    """A case the rules find suitable: not flagged, so only 'every case' lists it."""
    intake = minimal_intake()
    decision = screen(intake)
    assert not decision.needs_review
    with db.session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web", rulesets=library_rulesets)
    return case


def decline(db: Database, case: Case, username: str = "pat") -> None:
    with db.session() as session:
        user = add_user(session, username, "a long enough passphrase", display_name=username.title())
        record_review(session, case.id, user, Proposal(ReviewAction.DECLINE, note="not now"),
                      expected_version=case.review_version, events=NO_EVENTS)


def events(db: Database, *actions: str) -> list[AuditEvent]:
    with db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
        return list(session.scalars(query))


def refuse_view_events(db: Database) -> None:
    """From now on the database refuses to store a view event (a real failure, raised by the database)."""
    statements = (SQLITE_REFUSAL,) if db.engine.dialect.name == "sqlite" else PG_REFUSAL
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def refs(db: Database, query: QueueQuery) -> set[str]:
    return {case.reference for case in queue_page(db, query, actor="pat").cases}


def test_the_queue_lists_open_flagged_cases_and_every_case_only_when_asked(db: Database) -> None:
    waiting, decided, suitable = flagged(db), flagged(db), cleared(db)
    decline(db, decided)
    assert refs(db, QueueQuery()) == {waiting.reference}
    assert refs(db, QueueQuery(status=ReviewStatus.DECIDED)) == {decided.reference}
    assert refs(db, QueueQuery(status=None)) == {waiting.reference, decided.reference}
    assert refs(db, QueueQuery(status=None, flagged_only=False)) == {
        waiting.reference, decided.reference, suitable.reference}


def test_the_queue_filters_by_outcome_but_counts_every_outcome(db: Database) -> None:
    case = flagged(db)
    other = next(o for o in Outcome if o.severity > 1 and o is not case.outcome)
    assert refs(db, QueueQuery(outcome=case.outcome)) == {case.reference}
    assert refs(db, QueueQuery(outcome=other)) == set()
    found = queue_page(db, QueueQuery(outcome=other), actor="pat")
    assert found.total == 0 and found.counts[Outcome(case.outcome)] == 1


def test_the_queue_pages_newest_first_or_oldest_first(db: Database) -> None:
    cases = [flagged(db) for _ in range(27)]
    first = queue_page(db, QueueQuery(), actor="pat")
    last = queue_page(db, QueueQuery(page=99), actor="pat")
    assert (first.total, first.pages, len(first.cases), last.page, len(last.cases)) == (27, 2, 25, 2, 2)
    assert first.cases[0].reference == cases[-1].reference
    assert queue_page(db, QueueQuery(oldest_first=True), actor="pat").cases[0].reference == cases[0].reference


def test_an_appointment_filter_keeps_the_days_asked_and_counts_the_undated(db: Database) -> None:
    case = flagged(db)  # its appointment is thirty days from today
    assert case.appointment_date is not None
    day = case.appointment_date
    found = queue_page(db, QueueQuery(status=None, flagged_only=False, appointments=Appointments(day, day)),
                       actor="pat")
    assert [c.reference for c in found.cases] == [case.reference]
    assert queue_page(db, QueueQuery(appointments=Appointments(day + dt.timedelta(days=1))), actor="pat").total == 0


def test_a_search_is_recorded_with_what_was_looked_for_and_how_many_were_found(db: Database) -> None:
    case = flagged(db, contact_name="Ana María López")
    flagged(db)
    assert queue_page(db, QueueQuery(), actor="pat").total == 2
    assert events(db, QUEUE_SEARCHED) == []  # the queue without a search is not a search
    assert refs(db, QueueQuery(search=f"  {case.reference.lower()} ")) == {case.reference}
    assert refs(db, QueueQuery(search="maría")) == {case.reference}
    assert [(e.actor, e.detail) for e in events(db, QUEUE_SEARCHED)] == [
        ("pat", {"reference": case.reference.lower(), "found": 1}), ("pat", {"reference": "maría", "found": 1})]


def test_a_search_whose_record_is_refused_hands_back_nothing(db: Database) -> None:
    flagged(db)
    refuse_view_events(db)
    with pytest.raises(ViewNotAudited):
        queue_page(db, QueueQuery(search="MN"), actor="pat")
    assert queue_page(db, QueueQuery(), actor="pat").total == 1  # an unsearched queue records nothing to refuse


def test_opening_a_case_hands_back_its_history_and_records_the_view(db: Database) -> None:
    case = flagged(db)
    decline(db, case)
    assert open_case(db, case.id, actor="ada", recent=RECENT, now=now()) is not None
    found = open_case(db, case.id, actor="pat", recent=RECENT, now=now())
    assert found is not None
    assert found.case.reference == case.reference and found.decision.outcome == case.outcome
    assert [(review.action, user.username) for review, user in found.reviews] == [(ReviewAction.DECLINE, "pat")]
    assert "case.reviewed" in [e.action for e in found.events]
    assert [v.username for v in found.viewers] == ["ada"]  # who else has it open; not the reader
    later = open_case(db, case.id, actor="pat", recent=RECENT, now=now() + 2 * RECENT)
    assert later is not None and later.viewers == []
    assert [(e.actor, e.case_id, e.ruleset_version) for e in events(db, CASE_VIEWED)] == [
        (actor, case.id, case.ruleset_version) for actor in ("ada", "pat", "pat")]


def test_an_unknown_case_is_none_and_records_no_view(db: Database) -> None:
    assert open_case(db, "no-such-case", actor="pat", recent=RECENT, now=now()) is None
    with db.session() as session:
        assert treatments_asked(session, "no-such-case") is None
    assert events(db, CASE_VIEWED) == []


def test_a_case_whose_view_is_refused_is_not_handed_back(db: Database) -> None:
    case = flagged(db)
    refuse_view_events(db)
    with pytest.raises(ViewNotAudited):
        open_case(db, case.id, actor="pat", recent=RECENT, now=now())
    assert events(db, CASE_VIEWED) == []


def test_a_decision_asks_a_depth_for_each_treatment_of_the_case(db: Database) -> None:
    case = flagged(db)
    with db.session() as session:
        assert treatments_asked(session, case.id) == len(case.intake["treatments"]) > 0


def test_the_export_hands_back_the_range_s_decisions_once_recorded(db: Database) -> None:
    named, plain = flagged(db, contact_name="Bo", contact_detail="bo@example.org"), flagged(db)
    decline(db, named)
    decline(db, plain, "ada")
    today = dt.datetime.now(dt.UTC).date()
    rows = export_decisions(db, today, today, actor="pat")
    assert [(case.reference, user.username) for _, case, user in rows] == [
        (named.reference, "pat"), (plain.reference, "ada")]
    assert export_decisions(db, today + dt.timedelta(days=1), today + dt.timedelta(days=2), actor="pat") == []
    with_contact = export_decisions(db, today, today, actor="pat", contact=True)
    assert [case.contact_name for _, case, _ in with_contact] == ["Bo", None]
    assert [(e.detail["rows"], e.detail.get("contact")) for e in events(db, DECISIONS_EXPORTED)] == [
        (2, None), (0, None), (2, True)]
    assert [e.case_id for e in events(db, CONTACT_EXPORTED)] == [named.id]  # only the case whose contact left


def test_an_export_whose_record_is_refused_hands_back_nothing(db: Database) -> None:
    decline(db, flagged(db))
    refuse_view_events(db)
    today = dt.datetime.now(dt.UTC).date()
    with pytest.raises(ViewNotAudited):
        export_decisions(db, today, today, actor="pat", contact=True)
    assert events(db, DECISIONS_EXPORTED, CONTACT_EXPORTED) == []

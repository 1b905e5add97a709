"""Accepting a re-screen: the new decision replaces the current one, the old one stays in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.common.rescreen_samples import peel, sample_intake

from suitability.screening import Screener
from suitability.storage import AuditEvent, Case, Database, ReviewStatus, events_for, submit
from suitability.storage.errors import RescreenRefused
from suitability.storage.history import DecisionReason, history_of
from suitability.storage.rescreen import accept, preview
from suitability.storage.rescreen.accept import DECIDED, STALE


def store(db: Database, *intakes: object) -> list[str]:
    return [submit(db, i, idempotency_key=None, body_hash=None, source="web").case.id  # type: ignore[arg-type]
            for i in intakes]


def previewed(db: Database, screener: Screener, **scope: object) -> dict[str, str]:
    from suitability.storage.rescreen import Scope

    return {d.case_id: d.old_version for d in preview(db, screener, Scope(**scope)) if d.changed}  # type: ignore[arg-type]


def test_accepting_replaces_the_decision_and_keeps_the_old_one_in_history_and_audit(
        db: Database, changed_screener: Screener, shipped_screener: Screener) -> None:
    (case_id,) = store(db, peel(10))
    with db.session() as session:
        before = session.get(Case, case_id)
        assert before is not None
        old_decision, old_version = before.decision, before.review_version
    expected = previewed(db, changed_screener)
    report = accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version,
                    actor="cli:tester")
    assert [(a.case_id, a.old_outcome, a.new_outcome) for a in report.accepted] == [
        (case_id, "suitable_with_precautions", "defer")]
    assert report.skipped == []
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.outcome.value == "defer" and case.ruleset_version == changed_screener.ruleset.version
        assert case.needs_review and case.review_status is ReviewStatus.OPEN
        assert case.decision["what_would_change"], "the accepted decision is the full, explained one"
        assert case.review_version == old_version + 1  # an open decide form sees a conflict
        history = history_of(session, case_id)
        assert [(h.reason, h.ruleset_version, h.actor) for h in history] == [
            (DecisionReason.SUBMITTED, shipped_screener.ruleset.version, "patient"),
            (DecisionReason.RESCREEN, changed_screener.ruleset.version, "cli:tester")]
        assert history[0].decision == old_decision and history[1].decision == case.decision
        (event,) = [e for e in events_for(session, case_id) if e.action == "case.rescreened"]
        assert event.actor == "cli:tester" and event.ruleset_version == changed_screener.ruleset.version
        assert event.detail == {"reference": case.reference, "old_outcome": "suitable_with_precautions",
                                "new_outcome": "defer", "old_ruleset_version": shipped_screener.ruleset.version,
                                "reopened": False}
    assert not [d for d in preview(db, changed_screener) if d.changed], "accepted: nothing left to show"


def test_a_case_that_changed_since_the_preview_is_skipped(db: Database, changed_screener: Screener) -> None:
    (case_id,) = store(db, peel(10))
    report = accept(db, changed_screener, {case_id: "sha256:not-what-it-is"},
                    new_version=changed_screener.ruleset.version, actor="cli:tester")
    assert report.accepted == [] and [(s.case_id, s.reason) for s in report.skipped] == [(case_id, STALE)]
    with db.session() as session:
        assert session.get(Case, case_id).outcome.value == "suitable_with_precautions"  # type: ignore[union-attr]
        assert [e.action for e in events_for(session, case_id)] == ["case.submitted"]
        assert len(history_of(session, case_id)) == 1


def test_accepting_under_another_rule_set_than_the_previewed_one_is_refused(
        db: Database, changed_screener: Screener, shipped_screener: Screener) -> None:
    (case_id,) = store(db, peel(10))
    expected = previewed(db, changed_screener)
    with pytest.raises(RescreenRefused):
        accept(db, shipped_screener, expected, new_version=changed_screener.ruleset.version, actor="x")
    with db.session() as session:
        assert session.get(Case, case_id).ruleset_version == shipped_screener.ruleset.version  # type: ignore[union-attr]


def test_decided_cases_are_shown_but_not_touched_unless_reopening_is_asked_for(
        db: Database, changed_screener: Screener) -> None:
    (case_id,) = store(db, peel(10))
    with db.session() as session:
        session.execute(update(Case).where(Case.id == case_id).values(review_status=ReviewStatus.DECIDED))
        session.commit()
    assert previewed(db, changed_screener) == {}  # open cases only by default
    expected = previewed(db, changed_screener, open_only=False)
    assert list(expected) == [case_id]

    report = accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version, actor="a")
    assert report.accepted == [] and [s.reason for s in report.skipped] == [DECIDED]
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.review_status is ReviewStatus.DECIDED
        assert case.outcome.value == "suitable_with_precautions"

    report = accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version, actor="a",
                    include_decided=True)
    assert [(a.case_id, a.reopened) for a in report.accepted] == [(case_id, True)]
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.review_status is ReviewStatus.OPEN and case.outcome.value == "defer"
        reopened = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                            AuditEvent.action == "case.reopened")).all()
        assert [e.detail["previous_status"] for e in reopened] == ["decided"]


def test_only_the_previewed_cases_are_accepted(db: Database, changed_screener: Screener) -> None:
    first, second = store(db, peel(10), peel(10))
    expected = previewed(db, changed_screener)
    del expected[second]
    report = accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version, actor="a")
    assert [a.case_id for a in report.accepted] == [first]
    with db.session() as session:
        assert session.get(Case, second).outcome.value == "suitable_with_precautions"  # type: ignore[union-attr]


def test_a_case_stored_without_history_gets_its_old_decision_as_submitted_first(
        db: Database, changed_screener: Screener) -> None:
    """Cases bulk-loaded without a history row (as the benchmark does) still lose nothing."""
    from suitability.storage.history import CaseDecision

    store(db, sample_intake())
    with db.engine.connect() as connection:  # the trigger forbids deleting history: go around it on purpose
        if db.dialect == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER case_decisions_no_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE case_decisions DISABLE TRIGGER case_decisions_no_change")
        connection.exec_driver_sql("DELETE FROM case_decisions")
        connection.commit()
    expected = previewed(db, changed_screener)
    accept(db, changed_screener, expected, new_version=changed_screener.ruleset.version, actor="a")
    with db.session() as session:
        reasons = [h.reason for h in session.scalars(select(CaseDecision).order_by(CaseDecision.id))]
    assert reasons == [DecisionReason.SUBMITTED, DecisionReason.RESCREEN]


def test_a_practitioner_who_opened_the_case_before_the_rescreen_sees_a_conflict(
        db: Database, changed_screener: Screener) -> None:
    from suitability.errors import ReviewConflict
    from suitability.storage.accounts import add_user
    from suitability.storage.review_models import ReviewAction
    from suitability.storage.reviews import Proposal, record_review

    (case_id,) = store(db, peel(10))
    with db.session() as session:
        seen = session.get(Case, case_id).review_version  # type: ignore[union-attr]
        reviewer = add_user(session, "pat", "correct horse battery staple").id
    accept(db, changed_screener, previewed(db, changed_screener), new_version=changed_screener.ruleset.version,
           actor="a")
    with db.session() as session, pytest.raises(ReviewConflict):
        record_review(session, case_id, reviewer, Proposal(ReviewAction.DECLINE, note="n"), expected_version=seen)
    with db.session() as session:
        assert session.get(Case, case_id).review_status is ReviewStatus.OPEN  # type: ignore[union-attr]

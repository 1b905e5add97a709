"""Rule analytics against a hand-counted fixture, on SQLite and PostgreSQL: every figure, the period, the alert."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests.common.analytics_fixture import EXPECTED, EXPECTED_OUTCOMES, EXPECTED_REASONS, build
from tests.common.rulesets import library_rulesets

from suitability.services.analytics import OverrideAlert, Period, rule_analytics
from suitability.storage import Database
from suitability.storage.analytics_queries import overridden_cases
from suitability.storage.case_rules import CaseRule
from suitability.storage.review_models import OverrideReason


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


@pytest.fixture
def built(db: Database) -> tuple[Database, dict[str, list[str]]]:
    with db.session() as session:
        groups = build(session)
    return db, groups


def test_each_rule_figures_match_the_hand_count(built: tuple[Database, dict[str, list[str]]]) -> None:
    db, _ = built
    with db.session() as session:
        report = rule_analytics(session, Period.ending(current_day(), 7), OverrideAlert(Fraction(1, 2), 2))
    got = {r.rule_id: (r.fired, r.decided, r.decisions, r.overrides) for r in report.rules}
    assert {rule: got[rule] for rule in EXPECTED} == EXPECTED
    assert {r.rule_id for r in report.rules if r.fired} == set(EXPECTED)
    reasons = {r.rule_id: dict(r.reasons) for r in report.rules if r.reasons}
    assert reasons == EXPECTED_REASONS


def test_outcomes_per_week_count_every_case_once(built: tuple[Database, dict[str, list[str]]]) -> None:
    db, _ = built
    with db.session() as session:
        report = rule_analytics(session, Period.ending(current_day(), 1), OverrideAlert(Fraction(1, 2), 2))
    assert len(report.weeks) == 1
    assert dict(report.weeks[0].counts) == EXPECTED_OUTCOMES


def test_the_alert_takes_a_rule_exactly_at_its_boundary(built: tuple[Database, dict[str, list[str]]]) -> None:
    db, _ = built
    with db.session() as session:
        at_half = rule_analytics(session, Period.ending(current_day(), 7), OverrideAlert(Fraction(1, 2), 2))
        more_needed = rule_analytics(session, Period.ending(current_day(), 7), OverrideAlert(Fraction(1, 2), 3))
        higher = rule_analytics(session, Period.ending(current_day(), 7), OverrideAlert(Fraction(51, 100), 2))
    assert [r.rule_id for r in at_half.review_items] == ["cold-sore-active", "pregnant"]   # 100 %, then 1/2
    assert more_needed.review_items == ()
    assert [r.rule_id for r in higher.review_items] == ["cold-sore-active"]


def test_a_period_before_the_cases_counts_nothing(built: tuple[Database, dict[str, list[str]]]) -> None:
    db, _ = built
    with db.session() as session:
        report = rule_analytics(session, Period(current_day() - dt.timedelta(days=30), current_day() - dt.timedelta(days=1)),
                                OverrideAlert(Fraction(1, 2), 1))
    assert all((r.fired, r.decided, r.decisions, r.overrides) == (0, 0, 0, 0) for r in report.rules)
    assert sum(week.total for week in report.weeks) == 0


def test_the_cases_behind_a_rule_are_its_overrides_newest_first(
        built: tuple[Database, dict[str, list[str]]]) -> None:
    db, groups = built
    since, until = Period.ending(current_day(), 7).bounds
    with db.session() as session:
        behind = overridden_cases(session, "cold-sore-active", since, until)
        none = overridden_cases(session, "unknown-skin-type", since, until)
    assert [c.case_id for c in behind] == list(reversed(groups["cold_sore"]))
    assert [c.reason for c in behind] == [OverrideReason.OTHER, OverrideReason.PATIENT_INFORMED_CONSENT]
    assert none == []


def test_case_rules_follow_the_stored_decision(built: tuple[Database, dict[str, list[str]]]) -> None:
    db, groups = built
    with db.session() as session:
        rows = {(r.rule_id, r.decided) for r in session.query(CaseRule).filter_by(case_id=groups["pregnant"][0])}
    assert rows == {("pregnant", True), ("cold-sore-history", False), ("retinoid", False)}


def test_case_rules_follow_a_new_decision_even_twice_in_one_transaction(db: Database) -> None:
    from tests.common.storage_samples import screened

    from suitability.storage import store_submission
    from suitability.storage.history import DecisionReason, record_decision

    intake, decision = screened(pregnant="yes")
    _, deferred = screened(cold_sore_now="yes")
    with db.session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web", rulesets=library_rulesets)
        record_decision(session, case.id, decision, reason=DecisionReason.SUBMITTED, actor="test")
        record_decision(session, case.id, deferred, reason=DecisionReason.RESCREEN, actor="test")
        session.commit()
        rows = {(r.rule_id, r.decided) for r in session.query(CaseRule).filter_by(case_id=case.id)}
    assert rows == {("cold-sore-active", True), ("cold-sore-history", False), ("retinoid", False)}

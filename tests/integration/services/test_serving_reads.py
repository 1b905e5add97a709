"""The reads behind the check-in result, the re-screen preview and the rule-set page, and the approved or
archived rules a worker serves, on SQLite and PostgreSQL: each view is audited, nothing is shown unaudited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.common.minimal import SCREENING, minimal_intake
from tests.common.rescreen_samples import peel

from suitability.screening import Screener, default_screener
from suitability.services.analytics import DEFAULT_ALERT, Period, parse_override_alert
from suitability.services.approval import RULESETS_VIEWED, approve_ruleset, ruleset_overview
from suitability.services.archived_rules import approved_now, approved_ruleset, archived_screener
from suitability.services.checkin import check_in, due_questions
from suitability.services.checkin_result import latest_checkin, record_checkin_view
from suitability.services.events import NO_EVENTS
from suitability.services.rescreen import first_changes, record_preview
from suitability.services.submission import submit
from suitability.storage import AuditEvent, Database
from suitability.storage.accounts import add_user
from suitability.storage.view_audit import CASE_VIEWED, RESCREEN_PREVIEWED

LATER = SCREENING + dt.timedelta(days=15)  # every time-limited answer has run out


def views(db: Database, action: str) -> list[tuple[str, str | None, str | None, dict[str, object]]]:
    with db.session() as session:
        return [(e.actor, e.case_id, e.ruleset_version, dict(e.detail or {}))
                for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_the_check_in_result_compares_the_latest_check_in_with_the_decision_it_replaced(db: Database) -> None:
    screener = default_screener()
    case = submit(db, minimal_intake(), screener=screener, events=NO_EVENTS, source="web").case
    assert latest_checkin(db, "no-such-case", "pat") is None
    never = latest_checkin(db, case.id, "pat")
    assert never is not None and never.row is None and never.difference is None
    due = due_questions(db, screener, case.id, LATER)
    answers = {q: "no" for q in due.questions if not q.endswith(("_date", "_last_use", "_last_dose"))}
    check_in(db, screener, case.id, answers, LATER, "practitioner:pat", due.version, events=NO_EVENTS)
    result = latest_checkin(db, case.id, "pat")
    assert result is not None and result.row is not None and result.is_current
    assert result.difference is not None and result.difference.case_id == case.id
    record_checkin_view(db, "pat", case.id, case.ruleset_version, "check-in")
    assert views(db, CASE_VIEWED) == [
        ("pat", case.id, case.ruleset_version, {"page": "check-in result"}),
        ("pat", case.id, case.ruleset_version, {"page": "check-in result"}),
        ("pat", case.id, case.ruleset_version, {"page": "check-in"}),
    ]


def test_a_re_screen_preview_records_each_case_shown_and_nothing_when_none_is(
        db: Database, shipped_screener: Screener, changed_screener: Screener) -> None:
    case = submit(db, peel(10), screener=shipped_screener, events=NO_EVENTS, source="web").case
    record_preview(db, "pat", [], changed_screener.ruleset.version)
    assert views(db, RESCREEN_PREVIEWED) == []
    found = first_changes(db, changed_screener, limit=10)
    assert [d.case_id for d in found.changes] == [case.id]
    record_preview(db, "pat", found.changes, changed_screener.ruleset.version)
    assert views(db, RESCREEN_PREVIEWED) == [
        ("pat", case.id, shipped_screener.ruleset.version, {"under": changed_screener.ruleset.version})]


def test_the_rule_set_page_reads_the_approved_list_and_its_base_and_is_audited(db: Database) -> None:
    shipped = default_screener().ruleset
    with db.session() as session:
        add_user(session, "ada", "a long enough password 1", role="admin")
    period, alert = Period.ending(dt.date.today()), parse_override_alert(DEFAULT_ALERT)
    empty = ruleset_overview(db, 1, shipped, shipped.profile, period, alert, "ada")
    assert empty.approved == [] and empty.base is None and empty.history == []
    assert approved_now(db, 1) == [] and approved_ruleset(db, shipped.version) is None
    assert approve_ruleset(db, shipped.version, "ada", "catalogue reviewed", shipped) == 1
    seen = ruleset_overview(db, 1, None, shipped.profile, period, alert, "ada")
    assert seen.approved == [shipped.version] == approved_now(db, 1) and len(seen.history) == 1
    assert seen.base is not None and seen.base.version == shipped.version  # read back from the archive
    assert approved_now(db, 2) == []  # one admin is not two
    archived = approved_ruleset(db, shipped.version)
    assert archived is not None and archived.version == shipped.version
    assert [actor for actor, *_ in views(db, RULESETS_VIEWED)] == ["ada", "ada"]


def test_a_worker_falls_back_on_the_rule_set_of_the_newest_stored_case(db: Database) -> None:
    assert archived_screener(db, "conservative") is None  # nothing stored: nothing to fall back on
    screener = default_screener()
    submit(db, minimal_intake(), screener=screener, events=NO_EVENTS, source="web")
    fallback = archived_screener(db, screener.ruleset.profile)
    assert fallback is not None and fallback.ruleset.version == screener.ruleset.version
    assert archived_screener(db, "standard") is None  # only its own profile's

"""The preview: each stored case screened again under the current rules, compared field by field."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from tests.common.rescreen_samples import peel, sample_intake

from suitability.screening import Screener
from suitability.storage import Case, Database, ReviewStatus, submit
from suitability.storage.rescreen import Scope, preview
from suitability.vocabulary import Outcome


def store(db: Database, *intakes: object) -> list[str]:
    return [submit(db, i, idempotency_key=None, body_hash=None, source="web").case.id  # type: ignore[arg-type]
            for i in intakes]


def test_screening_without_explanation_is_the_same_decision_without_what_would_change(
        shipped_screener: Screener) -> None:
    intake = peel(10)
    full = shipped_screener.screen(intake)
    quick = shipped_screener.screen(intake, explain=False)
    assert full.outcome is not Outcome.SUITABLE and full.what_would_change  # there is something to skip
    assert quick.what_would_change == ()
    assert quick == full.model_copy(update={"what_would_change": ()})


def test_a_longer_wait_and_a_smaller_cap_show_case_by_case(db: Database, changed_screener: Screener,
                                                           shipped_screener: Screener) -> None:
    deferred_now, capped_only = store(db, peel(10), sample_intake())
    found = {d.case_id: d for d in preview(db, changed_screener)}
    assert set(found) == {deferred_now, capped_only}

    deferred = found[deferred_now]
    assert (deferred.old_outcome, deferred.new_outcome) == ("suitable_with_precautions", "defer")
    assert deferred.changed_outcome and deferred.changed_dates
    assert deferred.new_earliest == dt.date(2026, 10, 23) + dt.timedelta(days=60)
    assert deferred.old_earliest is None  # every old wait had passed by the appointment: it adds no date (§1)
    assert "peel-superficial" in deferred.newly_fired and deferred.no_longer_fired == ()
    assert deferred.old_version == shipped_screener.ruleset.version
    assert deferred.new_version == changed_screener.ruleset.version

    capped = found[capped_only]
    assert not capped.changed_outcome and not capped.changed_dates and capped.changed
    ((change),) = capped.depth_changes
    assert (change.treatment, change.area, change.old_mm, change.new_mm) == (1, "forehead", 0.5, 0.25)


def test_the_same_rules_show_no_difference(sqlite_db: Database, shipped_screener: Screener) -> None:
    store(sqlite_db, peel(10), sample_intake(), sample_intake(pregnant="yes"))
    differences = list(preview(sqlite_db, shipped_screener))
    assert len(differences) == 3
    assert [d for d in differences if d.changed or d.error] == []


def test_open_cases_by_default_all_when_asked_and_within_dates(sqlite_db: Database,
                                                              changed_screener: Screener) -> None:
    open_id, decided_id = store(sqlite_db, peel(10), peel(10))
    with sqlite_db.session() as session:
        session.execute(update(Case).where(Case.id == decided_id).values(review_status=ReviewStatus.DECIDED))
        session.commit()
    assert [d.case_id for d in preview(sqlite_db, changed_screener)] == [open_id]
    everything = {d.case_id: d.review_status for d in preview(sqlite_db, changed_screener, Scope(open_only=False))}
    assert everything == {open_id: "open", decided_id: "decided"}

    today = dt.datetime.now(dt.UTC).date()
    assert list(preview(sqlite_db, changed_screener, Scope(since=today + dt.timedelta(days=1)))) == []
    assert list(preview(sqlite_db, changed_screener, Scope(until=today - dt.timedelta(days=1)))) == []
    assert len(list(preview(sqlite_db, changed_screener, Scope(open_only=False, since=today, until=today)))) == 2


def test_a_stored_intake_that_no_longer_parses_is_an_error_not_a_crash(sqlite_db: Database,
                                                                       changed_screener: Screener) -> None:
    (case_id,) = store(sqlite_db, peel(10))
    with sqlite_db.session() as session:
        session.execute(update(Case).where(Case.id == case_id).values(intake={"age": "secret-text"}))
        session.commit()
    (difference,) = preview(sqlite_db, changed_screener)
    assert difference.error == "the stored intake is no longer valid" and not difference.changed
    assert "secret-text" not in repr(difference.as_json())


def test_two_worker_processes_find_the_same_differences_in_the_same_order(
        db: Database, changed_screener: Screener) -> None:
    store(db, *[peel(days) for days in range(0, 70, 5)])
    one = list(preview(db, changed_screener, batch_size=3))
    counted: list[int] = []
    two = list(preview(db, changed_screener, batch_size=3, jobs=2, progress=counted.append))
    assert one == two and len(one) == 14
    assert sum(counted) == 14 and any(d.changed_outcome for d in one)

"""The queue's clinic-day filters on SQLite and PostgreSQL: appointment days, check-ins due, search by reference,
external reference, appointment day, name or contact; cases without an appointment date are counted, not lost."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.common.rulesets import library_rulesets
from tests.common.storage_samples import screened

from suitability.storage import Case, Database, store_submission
from suitability.storage.review_queue import Appointments, queue


def current_day() -> dt.date:
    """Today, read when a test runs: a run that crosses midnight must not mix two days."""
    return dt.date.today()


def _store(db: Database, days: int | None, **details: str) -> Case:
    """A flagged case with its appointment `days` from today (None: no appointment date)."""
    when = None if days is None else (current_day() + dt.timedelta(days=days)).isoformat()
    intake, decision = screened(appointment_date=when)
    assert decision.needs_review
    with db.session() as session:
        case, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="api",
                                   **details, rulesets=library_rulesets)
    return case


def _refs(db: Database, **filters: object) -> set[str]:
    with db.session() as session:
        return {case.reference for case in queue(session, status=None, **filters).cases}  # type: ignore[arg-type]


@pytest.fixture
def day(db: Database) -> dict[str, Case]:
    """Cases coming today, in three days, in thirty days (their answers run out first), and undated."""
    return {"today": _store(db, 0, external_reference="EHR-0042"),
            "soon": _store(db, 3, contact_name="Ana María López", contact_detail="ana@example.org"),
            "later": _store(db, 30, contact_name="Bo 100%_sure", contact_detail="+44 7700 900123"),
            "undated": _store(db, None)}


def test_an_appointment_range_keeps_the_days_inside_it_inclusive(db: Database, day: dict[str, Case]) -> None:
    assert _refs(db, appointments=Appointments(current_day(), current_day())) == {day["today"].reference}
    week = Appointments(current_day(), current_day() + dt.timedelta(days=3))
    assert _refs(db, appointments=week) == {day["today"].reference, day["soon"].reference}
    assert _refs(db, appointments=Appointments(current_day() + dt.timedelta(days=4), None)) == {day["later"].reference}


def test_a_date_filter_counts_the_cases_it_leaves_out_for_having_no_appointment(
        db: Database, day: dict[str, Case]) -> None:
    with db.session() as session:
        filtered = queue(session, status=None, appointments=Appointments(current_day(), current_day()))
        unfiltered = queue(session, status=None)
    assert filtered.undated == 1 and unfiltered.undated == 0
    assert day["undated"].reference in {c.reference for c in unfiltered.cases}


def test_check_ins_due_are_the_cases_whose_answers_run_out_before_the_appointment(
        db: Database, day: dict[str, Case]) -> None:
    valid_until = day["later"].decision["valid_until"]
    assert valid_until and valid_until < day["later"].appointment_date.isoformat()  # type: ignore[union-attr]
    assert _refs(db, appointments=Appointments(checkins_due=True)) == {day["later"].reference}


@pytest.mark.parametrize(("term", "who"), [
    ("EHR-0042", "today"), ("ana@example", "soon"), ("lópez", "soon"), ("7700 900", "later"), ("100%_", "later")])
def test_search_finds_a_case_by_external_reference_name_or_contact(
        db: Database, day: dict[str, Case], term: str, who: str) -> None:
    assert _refs(db, search=term) == {day[who].reference}


def test_search_by_reference_and_by_appointment_day(db: Database, day: dict[str, Case]) -> None:
    typed = day["soon"].reference.lower().replace("-", " ")
    assert _refs(db, search=typed) == {day["soon"].reference}
    assert _refs(db, search=day["later"].appointment_date.isoformat()) == {day["later"].reference}  # type: ignore[union-attr]


@pytest.mark.parametrize("term", ["%", "_", "a", "EHR", "nobody", "MN-0000-0000", "x" * 500])
def test_a_search_that_is_no_one_finds_nothing(db: Database, day: dict[str, Case], term: str) -> None:
    assert _refs(db, search=term) == set()


def test_ordering_by_appointment_puts_the_undated_last(db: Database, day: dict[str, Case]) -> None:
    with db.session() as session:
        found = queue(session, status=None, by_appointment=True)
    assert [c.reference for c in found.cases] == [day[k].reference for k in ("today", "soon", "later", "undated")]


def test_every_case_includes_the_ones_not_flagged(db: Database, day: dict[str, Case]) -> None:
    intake, decision = screened(retinoid="no", cold_sore_history="no", appointment_date=current_day().isoformat())
    with db.session() as session:
        plain, _ = store_submission(session, intake, decision, idempotency_key=None, body_hash=None, source="web", rulesets=library_rulesets)
    today = Appointments(current_day(), current_day())
    if decision.needs_review:
        pytest.skip("the sample is flagged even without these answers")
    assert plain.reference not in _refs(db, appointments=today)
    assert plain.reference in _refs(db, appointments=today, flagged_only=False)

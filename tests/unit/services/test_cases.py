"""The queue's appointment days as a query names them: today, the clinic's week (Monday to Sunday), a range in
either order, or any day."""

from __future__ import annotations

import datetime as dt

from suitability.services.cases import Appointments, appointment_filter

THURSDAY = dt.date(2026, 12, 3)


def test_today_and_the_week_are_read_from_the_day_given() -> None:
    assert appointment_filter("today", THURSDAY) == Appointments(THURSDAY, THURSDAY)
    assert appointment_filter("week", THURSDAY, due=True) == Appointments(
        dt.date(2026, 11, 30), dt.date(2026, 12, 6), True)
    assert appointment_filter("week", dt.date(2026, 12, 6)).start == dt.date(2026, 11, 30)  # Sunday ends it


def test_a_range_takes_its_days_in_either_order_and_may_be_open() -> None:
    first, last = dt.date(2026, 1, 5), dt.date(2026, 1, 9)
    assert appointment_filter("range", THURSDAY, start=last, end=first) == Appointments(first, last)
    assert appointment_filter("range", THURSDAY, start=first) == Appointments(first, None)
    assert not appointment_filter("range", THURSDAY).filtering


def test_any_day_ignores_the_days_given() -> None:
    assert appointment_filter("", THURSDAY, start=THURSDAY, end=THURSDAY) == Appointments()
    assert appointment_filter("", THURSDAY, due=True) == Appointments(None, None, True)

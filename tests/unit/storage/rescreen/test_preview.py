"""Keyset batches: every case in scope exactly once, oldest first, whatever the batch size, ties included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suitability.storage import Case, Database, ReviewStatus, Source, database_url
from suitability.storage.rescreen import Scope, stream_cases
from suitability.storage.rescreen.preview import read_range, stream_ranges

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
N = 40


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[tuple[dt.datetime, str]]]]:
    """40 cases, many sharing a created_at (the id breaks ties), a quarter of them decided."""
    database = Database(database_url(None, Path(tmp_path_factory.mktemp("keyset"))))
    database.ensure_schema()
    keys = []
    with database.session() as session:
        for i in range(N):
            created = START + dt.timedelta(minutes=i // 4)  # four cases per timestamp
            case = Case(id=f"case-{(i * 7919) % 1000:04d}", reference=f"MN-{i:04d}-AAAA", created_at=created,
                        source=Source.WEB, intake={}, decision={"outcome": "review"}, outcome="review",
                        ruleset_version="v", profile="conservative", needs_review=True,
                        review_status=ReviewStatus.DECIDED if i % 4 == 0 else ReviewStatus.OPEN)
            session.add(case)
            keys.append((created, case.id, case.review_status))
        session.commit()
    yield database, sorted((c, i) for c, i, s in keys if s is ReviewStatus.OPEN)
    database.dispose()


@settings(max_examples=40)
@given(batch_size=st.integers(min_value=1, max_value=N + 5))
def test_every_open_case_comes_exactly_once_in_order(
        filled: tuple[Database, list[tuple[dt.datetime, str]]], batch_size: int) -> None:
    database, expected = filled
    batches = list(stream_cases(database, Scope(), batch_size))
    seen = [(row["created_at"], row["id"]) for batch in batches for row in batch]
    assert seen == expected
    assert all(1 <= len(batch) <= batch_size for batch in batches)


@settings(max_examples=20)
@given(batch_size=st.integers(min_value=1, max_value=N + 5))
def test_all_cases_when_asked(filled: tuple[Database, list[tuple[dt.datetime, str]]], batch_size: int) -> None:
    database, _ = filled
    ids = [row["id"] for batch in stream_cases(database, Scope(open_only=False), batch_size) for row in batch]
    assert len(ids) == len(set(ids)) == N


@settings(max_examples=30)
@given(batch_size=st.integers(min_value=1, max_value=N + 5))
def test_the_ranges_workers_read_cover_the_same_cases_exactly_once(
        filled: tuple[Database, list[tuple[dt.datetime, str]]], batch_size: int) -> None:
    database, expected = filled
    ranges = list(stream_ranges(database, Scope(), batch_size))
    seen = [(row["created_at"], row["id"]) for after, last in ranges
            for row in read_range(database, Scope(), after, last)]
    assert seen == expected
    assert len(ranges) == -(-len(expected) // batch_size)

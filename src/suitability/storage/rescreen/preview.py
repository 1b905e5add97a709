"""Stream stored cases in keyset-paginated batches, for a re-screen to screen each again (the service does).

Memory stays flat however many cases there are: each batch is one short read (columns, not ORM objects, so no
identity map grows), and the cursor is the last (created_at, id) seen, so cases stored meanwhile are neither
skipped nor repeated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, Text, and_, cast, func, literal_column, or_, select
from sqlalchemy.exc import SQLAlchemyError

from ..database import Database
from ..errors import StorageError
from ..models import Case, ReviewStatus

DEFAULT_BATCH = 500
Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])
Query = Select[*tuple[Any, ...]]
Row = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Which stored cases: open ones only (the practitioner page) or all, created within optional dates."""

    open_only: bool = True
    since: dt.date | None = None  # created on or after (UTC)
    until: dt.date | None = None  # created on or before (UTC)

    def where(self, query: Q) -> Q:
        if self.open_only:
            query = query.where(Case.review_status == ReviewStatus.OPEN)
        if self.since is not None:
            query = query.where(Case.created_at >= _midnight(self.since))
        if self.until is not None:
            query = query.where(Case.created_at < _midnight(self.until + dt.timedelta(days=1)))
        return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


# The intake as JSON text: `parse_intake` validates text directly, so it is never decoded and re-encoded here.
COLUMNS = (Case.id, Case.reference, Case.created_at, Case.review_status, cast(Case.intake, Text).label("intake"),
           Case.outcome, Case.ruleset_version)
# Only the parts of the stored decision the comparison reads, extracted by the database: a stored decision
# carries every finding's texts, instructions and "what would change it", and decoding all of it in Python
# cost as much as reading the rest of the case.
SUMMARY_SQL = {
    "sqlite": {
        "old_earliest": "json_extract(cases.decision, '$.earliest_date')",
        "old_depth": "json_extract(cases.decision, '$.depth_limits')",
        "old_rules": "(SELECT json_group_array(json_extract(value, '$.rule_id')) "
                     "FROM json_each(cases.decision, '$.findings'))",
    },
    "postgresql": {
        "old_earliest": "cases.decision ->> 'earliest_date'",
        "old_depth": "cases.decision -> 'depth_limits'",
        "old_rules": "jsonb_path_query_array(cases.decision, '$.findings[*].rule_id')",
    },
}


def _summary_columns(dialect: str) -> list[Any]:
    return [literal_column(sql).label(name) for name, sql in SUMMARY_SQL[dialect].items()]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _old_decision(row: dict[str, Any]) -> dict[str, Any]:
    """The stored decision in `summary_of`'s shape, from the extracted columns."""
    return {
        "outcome": getattr(row.pop("outcome"), "value", None) or "review",
        "ruleset_version": row.pop("ruleset_version"),
        "earliest_date": row.pop("old_earliest"),
        "depth_limits": _json(row.pop("old_depth")) or [],
        "findings": [{"rule_id": rule} for rule in _json(row.pop("old_rules")) or ()],
    }


def count_cases(database: Database, scope: Scope) -> int:
    """How many cases the scope holds now (for the progress bar)."""
    try:
        with database.session() as session:
            return int(session.scalar(scope.where(select(func.count()).select_from(Case))) or 0)
    except SQLAlchemyError as exc:
        raise StorageError(f"could not count cases ({type(exc).__name__})") from exc


Key = tuple[dt.datetime, str]  # (created_at, id): the keyset order of cases


def _after(key: Key) -> Any:
    return or_(Case.created_at > key[0], and_(Case.created_at == key[0], Case.id > key[1]))


def _up_to(key: Key) -> Any:
    return or_(Case.created_at < key[0], and_(Case.created_at == key[0], Case.id <= key[1]))


def _read(database: Database, query: Query) -> list[Any]:
    try:
        with database.session() as session:
            return list(session.execute(query))
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read cases ({type(exc).__name__})") from exc


def _rows(database: Database, query: Query) -> list[Row]:
    batch = [{**row._mapping} for row in _read(database, query)]
    for row in batch:
        row["decision"] = _old_decision(row)
    return batch


def _case_query(database: Database, scope: Scope) -> Query:
    columns = (*COLUMNS, *_summary_columns(database.dialect))
    return scope.where(select(*columns)).order_by(Case.created_at, Case.id)


def stream_cases(database: Database, scope: Scope, batch_size: int = DEFAULT_BATCH) -> Iterator[list[Row]]:
    """The scope's cases, oldest first, in batches of at most `batch_size`; each batch read in its own session.

    Each row: id, reference, created_at, review_status, intake (the stored answers) and decision (the stored
    decision's outcome, version, earliest date, depth limits and finding rule ids only)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    after: Key | None = None
    while True:
        query = _case_query(database, scope).limit(batch_size)
        batch = _rows(database, query if after is None else query.where(_after(after)))
        if not batch:
            return
        yield batch
        after = (batch[-1]["created_at"], batch[-1]["id"])
        if len(batch) < batch_size:
            return


def stream_ranges(database: Database, scope: Scope, batch_size: int = DEFAULT_BATCH) -> Iterator[tuple[Key | None, Key]]:
    """The same batches as (after, last) keyset bounds, read from the index alone: worker processes then read
    their own rows (`read_range`), so the parent decodes nothing. The ranges are disjoint and contiguous."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    after: Key | None = None
    while True:
        query = scope.where(select(Case.created_at, Case.id)).order_by(Case.created_at, Case.id).limit(batch_size)
        keys = _read(database, query if after is None else query.where(_after(after)))
        if not keys:
            return
        last = (keys[-1].created_at, keys[-1].id)
        yield after, last
        after = last
        if len(keys) < batch_size:
            return


def read_range(database: Database, scope: Scope, after: Key | None, last: Key) -> list[Row]:
    """The scope's cases after `after` (exclusive) up to `last` (inclusive), oldest first."""
    query = _case_query(database, scope).where(_up_to(last))
    return _rows(database, query if after is None else query.where(_after(after)))

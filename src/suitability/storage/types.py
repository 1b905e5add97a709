"""Column types that behave the same on SQLite and PostgreSQL: aware UTC datetimes, JSON, enums as text."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=Enum)

# JSONB on PostgreSQL so queries (the review queue, reports) can index into answers.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """Now, aware, in UTC: every timestamp we store is UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime everywhere; SQLite (which has no time zones) stores it naive, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; store aware UTC datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class EnumText(TypeDecorator[E], Generic[E]):
    """A str Enum stored as its value in a VARCHAR: no native PostgreSQL enum types to migrate later."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(self.enum(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)

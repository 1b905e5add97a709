"""What the API's views use, fetched from the app that registered it once: one database session per request
(closed when the request ends), the database, the screener and the event sink."""

from __future__ import annotations

from typing import Protocol

from flask import current_app, g
from sqlalchemy.orm import Session

from ..screening import Screener
from ..services import DATABASE, EVENTS, METRICS, RULES, SCREENER
from ..services.events import EventSink
from ..services.observe import Record
from ..storage.database import Database


def database() -> Database:
    """The app's database."""
    db = current_app.extensions[DATABASE]
    assert isinstance(db, Database)
    return db


def screener() -> Screener:
    """The screener the app serves now."""
    serving = current_app.extensions[SCREENER]()
    assert isinstance(serving, Screener)
    return serving


def events() -> EventSink:
    """The app's event sink (the webhook outbox)."""
    sink: EventSink = current_app.extensions[EVENTS]
    return sink


def metrics() -> Record | None:
    """The app's screening recorder while metrics are on, else None."""
    record: Record | None = current_app.extensions.get(METRICS)
    return record


class RulesState(Protocol):
    """What the app's rules watcher says of the rules serving."""

    version: str | None
    status: str
    error: str | None


def ruleset_state() -> RulesState:
    """The serving rule set's version and status (current, stale, unavailable), from the app's rules watcher."""
    state: RulesState = current_app.extensions[RULES].state()
    return state


def session() -> Session:
    """This request's session (created on first use)."""
    if "api_session" not in g:
        g.api_session = database().session()
    current: Session = g.api_session
    return current


def close(_: BaseException | None = None) -> None:
    """End this request's session."""
    current = g.pop("api_session", None)
    if current is not None:
        current.close()

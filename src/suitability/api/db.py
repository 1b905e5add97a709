"""One database session per API request, closed when the request ends."""

from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from ..web.database import get_db


def session() -> Session:
    """This request's session (created on first use)."""
    if "api_session" not in g:
        g.api_session = get_db().session()
    current: Session = g.api_session
    return current


def close(_: BaseException | None = None) -> None:
    current = g.pop("api_session", None)
    if current is not None:
        current.close()

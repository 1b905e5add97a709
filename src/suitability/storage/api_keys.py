"""API key queries: find a key by name, prefix or either, list them all, and which key stored a case."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .integration_models import ApiKey, ApiSubmission


def key_named(session: Session, name: str) -> ApiKey | None:
    """The key with this name, or None."""
    return session.scalar(select(ApiKey).where(ApiKey.name == name))


def key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """The key with this prefix, or None."""
    return session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))


def key_by_name_or_prefix(session: Session, name_or_prefix: str) -> ApiKey | None:
    """The key whose name or prefix this is, or None."""
    return session.scalar(select(ApiKey).where(or_(ApiKey.name == name_or_prefix, ApiKey.prefix == name_or_prefix)))


def all_keys(session: Session) -> list[ApiKey]:
    """Every key, live or revoked, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def key_that_stored(session: Session, case_id: str) -> int | None:
    """The id of the API key that stored this case, or None (not stored through the API)."""
    return session.scalar(select(ApiSubmission.api_key_id).where(ApiSubmission.case_id == case_id))

"""Webhook delivery queries: claim the due ones for a sender, record an attempt, list and count them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .integration_models import DeliveryStatus, WebhookDelivery


def claim_due(session: Session, now: dt.datetime, *, claimant: str, lease_until: dt.datetime,
              batch: int) -> list[WebhookDelivery]:
    """Claim up to `batch` due rows for `claimant` until `lease_until`, in the caller's transaction (the caller
    commits); two senders never claim the same row."""
    due = (WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now,
           or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now))
    query = select(WebhookDelivery).where(*due).order_by(WebhookDelivery.id).limit(batch)
    claimed: list[WebhookDelivery] = []
    if session.get_bind().dialect.name == "postgresql":
        for row in session.scalars(query.with_for_update(skip_locked=True)):
            row.claimed_by, row.claimed_until = claimant, lease_until
            claimed.append(row)
    else:
        # Take SQLite's write lock first: a read that later writes could be refused ("database is locked").
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        for row_id in list(session.scalars(query.with_only_columns(WebhookDelivery.id))):
            won = session.execute(update(WebhookDelivery).where(WebhookDelivery.id == row_id, *due)
                                  .values(claimed_by=claimant, claimed_until=lease_until))
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(session.get_one(WebhookDelivery, row_id))
    return claimed


def update_claimed(session: Session, delivery_id: int, claimant: str, values: dict[str, Any]) -> None:
    """Set `values` on the delivery if `claimant` still holds its claim, in the caller's transaction."""
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                  WebhookDelivery.claimed_by == claimant).values(**values))


def recent_deliveries(session: Session, *, status: DeliveryStatus | None, limit: int) -> list[WebhookDelivery]:
    """Newest first, at most `limit`; only those in `status` if given."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return list(session.scalars(query))


def count_by_status(session: Session) -> dict[DeliveryStatus, int]:
    """How many deliveries are in each status (statuses with none are absent)."""
    return {status: int(count) for status, count in session.execute(
        select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status))}

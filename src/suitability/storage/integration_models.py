"""The integration tables: API keys, their rate-limit windows, which key stored which case, webhook deliveries.

They live on storage's `Base` and come with their own Alembic revision (`integrations`).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import EnumText, UTCDateTime, utcnow


class ApiKey(Base):
    """One integration's key: only a prefix (to find it) and a sha256 of the whole token are kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    rate_limit: Mapped[int | None] = mapped_column(Integer, default=None)  # per minute; None: the app default
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    # What the key may do, separated by spaces (for example "screen analytics"); None: the default scopes.
    scopes: Mapped[str | None] = mapped_column(String(200), default=None)

    def __repr__(self) -> str:  # never the hash
        return f"<ApiKey {self.name} {self.prefix}>"


class RateWindow(Base):
    """Requests of one key in one minute (a fixed window), shared by every app server through the database."""

    __tablename__ = "api_rate_windows"

    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True)
    minute: Mapped[int] = mapped_column(Integer, primary_key=True)  # minutes since the epoch
    count: Mapped[int] = mapped_column(Integer, default=0)


class ApiSubmission(Base):
    """Which API key stored a case: a key reads back only the cases it stored."""

    __tablename__ = "api_submissions"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)


class DeliveryStatus(str, Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry; `suitability webhooks retry` sends it again


class WebhookDelivery(Base):
    """The outbox: one event for one URL, written in the transaction that caused it, sent after commit."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(EnumText(DeliveryStatus, 16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.status.value}>"

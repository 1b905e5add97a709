"""What an operator needs: list deliveries with their status, and send a failed one again."""

from __future__ import annotations

from ...storage import Session
from ...storage.integration_models import DeliveryStatus, WebhookDelivery
from ...storage.types import utcnow
from ...storage.webhook_deliveries import recent_deliveries


def list_deliveries(session: Session, *, status: DeliveryStatus | str | None = None,
                    limit: int = 50) -> list[WebhookDelivery]:
    """Newest first; only those in `status` (a DeliveryStatus or its name: pending, delivered, failed) if given."""
    return recent_deliveries(session, status=None if status is None else DeliveryStatus(status), limit=limit)


def retry_delivery(session: Session, delivery_id: int) -> WebhookDelivery | None:
    """Queue a delivery again now, with a fresh set of attempts; commits. None if there is no such delivery."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None:
        return None
    row.status, row.attempts, row.next_attempt_at = DeliveryStatus.PENDING, 0, utcnow()
    row.claimed_by = row.claimed_until = None
    session.commit()
    return row

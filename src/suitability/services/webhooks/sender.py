"""The background sender: claims due outbox rows, posts them signed, and records the result with back-off.

Several app servers can run one each. A row is claimed before it is sent (PostgreSQL: `FOR UPDATE SKIP
LOCKED`; SQLite: a conditional UPDATE that only one claimer can win) with a lease, so a crashed sender's rows
are picked up again when the lease ends (the queries are `storage/webhook_deliveries.py`). Delivery is at least
once: receivers de-duplicate on the event id.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from ...storage import Session
from ...storage.integration_models import DeliveryStatus, WebhookDelivery
from ...storage.types import utcnow
from ...storage.webhook_deliveries import claim_due, update_claimed
from .signing import sign

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderConfig:
    """How the sender behaves; the app fills it from WEBHOOK_* settings."""

    secret: str
    poll_seconds: float = 5.0
    batch: int = 20
    timeout_seconds: float = 5.0
    lease_seconds: float = 60.0
    retry_base_seconds: float = 10.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 20


def backoff(attempts: int, config: SenderConfig) -> float:
    """Seconds before the next try: base * 2^(attempts-1), capped, with up to 10 % jitter."""
    delay: float = min(config.retry_max_seconds, config.retry_base_seconds * 2 ** max(0, attempts - 1))
    return delay * (1.0 + random.random() / 10)


class Sender:
    """One per process: `run_once` sends what is due; `start` runs it in a daemon thread until `stop`."""

    def __init__(self, sessions: Callable[[], Session], config: SenderConfig,
                 post: Callable[..., Any] = requests.post) -> None:
        self.sessions = sessions
        self.config = config
        self.post = post
        self.name = f"{socket.gethostname()[:40]}:{os.getpid()}:{id(self) % 10000}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def claim(self, session: Session, now: dt.datetime) -> list[WebhookDelivery]:
        """Claim up to `batch` due rows for this sender, and commit the claim."""
        lease = now + dt.timedelta(seconds=self.config.lease_seconds)
        claimed = claim_due(session, now, claimant=self.name, lease_until=lease, batch=self.config.batch)
        session.commit()
        return claimed

    def deliver(self, row: WebhookDelivery) -> tuple[int | None, str | None]:
        """One signed POST; (status code, error text). Never raises."""
        body = row.body.encode()
        # webhook-id is the event id, the same on every retry, so a receiver de-duplicates on it.
        headers = {"Content-Type": "application/json", **sign(self.config.secret, row.event_id, body),
                   "Suitability-Event": row.event_type, "Suitability-Event-Id": row.event_id,
                   "User-Agent": "suitability-webhooks/2"}
        try:
            response = self.post(row.url, data=body, headers=headers, timeout=self.config.timeout_seconds,
                                 allow_redirects=False)
            code = int(response.status_code)
            return code, None if 200 <= code < 300 else f"HTTP {code}"
        except Exception as exc:  # noqa: BLE001 - any failure of a receiver is a failed attempt, retried later
            return None, type(exc).__name__

    def record(self, session: Session, row: WebhookDelivery, code: int | None, error: str | None) -> None:
        """Record one attempt's result (delivered, given up, or the next try after back-off) and commit."""
        now = utcnow()
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_status": code, "last_error": error,
                                  "claimed_by": None, "claimed_until": None}
        if error is None:
            values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
        elif attempts >= self.config.max_attempts:
            values.update(status=DeliveryStatus.FAILED)
            log.error("webhook %s to %s failed for good after %d attempts", row.event_id, row.url, attempts)
        else:
            values.update(next_attempt_at=now + dt.timedelta(seconds=backoff(attempts, self.config)))
        update_claimed(session, row.id, self.name, values)
        session.commit()

    def run_once(self) -> int:
        """Send everything due now; returns how many attempts were made."""
        with self.sessions() as session:
            rows = self.claim(session, utcnow())
            for row in rows:
                code, error = self.deliver(row)
                self.record(session, row, code, error)
        return len(rows)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once() >= self.config.batch
            except Exception:
                log.exception("webhook sender pass failed; retrying")
                busy = False
            if not busy:
                self._wake.wait(self.config.poll_seconds)
                self._wake.clear()

    def wake(self) -> None:
        """Look for due rows now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        """Run the sender in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="suitability-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, waiting up to `timeout` seconds for the pass under way."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

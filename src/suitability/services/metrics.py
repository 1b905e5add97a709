"""What /metrics reports beyond a request's own timing: screenings counted by outcome and door (any process,
the CLI included), and the webhook outbox's depth read from the database at scrape time.

prometheus_client comes with the server extra: a process without it does not import this module.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from ..storage.database import Database
from ..storage.integration_models import DeliveryStatus
from ..storage.webhook_deliveries import count_by_status

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SCREENINGS = Counter("suitability_screenings", "Screenings by outcome and the door they came through",
                     ["outcome", "door"])
SCREENING_SECONDS = Histogram("suitability_screening_seconds", "Time to screen one intake (rules and combining)",
                              ["door"], buckets=LATENCY_BUCKETS)


def record_screening(door: str, outcome: str, seconds: float) -> None:
    """Count one screening (any process: the CLI records into PROMETHEUS_MULTIPROC_DIR when it is set)."""
    SCREENINGS.labels(outcome=outcome, door=door).inc()
    SCREENING_SECONDS.labels(door=door).observe(seconds)


def webhook_outbox_depth(database: Database) -> dict[str, int]:
    """Webhook deliveries by status, every status named (0 when there is none). Database errors propagate:
    the scrape leaves this gauge out, and the failure is counted where the engine reports it."""
    with database.session() as session:
        counts = count_by_status(session)
    return {status.value: counts.get(status, 0) for status in DeliveryStatus}


__all__ = ["LATENCY_BUCKETS", "SCREENINGS", "SCREENING_SECONDS", "record_screening", "webhook_outbox_depth"]

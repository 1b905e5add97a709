"""Prometheus metrics at `/metrics` (text format), off unless METRICS is on and METRICS_TOKEN is set.

Counted as they happen: screenings by outcome and door (web, api, fhir, cli), screening and request latency,
database errors (SQLAlchemy's `handle_error`, so every failed statement or connection of this app's engine).
Read when scraped: the rule set this process serves (version, status) and the webhook outbox's depth.

Under gunicorn each worker writes its samples into PROMETHEUS_MULTIPROC_DIR (gunicorn_conf makes one when it
is unset) and a scrape, answered by any worker, adds up every worker's, as prometheus_client's multi-process
mode does. Nothing here carries an answer, a case id or a query string: labels are bounded sets.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext

from ..services.metrics import LATENCY_BUCKETS, record_screening, webhook_outbox_depth
from .config import switched_on
from .observe import KEY

log = logging.getLogger(__name__)
DOORS = ("web", "api", "fhir", "cli")
REQUEST_SECONDS = Histogram("suitability_request_seconds", "Time to answer an HTTP request, by route and status",
                            ["method", "endpoint", "status"], buckets=LATENCY_BUCKETS)
DATABASE_ERRORS = Counter("suitability_database_errors", "Database statements or connections that failed",
                          ["kind"])


class StateCollector(Collector):
    """What is read at scrape time, in the answering process: the rule set served and the outbox's depth."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        """The rule set served and the outbox's depth, read now (the depth is left out if the database fails)."""
        from .database import get_db
        from .rules_reload import ruleset_state

        with self.app.app_context():
            rules = ruleset_state()
            info = GaugeMetricFamily("suitability_ruleset", "The rule set this server screens with (value 1)",
                                     labels=["version", "status"])
            info.add_metric([rules.version or "none", rules.status], 1)
            yield info
            try:
                counts = webhook_outbox_depth(get_db())
            except Exception:  # noqa: BLE001 - counted by handle_error; a scrape still gives the rest
                return
            depth = GaugeMetricFamily("suitability_webhook_outbox", "Webhook deliveries by status",
                                      labels=["status"])
            for status, count in counts.items():
                depth.add_metric([status], count)
            yield depth


def _count_database_error(context: ExceptionContext) -> None:
    kind = "disconnect" if context.is_disconnect else type(context.sqlalchemy_exception or
                                                            context.original_exception).__name__
    DATABASE_ERRORS.labels(kind=kind).inc()


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _stop_clock(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        REQUEST_SECONDS.labels(method=request.method, endpoint=request.endpoint or "unmatched",
                               status=str(response.status_code)).observe(time.perf_counter() - started)
    return response


def _scrape() -> Response:
    token = str(current_app.config["METRICS_TOKEN"])
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response("a bearer token is required\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"',
                                                                "Content-Type": "text/plain; charset=utf-8"})
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    state = CollectorRegistry()
    state.register(StateCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
    body = generate_latest(counted) + generate_latest(state)
    return Response(body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def init_app(app: Flask) -> bool:
    """Serve /metrics and start counting if METRICS is on and a token is set; True if it did."""
    if not switched_on(app.config["METRICS"]):
        return False
    if not app.config.get("METRICS_TOKEN"):
        log.error("METRICS is on but METRICS_TOKEN is not set: /metrics stays off")
        return False
    app.extensions[KEY] = record_screening
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)  # first, so every request is timed
    app.after_request(_stop_clock)
    app.add_url_rule("/metrics", "metrics", _scrape, methods=["GET"])
    from .database import KEY as DATABASE

    database: Any = app.extensions[DATABASE]
    event.listen(database.engine, "handle_error", _count_database_error)
    return True

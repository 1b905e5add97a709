"""GET /api/v1/analytics/rules: the rule analytics figures as JSON, for keys with the analytics scope."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response, current_app, request

from ..errors import SuitabilityError
from ..services.analytics import (
    DEFAULT_ALERT,
    AnalyticsError,
    Period,
    parse_override_alert,
    report_json,
    rule_analytics,
)
from . import db
from .problems import Problem

QUERY = frozenset({"start", "end"})


def _period() -> Period:
    if set(request.args) - QUERY:  # refused, not ignored: a misspelt `end` must not silently mean 90 days
        raise Problem(422, "invalid-request", "Only start and end may be sent in the query.",
                      errors=[{"field": "query", "message": "a parameter other than start and end"}])
    start, end = request.args.get("start"), request.args.get("end")
    if start is None and end is None:
        return Period.ending(dt.datetime.now(dt.UTC).date())
    try:
        return Period(dt.date.fromisoformat((start or "")[:10]), dt.date.fromisoformat((end or "")[:10]))
    except (ValueError, AnalyticsError):
        raise Problem(422, "invalid-request", "Send start and end as days (YYYY-MM-DD), at most 366 days apart.",
                      errors=[{"field": "start", "message": "a first and a last day, at most 366 days apart"}]
                      ) from None


def analytics_rules() -> Response:
    """The rule analytics document for ?start=&end= (default: the last 90 days)."""
    period = _period()
    try:
        alert = parse_override_alert(str(current_app.config.get("OVERRIDE_ALERT", DEFAULT_ALERT)))
    except AnalyticsError:
        alert = parse_override_alert(DEFAULT_ALERT)
    try:
        ruleset = db.screener().ruleset
    except SuitabilityError:
        ruleset = None  # the figures still answer, by rule id
    report = rule_analytics(db.session(), period, alert, ruleset)
    response = Response(json.dumps(report_json(report)), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response

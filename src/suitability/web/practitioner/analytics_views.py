"""Override analytics for staff: per-rule figures over a period, sortable, with two SVG charts and a CSV copy.

The view only translates: services.analytics computes, storage.analytics_queries counts.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from ...errors import SuitabilityError
from ...rules.loading import RuleSet
from ...services.analytics import (
    DEFAULT_ALERT,
    MAX_DAYS,
    AnalyticsError,
    OverrideAlert,
    Period,
    RuleFigures,
    RuleReport,
    parse_override_alert,
    report_csv,
    rule_analytics,
)
from ...services.errors import StorageError
from ...vocabulary import Outcome
from ..database import get_db, get_screener
from ..patient.form_views import View
from . import bp
from .charts import Series, rate_bars, stacked_columns

SORTS = {
    "rule": lambda r: (r.title.lower(), r.rule_id), "topic": lambda r: (r.topic, r.title.lower()),
    "fired": lambda r: r.fired, "decided": lambda r: r.decided, "decisions": lambda r: r.decisions,
    "overrides": lambda r: r.overrides, "rate": lambda r: (r.rate is not None, r.rate or 0),
}
SORT_DEFAULT = "rate"
CHART_RULES = 20


def configured_alert() -> OverrideAlert:
    """SUITABILITY_OVERRIDE_ALERT (checked at start); the default if the app was configured around the check."""
    try:
        return parse_override_alert(str(current_app.config.get("OVERRIDE_ALERT", DEFAULT_ALERT)))
    except AnalyticsError:
        return parse_override_alert(DEFAULT_ALERT)


def serving_rules() -> RuleSet | None:
    """The rule set serving now, for titles and topics; None when none loads (figures still show, by id)."""
    try:
        return get_screener().ruleset
    except SuitabilityError:
        return None


def requested_period() -> Period | None:
    """The period in ?start=&end= (both UTC days), the last 90 days without them, None when unusable."""
    if not request.args.get("start") and not request.args.get("end"):
        return Period.ending(dt.datetime.now(dt.UTC).date())
    try:
        return Period(dt.date.fromisoformat(request.args.get("start", "")[:10]),
                      dt.date.fromisoformat(request.args.get("end", "")[:10]))
    except (ValueError, AnalyticsError):
        return None


def load_report(period: Period) -> RuleReport:
    """The report for the period under the configured alert; 503 when the database fails."""
    try:
        with get_db().session() as session:
            return rule_analytics(session, period, configured_alert(), serving_rules())
    except (StorageError, SQLAlchemyError):
        abort(503)


def _charts(report: RuleReport) -> tuple[object, object]:
    weeks = stacked_columns(
        "outcomes-chart", _("Cases per week by outcome"),
        _("Stacked columns, one per week from %(start)s to %(end)s; the table below gives every figure.",
          start=report.period.start.isoformat(), end=report.period.end.isoformat()),
        [w.start.strftime("%d %b") for w in report.weeks],
        [Series(outcome_name(o), tuple(dict(w.counts)[o] for w in report.weeks)) for o in Outcome])
    rated = sorted((r for r in report.rules if r.rate is not None), key=lambda r: (-(r.rate or 0), r.rule_id))
    rates = rate_bars(
        "rates-chart", _("Override rate per rule"),
        _("Horizontal bars for the %(count)d rules with practitioner decisions, highest rate first; the dashed "
          "line is the alert rate, %(rate)s. The table below gives every figure.",
          count=min(len(rated), CHART_RULES), rate=report.alert.percent),
        [(r.title, r.rate or Fraction(0), r.alert) for r in rated[:CHART_RULES]],
        report.alert.rate, _("alert %(rate)s", rate=report.alert.percent))
    return weeks, rates


def outcome_name(outcome: Outcome) -> str:
    """An outcome in words."""
    names: dict[Outcome, str] = {Outcome.SUITABLE: _("Suitable"), Outcome.SUITABLE_WITH_PRECAUTIONS: _("With precautions"),
             Outcome.REVIEW: _("Review"), Outcome.DEFER: _("Defer"), Outcome.NOT_SUITABLE: _("Not suitable")}
    return names[outcome]


def sorted_rules(rules: tuple[RuleFigures, ...], key: str, descending: bool) -> list[RuleFigures]:
    """The rows in the asked order; ties keep the catalogue's order."""
    return sorted(rules, key=SORTS[key], reverse=descending)


@bp.get("/analytics")
def analytics() -> View:
    """The figures per rule over the period asked for, sorted as asked, with the two charts."""
    period = requested_period()
    if period is None:
        today = dt.datetime.now(dt.UTC).date()
        return render_template("practitioner/analytics.html", report=None, period=Period.ending(today),
                               error=_("Enter a first and a last day, the last not before the first, at most "
                                       "%(days)d days apart.", days=MAX_DAYS)), 400
    report = load_report(period)
    key = request.args.get("sort", SORT_DEFAULT)
    key = key if key in SORTS else SORT_DEFAULT
    descending = request.args.get("dir", "desc" if key != "rule" and key != "topic" else "asc") == "desc"
    weeks_chart, rates_chart = _charts(report)
    every = request.args.get("rules") == "all"
    rows = [r for r in report.rules if every or r.fired or r.decisions]  # quiet rules only on request
    return render_template("practitioner/analytics.html", report=report, period=period, error=None,
                           rules=sorted_rules(tuple(rows), key, descending), sort=key, descending=descending,
                           every=every, quiet=len(report.rules) - len(rows),
                           weeks_chart=weeks_chart, rates_chart=rates_chart, outcomes=list(Outcome),
                           outcome_name=outcome_name)


@bp.get("/analytics.csv")
def analytics_csv() -> View:
    """The same figures as a CSV download."""
    period = requested_period()
    if period is None:
        abort(400)
    report = load_report(period)
    name = f"rule-analytics-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(report_csv(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})

"""The rule analytics document (GET /api/v1/analytics/rules) and its OpenAPI operation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertThreshold(_Doc):
    """SUITABILITY_OVERRIDE_ALERT: a rule is a review item at or above this rate over this many decisions."""

    rate_percent: float
    minimum_decisions: int


class RuleAnalytics(_Doc):
    """One rule's figures over the period (definitions in the README's Rule analytics section)."""

    rule_id: str
    title: str
    topic: str
    fired: int = Field(description="Cases stored in the period whose current decision has a finding from it.")
    decided: int = Field(description="Cases whose outcome one of its findings set.")
    practitioner_decisions: int = Field(description="Reviews in the period of cases it decided, other than "
                                                    "requests for more information.")
    overrides: int = Field(description="Those decisions less cautious than the rules (given a coded reason).")
    override_rate_percent: float | None = Field(description="overrides / practitioner_decisions, in percent, "
                                                            "one decimal; null without decisions.")
    review_item: bool = Field(description="The rate passes the alert threshold.")
    override_reasons: dict[str, int] = Field(description="Coded override reason -> count.")


class WeekOutcomes(_Doc):
    """Cases stored in one week (from Monday, clipped to the period) by current outcome."""

    start: dt.date
    outcomes: dict[str, int]


class RuleAnalyticsReport(_Doc):
    """Per-rule override analytics over a period of whole UTC days."""

    start: dt.date
    end: dt.date
    alert: AlertThreshold
    rules: tuple[RuleAnalytics, ...]
    weeks: tuple[WeekOutcomes, ...]


ANALYTICS_MODELS: list[tuple[type[BaseModel], Any]] = [(RuleAnalyticsReport, "serialization")]


def analytics_paths(ref: Any, problem: Any, json: Any, auth_errors: dict[str, Any]) -> dict[str, Any]:
    """The operation, built with openapi.py's helpers (`_ref`, `_problem`, `_json`)."""
    day = {"type": "string", "format": "date"}
    return {"/api/v1/analytics/rules": {"get": {
        "operationId": "ruleAnalytics",
        "summary": "Per-rule override analytics over a period (needs a key with the analytics scope)",
        "parameters": [
            {"name": "start", "in": "query", "required": False, "schema": day,
             "description": "The first day (UTC); with `end`. Without both: the 90 days up to today."},
            {"name": "end", "in": "query", "required": False, "schema": day,
             "description": "The last day (UTC), at most 366 days after `start`."}],
        "responses": {"200": json("The figures.", ref("RuleAnalyticsReport")),
                      "403": problem("This key does not have the analytics scope."),
                      "422": problem("The period is not a first and a last day at most 366 days apart."),
                      "503": problem("The figures could not be read."), **auth_errors}}}}

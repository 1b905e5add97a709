"""The check-in documents (GET and POST /api/v1/cases/{id}/check-in) and their OpenAPI operations."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..decision import Decision
from ..vocabulary import Outcome


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckInRequest(_Doc):
    """The day of the check-in and the new answers to the questions due then (GET .../check-in lists them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    on: dt.date = Field(description="The check-in day; it becomes the screening date of the new decision.")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Question name -> answer, as in the Intake. A due question left out, null or \"\" is "
                    "'not sure', never the earlier answer; an answer to a question that is not due is refused.")
    version: int | None = Field(default=None, ge=0, le=2 ** 31 - 1, description="The version GET .../check-in returned; a "
                                                                "check-in on a case that changed since is "
                                                                "refused (409). Without it: the current one.")


class AnswerOption(_Doc):
    value: str
    label: str


class DueQuestion(_Doc):
    """A question to ask again, in the words of the patient form."""

    name: str
    text: str
    help: str | None = None
    kind: Literal["choice", "date", "number", "areas", "treatments"]
    options: tuple[AnswerOption, ...] = ()
    follow_up_of: str | None = Field(default=None, description="Asked only if this question's answer is one of "
                                                               "`follow_up_when`.")
    follow_up_when: tuple[str, ...] = ()


class CheckInQuestions(_Doc):
    """What a check-in on `on` asks: only the questions whose answers have run out."""

    case_id: str
    reference: str
    on: dt.date
    valid_until: dt.date | None = Field(description="The last day the current decision may be used as it is.")
    version: int
    questions: tuple[DueQuestion, ...]


class DecisionChange(_Doc):
    """What the check-in changed in the decision."""

    outcome_changed: bool
    previous_outcome: Outcome
    previous_earliest_date: dt.date | None
    previous_valid_until: dt.date | None
    depth_changes: tuple[dict[str, Any], ...] = Field(description="{treatment, area, old_mm, new_mm}")
    newly_applies: tuple[str, ...] = Field(description="Rule ids that apply now and did not before.")
    no_longer_applies: tuple[str, ...]


class CheckInResult(_Doc):
    """The recorded check-in: the case's new decision and what changed from the one before."""

    case_id: str
    reference: str
    on: dt.date
    asked: tuple[str, ...]
    version: int = Field(description="The case's version after the check-in.")
    reopened: bool = Field(description="True if the new decision put a decided case back in the open queue.")
    decision: Decision
    change: DecisionChange


CHECKIN_MODELS: list[tuple[type[BaseModel], Any]] = [
    (CheckInRequest, "validation"), (CheckInQuestions, "serialization"), (CheckInResult, "serialization")]


def checkin_paths(ref: Any, problem: Any, json: Any, auth_errors: dict[str, Any]) -> dict[str, Any]:
    """The two operations, built with openapi.py's helpers (`_ref`, `_problem`, `_json`)."""
    case_id = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
    on = {"name": "on", "in": "query", "required": False, "description": "The check-in day (default: today).",
          "schema": {"type": "string", "format": "date"}}
    return {"/api/v1/cases/{case_id}/check-in": {
        "get": {
            "operationId": "checkInQuestions",
            "summary": "The questions to ask again at a check-in on a day (a case stored with this key)",
            "parameters": [case_id, on],
            "responses": {"200": json("The due questions and the current decision's valid-until date.",
                                      ref("CheckInQuestions")),
                          "400": problem("`on` is not a date."),
                          "404": problem("No case with this id for this key."),
                          "422": problem("The day is before the pre-screen, or the stored case cannot be "
                                         "checked in."),
                          "503": problem("The case could not be read."), **auth_errors}},
        "post": {
            "operationId": "checkIn",
            "summary": "Record a check-in: screen again with the new answers; the new decision",
            "parameters": [case_id],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": ref("CheckInRequest"),
                "example": {"on": "2026-03-20", "answers": {"pregnant": "no", "tan": "yes",
                                                            "tan_date": "2026-03-18"}}}}},
            "responses": {"201": json("The check-in is stored; the case's new decision.", ref("CheckInResult")),
                          "400": problem("The body is not JSON."),
                          "404": problem("No case with this id for this key."),
                          "409": problem("The case changed since `version`; nothing was stored."),
                          "413": problem("The body is too large."),
                          "422": problem("An answer to a question that is not due, an answer the intake does "
                                         "not allow, or a day before the pre-screen (every error is listed)."),
                          "503": problem("Nothing was stored; try again."), **auth_errors}},
    }}

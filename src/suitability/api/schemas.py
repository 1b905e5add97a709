"""The API's own documents (request envelope, answers, problem details): pydantic models feed the OpenAPI."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..decision import Decision
from ..intake import Intake
from ..vocabulary import Outcome


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScreeningRequest(_Doc):
    """POST /api/v1/screenings: the answers, and whether to keep them as a case for practitioner review."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    intake: Intake
    store: bool = Field(default=False, description="Store a case for practitioner review and return its id "
                                                   "and reference code. Without it nothing is kept.")
    external_reference: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Your own id for this case (an appointment or record number), stored with it and searchable "
                    "by practitioners; only kept when `store` is true.")


class CaseLink(_Doc):
    """Where a stored case can be read again."""

    id: str = Field(description="The case id (unguessable); GET /api/v1/screenings/{id}.")
    reference: str = Field(description="The short code a person can quote, e.g. MN-7K3Q-9XPA.")
    url: str


class ScreeningResult(_Doc):
    """The decision, and the stored case when `store` was true."""

    decision: Decision
    case: CaseLink | None = None


class CaseView(_Doc):
    """A stored case: its decision and where it is in practitioner review (the answers are not returned)."""

    id: str
    reference: str
    created_at: dt.datetime
    source: Literal["web", "api", "fhir"]
    outcome: Outcome
    needs_review: bool
    review_status: Literal["open", "decided", "needs_information"]
    external_reference: str | None = Field(default=None, description="The id the caller stored the case under.")
    decision: Decision


class RuleSummary(_Doc):
    id: str
    title: str
    topic: str
    outcome: Outcome | None = None
    depth_cap_mm: float | None = None
    sources: tuple[str, ...]


class RuleCatalogue(_Doc):
    """Every rule of the rule set in use, and its version (a content hash) and profile."""

    name: str
    version: str
    profile: str
    rules: tuple[RuleSummary, ...]


class Health(_Doc):
    status: Literal["ok", "stale", "degraded"] = Field(
        description="ok; stale: edited rules were refused and the last good ones still serve; degraded: 503.")
    version: str
    ruleset_version: str
    ruleset_status: Literal["current", "stale", "unavailable"]
    ruleset_error: str | None = Field(description="Why the rules on disk were refused (file, rule, field).")
    database: bool = Field(description="The database answers.")
    storage: Literal["ok", "unreachable", "read-only", "full"] = Field(
        description="Whether a submission can be written (read-only or full: an SQLite file's file system).")


class FieldError(_Doc):
    field: str = Field(description="Where the problem is, e.g. intake.pregnant or intake.treatments.0.area.")
    message: str = Field(description="What is wrong, in words; never the value that was sent.")


class Problem(_Doc):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI naming the kind of problem (about:blank for plain HTTP errors).")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="Every field error, when there are any.")


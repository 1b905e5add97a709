"""The decision: outcome, earliest date, depth limits, findings and dated instructions, all explained."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import Area, Concern, Outcome


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Frozen):
    """One rule that matched: what it means for the patient, why, and where that comes from."""

    rule_id: str
    title: str
    outcome: Outcome
    patient_text: str
    rationale: str
    sources: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    treatment: int | None = Field(default=None, description="Index of the requested treatment, if any.")
    values: dict[str, str] = Field(default_factory=dict, description="The computed values, e.g. the wait.")
    wait_until: dt.date | None = None
    wait_for: str | None = None
    less_strict: str | None = None


class DepthLimit(_Frozen):
    """The deepest needle setting allowed for one requested treatment, and the rule that set it."""

    treatment: int
    area: Area
    concern: Concern
    limit_mm: float
    set_by: str
    next_limit_mm: float | None = Field(
        default=None, description="The limit that would apply without the rule that set this one.")
    next_set_by: str | None = None
    caps: dict[str, float] = Field(default_factory=dict, description="Every cap that applied, by rule id.")


class Phase(str, Enum):
    BEFORE = "before"
    DAY_OF = "day_of"
    AFTER = "after"


class Instruction(_Frozen):
    """What to do, and when: dated when the appointment date is known."""

    id: str
    phase: Phase
    text: str
    days_before: int | None = None
    days_after: int | None = None
    starts: dt.date | None = None
    ends: dt.date | None = None
    because_of: tuple[str, ...] = Field(default=(), description="The rules that asked for it ('general' if all).")
    sources: tuple[str, ...] = ()


class AnswerChange(_Frozen):
    """One answer as the patient gave it and as changed (None: not answered)."""

    field: str = Field(description="The intake field.")
    question: str = Field(description="The question, in the form's words.")
    given: str | None = None
    changed_to: str | None = None


class Change(_Frozen):
    """A change to the intake that alters the outcome, found by screening the changed intake again."""

    answers: tuple[AnswerChange, ...] = Field(default=(), description="The answers that made the difference.")
    on_date: dt.date | None = Field(default=None, description="The appointment moved to this date.")
    clears: tuple[str, ...] = Field(default=(), description="The decisive findings (rule ids) it removes.")
    outcome: Outcome = Field(description="The outcome after the change.")
    kind: str = Field(default="single", description=(
        "single: one answer or one date; smallest_combination: no single change works and no smaller set does; "
        "all_together: every candidate at once, when no combination small enough to search works."))
    patient_text: str
    practitioner_text: str


class Decision(_Frozen):
    """Everything a screening decides. JSON round-trips exactly."""

    outcome: Outcome
    headline: str | None = Field(default=None, description=(
        "The decision's first sentence for the patient, when something must be said before anything else "
        "(an appointment before the earliest date)."))
    earliest_date: dt.date | None = None
    wait_for: tuple[str, ...] = Field(default=(), description="Conditions to wait for that have no date.")
    depth_limits: tuple[DepthLimit, ...] = ()
    findings: tuple[Finding, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    flags: tuple[str, ...] = ()
    ruleset_version: str
    profile: str = "conservative"
    screening_date: dt.date
    appointment_date: dt.date | None = None
    what_would_change: tuple[Change, ...] = Field(
        default=(), description="For an outcome other than suitable: the smallest changes that alter it.")
    valid_until: dt.date | None = Field(
        default=None, description="The last day the time-sensitive answers may be relied on (deciding/validity.py).")
    asked_again: str | None = Field(default=None, description=(
        "In plain words, which answers are asked again on the day of treatment and why (deciding/validity.py)."))

    @property
    def appointment_too_early(self) -> bool:
        """The appointment falls before the earliest date: it cannot go ahead (clinical-rules.md §1a)."""
        return bool(self.appointment_date and self.earliest_date and self.earliest_date > self.appointment_date)

    @property
    def needs_review(self) -> bool:
        """Every case that is not plainly suitable goes to a practitioner."""
        return self.outcome is not Outcome.SUITABLE

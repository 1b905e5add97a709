"""The intake: every answer of one pre-screen, validated strictly at the edge, contradictions refused."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationInfo, model_validator

from .agreement import age_on, disagreements
from .fields import IntakeFields


class Intake(IntakeFields):
    """Every answer of one pre-screen. Unknown fields are rejected; a missing answer means "not sure"."""

    @model_validator(mode="after")
    def _answers_agree(self, info: ValidationInfo) -> Intake:
        """Answers that contradict each other are refused, never silently dropped (clinical-rules.md §1a);
        each message names the fields involved and never their values. An intake stored before these checks
        (context {"stored": True}) is read as it was accepted then."""
        errors = disagreements(self, stored=bool(info.context and info.context.get("stored")))
        if errors:
            raise ValueError("; ".join(errors))
        return self

    @property
    def reference_date(self) -> dt.date:
        """Waits are counted to the appointment when there is one, else to the screening date (spec §1)."""
        return self.appointment_date or self.screening_date

    @property
    def age_years(self) -> int | None:
        """Whole years of age on the screening date: from the date of birth when given, else the age given."""
        if self.date_of_birth is not None:
            return age_on(self.date_of_birth, self.screening_date)
        return self.age

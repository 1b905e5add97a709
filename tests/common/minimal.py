"""A minimal intake for example tests: nothing to find unless the test adds it (tests of issue 7)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from suitability import Intake
from suitability.intake import field_meta
from suitability.intake.facts import FIELDS

SCREENING = dt.date(2026, 3, 1)
# Every top-level question answered "no" (follow-ups are asked only after a "yes"); fitzpatrick and age below.
SAFETY_NO = tuple(
    name for name, info in FIELDS.items()
    if info.kind == "choice" and "no" in info.values and name in Intake.model_fields
    and not field_meta(name).get("enable_when")
)


def minimal_intake(**answers: Any) -> Intake:
    """Every safety answer "no", age 35, skin type II, cheeks for rejuvenation at a clinic, screened on
    2026-03-01; plus the given answers (None removes one; dates as ISO text or dates)."""
    data: dict[str, Any] = {name: "no" for name in SAFETY_NO}
    data.update(age=35, fitzpatrick="II", setting="clinic", modality="mechanical",
                treatments=[{"area": "cheeks", "concern": "rejuvenation"}], screening_date=SCREENING.isoformat())
    data.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in answers.items()})
    return Intake.model_validate_json(json.dumps({k: v for k, v in data.items() if v is not None}))


def days_ago(days: int, before: dt.date = SCREENING) -> str:
    return (before - dt.timedelta(days=days)).isoformat()

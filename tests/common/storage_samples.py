"""Intakes and decisions for storage tests, screened by the real core."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from suitability import Decision, Intake, screen
from suitability.intake import parse_intake

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intake.json"


def sample_intake(**changes: object) -> Intake:
    """The bundled example intake, screened today, with `changes` applied."""
    data = json.loads(EXAMPLE.read_text())
    data["screening_date"] = dt.date.today().isoformat()
    data["appointment_date"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    data.update(changes)
    return parse_intake(data)


def screened(**changes: object) -> tuple[Intake, Decision]:
    intake = sample_intake(**changes)
    return intake, screen(intake)

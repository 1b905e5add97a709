"""Intakes for the re-screening tests, and a copy of the shipped rules with one wait and one depth cap changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.common.rules_support import copy_rules, reseal

from suitability.intake import Intake, parse_intake

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "intake.json"
SCREENED_ON = dt.date(2026, 11, 2)


def sample_intake(**changes: object) -> Intake:
    """The bundled example intake, screened on a fixed date (so waits do not move with the calendar)."""
    data = json.loads(EXAMPLE.read_text())
    data["screening_date"] = SCREENED_ON.isoformat()
    data["appointment_date"] = (SCREENED_ON + dt.timedelta(days=30)).isoformat()
    data.update(changes)
    return parse_intake(data)


def peel(days_ago: int) -> Intake:
    """A superficial peel `days_ago` days before screening: deferred while the (30-day) wait runs."""
    return sample_intake(chemical_peel="superficial",
                         chemical_peel_date=(SCREENED_ON - dt.timedelta(days=days_ago)).isoformat())


def changed_rules(target: Path, *, peel_days: int = 60, forehead_mm: float | None = 0.25) -> Path:
    """The shipped rules copied to `target`, the superficial-peel wait set to `peel_days` and the forehead
    depth cap to `forehead_mm` (None: unchanged)."""
    copy_rules(target, scenarios=False, source=ROOT / "rules")  # a clinical change the scenarios would refuse
    peel_file = target / "recent-treatments.yaml"
    text = peel_file.read_text()
    old = "wait: {after: chemical_peel_date, days: 30, once_passed: lapses}"
    assert text.count(old) == 1, "the peel rule's wait moved: update this helper"
    peel_file.write_text(text.replace(old, f"wait: {{after: chemical_peel_date, days: {peel_days}, once_passed: lapses}}"))
    if forehead_mm is not None:
        depth_file = target / "depth.yaml"
        text = depth_file.read_text()
        old = "when: {area: forehead}\n    depth_cap_mm: 0.5"
        assert text.count(old) == 1, "the forehead cap moved: update this helper"
        depth_file.write_text(text.replace(old, f"when: {{area: forehead}}\n    depth_cap_mm: {forehead_mm}"))
    reseal(target)
    return target

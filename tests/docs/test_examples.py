"""The files in examples/ are what the code makes of the sample intake: a FHIR QuestionnaireResponse answering
exactly what examples/intake.json answers, and the decision it gives (a summary: outcome, dates, depth limits,
rules and instructions).

When a rule change moves that decision on purpose, write the files again and review the diff:

    SUITABILITY_WRITE_EXAMPLES=1 python -m pytest tests/docs/test_examples.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from suitability import Decision, screen
from suitability.fhir import intake_from_response, response_from_intake
from suitability.intake import parse_intake

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INTAKE = EXAMPLES / "intake.json"
RESPONSE = EXAMPLES / "questionnaire-response.json"
DECISION = EXAMPLES / "questionnaire-response.decision.json"
AUTHORED = "2026-11-22T10:30:00Z"


def summary(decision: Decision) -> dict[str, Any]:
    """What a reader checks a decision by; texts and the rule-set version are left out (they change on edits
    that leave the decision as it is)."""
    data = decision.model_dump(mode="json")
    return {
        "outcome": data["outcome"],
        "earliest_date": data["earliest_date"],
        "wait_for": data["wait_for"],
        "depth_limits": [{k: d[k] for k in ("area", "concern", "limit_mm", "set_by")} for d in data["depth_limits"]],
        "rules_fired": sorted(f["rule_id"] for f in data["findings"]),
        "instructions": sorted(i["id"] for i in data.get("instructions", [])),
    }


def expected_files() -> dict[Path, str]:
    intake = parse_intake(INTAKE.read_bytes())
    response = response_from_intake(intake, authored=AUTHORED)
    decision = screen(intake_from_response(response))
    return {RESPONSE: json.dumps(response, indent=2) + "\n", DECISION: json.dumps(summary(decision), indent=2) + "\n"}


def test_the_examples_are_current() -> None:
    files = expected_files()
    if os.environ.get("SUITABILITY_WRITE_EXAMPLES"):
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    for path, text in files.items():
        assert path.is_file(), f"{path.name} is missing: write it with SUITABILITY_WRITE_EXAMPLES=1 (module docstring)"
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.name} is stale: write it again with SUITABILITY_WRITE_EXAMPLES=1 and review the diff"


def test_the_response_gives_the_same_decision_as_the_intake_it_answers() -> None:
    from_response = intake_from_response(json.loads(RESPONSE.read_text()))
    assert from_response == parse_intake(INTAKE.read_bytes())
    assert summary(screen(from_response)) == json.loads(DECISION.read_text())


@pytest.mark.parametrize("path", [INTAKE, RESPONSE, DECISION])
def test_each_example_is_json(path: Path) -> None:
    assert isinstance(json.loads(path.read_text()), dict)

"""Answers that contradict each other are refused, never silently dropped (clinical-rules.md §1a): each refusal
names the fields involved and never their values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from tests.common.minimal import minimal_intake

from suitability.intake import field_errors, parse_intake


def refusal(**answers: Any) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as caught:
        minimal_intake(**answers)
    return field_errors(caught.value)


@pytest.mark.parametrize(("answers", "follow_up", "parent"), [
    pytest.param({"retinoid": "no", "retinoid_last_use": "2026-02-28"}, "retinoid_last_use", "retinoid",
                 id="retinoid-no-with-a-date"),
    pytest.param({"melasma": "no", "melasma_areas": ["cheeks"]}, "melasma_areas", "melasma", id="melasma-no-with-areas"),
    pytest.param({"nsaid": "no", "nsaid_last_use": "2026-02-20"}, "nsaid_last_use", "nsaid", id="nsaid-no-with-a-date"),
    pytest.param({"eczema": "no", "eczema_flaring": "yes"}, "eczema_flaring", "eczema", id="eczema-no-but-flaring"),
    pytest.param({"isotretinoin": "current", "isotretinoin_last_dose": "2026-01-01"}, "isotretinoin_last_dose",
                 "isotretinoin", id="isotretinoin-current-with-a-last-dose"),
    pytest.param({"retinoid": None, "retinoid_last_use": "2026-02-28"}, "retinoid_last_use", "retinoid",
                 id="no-parent-answer-with-a-date"),
])
def test_a_follow_up_answered_while_its_question_does_not_ask_it_is_refused(
        answers: dict[str, Any], follow_up: str, parent: str) -> None:
    errors = refusal(**answers)
    (error,) = [e for e in errors if e["field"] == follow_up]
    assert parent in error["message"]  # both fields named
    for value in answers.values():
        if isinstance(value, str) and value not in ("yes", "no"):
            assert value not in json.dumps(errors)  # never the values


def test_the_same_follow_up_with_its_question_yes_is_accepted() -> None:
    assert minimal_intake(retinoid="yes", retinoid_last_use="2026-02-28").retinoid_last_use is not None
    assert minimal_intake(melasma="yes", melasma_areas=["cheeks"]).melasma_areas


@pytest.mark.parametrize("age", [34, 36, 50])
def test_an_age_that_does_not_match_the_date_of_birth_is_refused(age: int) -> None:
    errors = refusal(age=age, date_of_birth="1990-06-15")  # 35 on 2026-03-01
    (error,) = [e for e in errors if e["field"] == "age"]
    assert "date of birth" in error["message"] and str(age) not in error["message"]


def test_an_age_that_matches_the_date_of_birth_is_accepted() -> None:
    assert minimal_intake(age=35, date_of_birth="1990-06-15").age_years == 35


def test_an_event_date_after_the_screening_date_is_refused_without_echoing_dates() -> None:
    errors = refusal(tan="yes", tan_date="2026-03-02")
    (error,) = [e for e in errors if e["field"] == "tan_date"]
    assert "screening_date" in error["message"] and "2026" not in json.dumps(errors)


def test_an_appointment_before_the_screening_date_is_refused() -> None:
    errors = refusal(appointment_date="2026-02-28")
    (error,) = [e for e in errors if e["field"] == "appointment_date"]
    assert "screening_date" in error["message"] and "2026" not in json.dumps(errors)


def test_an_intake_stored_before_the_checks_is_read_back_as_accepted_then() -> None:
    data = json.loads(minimal_intake().model_dump_json())
    data.update(retinoid="no", retinoid_last_use="2026-02-28", age=34, date_of_birth="1990-06-15")
    with pytest.raises(ValidationError):
        parse_intake(data)
    assert parse_intake(data, stored=True).retinoid_last_use is not None

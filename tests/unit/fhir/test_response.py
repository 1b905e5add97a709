"""A QuestionnaireResponse gives the same Intake, and so the same decision, as the JSON it answers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.common.api_examples import SPEC_EXAMPLES, example

from suitability import screen
from suitability.fhir import (
    ResponseInvalid,
    decision_to_fhir,
    intake_from_response,
    outcome_of,
    response_from_intake,
)
from suitability.intake import parse_intake


def _item(qr: dict[str, Any], link_id: str) -> dict[str, Any]:
    for group in qr["item"]:
        for item in group["item"]:
            if item["linkId"] == link_id:
                return item  # type: ignore[no-any-return]
    raise KeyError(link_id)


@pytest.mark.parametrize(("name", "changes", "outcome", "earliest"), SPEC_EXAMPLES, ids=[e[0] for e in SPEC_EXAMPLES])
def test_spec_examples_give_the_same_decision_through_fhir(name: str, changes: dict[str, Any], outcome: str,
                                                           earliest: str | None) -> None:
    intake = parse_intake(example(changes))
    from_fhir = intake_from_response(response_from_intake(intake))
    assert from_fhir == intake
    decision = screen(from_fhir)
    assert decision == screen(intake)
    assert decision.outcome.value == outcome
    assert (decision.earliest_date.isoformat() if decision.earliest_date else None) == earliest
    assert outcome_of(decision_to_fhir(decision)).value == outcome


def test_unanswered_items_mean_not_sure_as_a_missing_json_key() -> None:
    data = example({})
    del data["pregnant"]
    qr = response_from_intake(parse_intake(data))
    assert intake_from_response(qr).pregnant is None


def test_authored_date_is_the_screening_date_when_none_is_answered() -> None:
    data = example({})
    qr = response_from_intake(parse_intake(data), authored="2026-03-02T09:30:00+01:00")
    for group in qr["item"]:
        group["item"] = [i for i in group["item"] if i["linkId"] != "screening_date"]
    assert intake_from_response(qr).screening_date.isoformat() == "2026-03-02"


def test_every_problem_is_an_issue_whose_expression_is_the_link_id() -> None:
    qr = response_from_intake(parse_intake(example({})))
    bad = copy.deepcopy(qr)
    _item(bad, "fitzpatrick")["answer"] = [{"valueCoding": {"code": "VII"}}]
    _item(bad, "pregnant")["answer"] = [{"valueDate": "2026-01-01"}]
    _item(bad, "date_of_birth")["answer"] = [{"valueDate": "1890-01-01"}]
    bad["item"][0]["item"].append({"linkId": "favourite_colour", "answer": [{"valueString": "teal secret"}]})
    with pytest.raises(ResponseInvalid) as caught:
        intake_from_response(bad)
    expressions = {i["expression"][0] for i in caught.value.outcome["issue"]}
    # an unknown linkId is where it is, never its name (whatever the sender typed)
    last = len(bad["item"][0]["item"]) - 1
    assert {"fitzpatrick", "pregnant", f"QuestionnaireResponse.item[0].item[{last}].linkId"} <= expressions
    assert "teal secret" not in str(caught.value.outcome) and "favourite_colour" not in str(caught.value.outcome)


def test_intake_rules_are_reported_against_the_link_id() -> None:
    data = example({"appointment_date": None})
    qr = response_from_intake(parse_intake(data))
    _item(qr, "isotretinoin")["answer"] = [{"valueCoding": {"code": "past"}}]
    medicines = next(g for g in qr["item"] if g["linkId"] == "medicines")
    medicines["item"].append({"linkId": "isotretinoin_last_dose", "answer": [{"valueDate": "2027-01-01"}]})
    with pytest.raises(ResponseInvalid) as caught:
        intake_from_response(qr)
    issues = caught.value.outcome["issue"]
    assert [i["expression"] for i in issues] == [["isotretinoin_last_dose"]]
    assert "2027-01-01" not in str(issues)


def test_a_treatment_with_an_unknown_area_names_the_repetition() -> None:
    qr = response_from_intake(parse_intake(example({})))
    treatments = _item(qr, "treatments")
    treatments["item"][0]["answer"] = [{"valueCoding": {"code": "toes"}}]
    with pytest.raises(ResponseInvalid) as caught:
        intake_from_response(qr)
    assert caught.value.errors == [{"field": "treatments.area", "message": caught.value.errors[0]["message"]}]
    assert caught.value.errors[0]["message"].startswith("treatments 1: ")


def test_a_response_to_another_questionnaire_is_refused() -> None:
    qr = response_from_intake(parse_intake(example({})))
    qr["questionnaire"] = "http://example.org/Questionnaire/other"
    with pytest.raises(ResponseInvalid) as caught:
        intake_from_response(qr)
    assert caught.value.errors[0]["field"] == "QuestionnaireResponse.questionnaire"


@pytest.mark.parametrize("posted", [[], "text", {"resourceType": "Patient"}, {"resourceType": "QuestionnaireResponse"}])
def test_what_is_not_a_questionnaire_response_is_refused_as_an_operation_outcome(posted: Any) -> None:
    with pytest.raises(ResponseInvalid) as caught:
        intake_from_response(posted)
    assert caught.value.outcome["resourceType"] == "OperationOutcome"
    assert caught.value.outcome["issue"]

"""A Decision as FHIR: a valid Bundle whose GuidanceResponse and RiskAssessment carry everything decided."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from tests.common.api_examples import example

from suitability import Decision, screen
from suitability.fhir import decision_to_fhir, outcome_of
from suitability.intake import parse_intake


def parts(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    guidance, risk = (e["resource"] for e in bundle["entry"])
    contained = {c["resourceType"]: c for c in guidance["contained"]}
    return guidance, risk, contained["Parameters"], contained.get("RequestGroup")


def decision(**changes: Any) -> Decision:
    return screen(parse_intake(example(changes)))


def test_the_bundle_validates_and_holds_a_guidance_response_and_a_risk_assessment() -> None:
    bundle = decision_to_fhir(decision(retinoid="yes", cold_sore_history="yes"))
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["GuidanceResponse", "RiskAssessment"]


def test_findings_are_predictions_with_rule_text_rationale_and_sources() -> None:
    made = decision(retinoid="yes")
    _, risk, _, _ = parts(decision_to_fhir(made))
    [finding] = made.findings
    [prediction] = risk["prediction"]
    assert prediction["outcome"]["coding"][0]["code"] == finding.rule_id == "retinoid"
    assert prediction["outcome"]["text"] == finding.patient_text
    assert prediction["rationale"] == finding.rationale
    sources = [e["valueString"] for e in prediction["extension"] if e["url"].endswith("/source")]
    assert sources == list(finding.sources)
    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "suitable_with_precautions"


def test_outcome_earliest_date_and_depth_limits_are_output_parameters() -> None:
    made = decision(isotretinoin="past", isotretinoin_last_dose="2026-01-10")
    guidance, _, params, _ = parts(decision_to_fhir(made))
    by_name: dict[str, list[dict[str, Any]]] = {}
    for p in params["parameter"]:
        by_name.setdefault(p["name"], []).append(p)
    assert by_name["outcome"][0]["valueCoding"]["code"] == "defer"
    assert by_name["earliestDate"][0]["valueDate"] == "2026-07-10"
    [limit] = by_name["depthLimit"]
    parts_ = {p["name"]: p for p in limit["part"]}
    assert parts_["limitMm"]["valueDecimal"] == made.depth_limits[0].limit_mm
    assert parts_["setBy"]["valueCoding"]["code"] == made.depth_limits[0].set_by
    assert guidance["moduleCanonical"].endswith("|" + made.ruleset_version)
    assert outcome_of(decision_to_fhir(made)).value == "defer"


def test_instructions_are_dated_actions() -> None:
    made = decision(retinoid="yes")
    _, risk, _, group = parts(decision_to_fhir(made))
    assert group is not None
    codes = [a["code"][0]["coding"][0]["code"] for a in group["action"]]
    assert codes == [i.id for i in made.instructions]
    dated = next(a for a in group["action"] if a["code"][0]["coding"][0]["code"] == "P3")
    assert dated["timingPeriod"]["start"] == next(i for i in made.instructions if i.id == "P3").starts.isoformat()
    assert risk["mitigation"].splitlines()[0] == made.instructions[0].text


def test_the_same_decision_gives_the_same_bundle() -> None:
    made = decision()
    assert decision_to_fhir(made) == decision_to_fhir(made)


def test_subject_basis_and_case_identifiers_are_carried() -> None:
    bundle = decision_to_fhir(decision(), subject={"reference": "Patient/7"},
                              basis={"reference": "QuestionnaireResponse/3"},
                              identifiers=[{"system": "urn:x", "value": "MN-AAAA-AAAA"}])
    guidance, risk, _, _ = parts(bundle)
    assert guidance["subject"] == risk["subject"] == {"reference": "Patient/7"}
    assert risk["basis"] == [{"reference": "QuestionnaireResponse/3"}]
    assert guidance["identifier"][0]["value"] == "MN-AAAA-AAAA"

"""A Decision as FHIR: a Bundle holding a GuidanceResponse (the decision) and a RiskAssessment (the findings).

- GuidanceResponse: `moduleCanonical` names the rule set (PlanDefinition/microneedling-prescreen|<rule-set
  version>); it contains `#output`, a Parameters resource (outcome, needsReview, earliestDate, waitFor, one
  depthLimit per requested treatment, flags, rule-set version and profile, dates), and `#instructions`, a
  RequestGroup with one action per instruction (code = instruction id, title = phase, description = text,
  timingPeriod = its dates, documentation = its sources).
- RiskAssessment: one prediction per finding: `outcome` = the rule (code = rule id, display = title, text =
  what it means for the patient), `qualitativeRisk` = the finding's outcome, `rationale` = the clinical
  rationale, extensions for sources, the wait-until date and the treatment index; `mitigation` = the
  instructions as text. Its extension `outcome` repeats the decision's outcome.
Entry fullUrls are name-based UUIDs of the decision, so the same decision always gives the same Bundle.
"""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from ..decision import Decision, DepthLimit, Finding, Instruction
from ..vocabulary import Outcome
from .codes import BASE, EXTENSION, PLAN_URL, checked, coding

RULE_SYSTEM = f"{BASE}/CodeSystem/rule"
INSTRUCTION_SYSTEM = f"{BASE}/CodeSystem/instruction"
PHASE_TITLE = {"before": "Before your appointment", "day_of": "On the day", "after": "After your appointment"}
NO_SUBJECT = {"display": "The person who answered the pre-screen"}


def _param(name: str, **value: Any) -> dict[str, Any]:
    return {"name": name, **value}


def _depth(limit: DepthLimit) -> dict[str, Any]:
    return _param("depthLimit", part=[
        _param("treatment", valueInteger=limit.treatment), _param("area", valueCoding=coding(limit.area)),
        _param("concern", valueCoding=coding(limit.concern)), _param("limitMm", valueDecimal=limit.limit_mm),
        _param("setBy", valueCoding={"system": RULE_SYSTEM, "code": limit.set_by})])


def _parameters(decision: Decision) -> dict[str, Any]:
    params = [_param("outcome", valueCoding=coding(decision.outcome)),
              _param("needsReview", valueBoolean=decision.needs_review)]
    if decision.headline:  # said first: the appointment cannot go ahead
        params.insert(0, _param("headline", valueString=decision.headline))
        params.append(_param("appointmentTooEarly", valueBoolean=True))
    if decision.earliest_date:
        params.append(_param("earliestDate", valueDate=decision.earliest_date.isoformat()))
    params += [_param("waitFor", valueString=w) for w in decision.wait_for]
    params += [_depth(limit) for limit in decision.depth_limits]
    params += [_param("flag", valueString=f) for f in decision.flags]
    params += [_param("rulesetVersion", valueString=decision.ruleset_version),
               _param("profile", valueString=decision.profile),
               _param("screeningDate", valueDate=decision.screening_date.isoformat())]
    if decision.appointment_date:
        params.append(_param("appointmentDate", valueDate=decision.appointment_date.isoformat()))
    if decision.asked_again:
        params.append(_param("askedAgain", valueString=decision.asked_again))
    return {"resourceType": "Parameters", "id": "output", "parameter": params}


def _action(instruction: Instruction) -> dict[str, Any]:
    action: dict[str, Any] = {
        "code": [{"coding": [{"system": INSTRUCTION_SYSTEM, "code": instruction.id}]}],
        "title": PHASE_TITLE[instruction.phase.value], "description": instruction.text}
    period = {k: d.isoformat() for k, d in (("start", instruction.starts), ("end", instruction.ends)) if d}
    if period:
        action["timingPeriod"] = period
    if instruction.sources:
        action["documentation"] = [{"type": "citation", "display": s} for s in instruction.sources]
    return action


def _prediction(finding: Finding) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [{"url": f"{EXTENSION}/source", "valueString": s} for s in finding.sources]
    if finding.wait_until:
        extensions.append({"url": f"{EXTENSION}/wait-until", "valueDate": finding.wait_until.isoformat()})
    if finding.wait_for:
        extensions.append({"url": f"{EXTENSION}/wait-for", "valueString": finding.wait_for})
    if finding.treatment is not None:
        extensions.append({"url": f"{EXTENSION}/treatment", "valueInteger": finding.treatment})
    return {
        "extension": extensions,
        "outcome": {"coding": [{"system": RULE_SYSTEM, "code": finding.rule_id, "display": finding.title}],
                    "text": finding.patient_text or finding.title},
        "qualitativeRisk": {"coding": [coding(finding.outcome)]},
        "rationale": finding.rationale,
    }


def _guidance(decision: Decision, subject: dict[str, Any] | None,
              identifiers: list[dict[str, str]] | None) -> dict[str, Any]:
    contained = [_parameters(decision)]
    resource: dict[str, Any] = {
        "resourceType": "GuidanceResponse", "status": "success",
        "moduleCanonical": f"{PLAN_URL}|{decision.ruleset_version}",
        "occurrenceDateTime": decision.screening_date.isoformat(), "outputParameters": {"reference": "#output"}}
    if decision.instructions:
        contained.append({"resourceType": "RequestGroup", "id": "instructions", "status": "active",
                          "intent": "proposal", "action": [_action(i) for i in decision.instructions]})
        resource["result"] = {"reference": "#instructions"}
    if decision.headline:  # the first thing a reader of the guidance sees
        resource["note"] = [{"text": decision.headline}]
    if subject:
        resource["subject"] = subject
    if identifiers:
        resource["identifier"] = identifiers
    return {"contained": contained, **resource}


def _risk(decision: Decision, subject: dict[str, Any] | None, basis: dict[str, Any] | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment", "status": "final", "subject": subject or NO_SUBJECT,
        "extension": [{"url": f"{EXTENSION}/outcome", "valueCoding": coding(decision.outcome)}],
        "occurrenceDateTime": decision.screening_date.isoformat(),
        "code": {"text": "Microneedling suitability pre-screen"},
        "method": {"text": f"suitability rules {decision.ruleset_version} ({decision.profile} profile)"},
        "prediction": [_prediction(f) for f in decision.findings]}
    if basis:
        resource["basis"] = [basis]
    if decision.instructions:
        resource["mitigation"] = "\n".join(i.text for i in decision.instructions)
    if not resource["prediction"]:
        del resource["prediction"]
    return resource


def decision_to_fhir(decision: Decision, *, subject: dict[str, Any] | None = None,
                     basis: dict[str, Any] | None = None,
                     identifiers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The decision as a FHIR R4 Bundle (collection): GuidanceResponse + RiskAssessment, validated.

    `subject` and `basis` (the QuestionnaireResponse) are References; `identifiers` name the stored case.
    """
    seed = decision.model_dump_json()
    urls = [f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{BASE}/{role}/{seed}')}" for role in ("gr", "ra")]
    resources = [_guidance(decision, subject, identifiers), _risk(decision, subject, basis)]
    return checked(Bundle, {
        "resourceType": "Bundle", "type": "collection",
        "entry": [{"fullUrl": url, "resource": r} for url, r in zip(urls, resources)]})


def outcome_of(bundle: dict[str, Any]) -> Outcome:
    """The decision's outcome read back from a Bundle made by `decision_to_fhir` (for integrators and tests)."""
    guidance = bundle["entry"][0]["resource"]
    params = next(c for c in guidance["contained"] if c["resourceType"] == "Parameters")
    return Outcome(next(p["valueCoding"]["code"] for p in params["parameter"] if p["name"] == "outcome"))

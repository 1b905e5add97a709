"""FHIR R4 in and out: the intake as a Questionnaire, a QuestionnaireResponse as an Intake, a Decision as FHIR.

Pure mappings (no I/O, no Flask); every resource is validated with fhir.resources (its R4B models, which match
R4 for every resource used here) before it is returned.
"""

from .assessment import decision_to_fhir, outcome_of
from .codes import FHIR_JSON, QUESTIONNAIRE_ID, QUESTIONNAIRE_URL
from .outcome import ResponseInvalid, operation_outcome
from .questionnaire import questionnaire, questionnaire_version
from .response import intake_from_response, response_from_intake

__all__ = [
    "FHIR_JSON", "QUESTIONNAIRE_ID", "QUESTIONNAIRE_URL", "ResponseInvalid", "decision_to_fhir",
    "intake_from_response", "operation_outcome", "outcome_of", "questionnaire", "questionnaire_version",
    "response_from_intake",
]

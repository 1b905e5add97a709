"""The intake, the start of the pipeline: the patient's answers, validated, and as the facts the rules match."""

from .agreement import age_on, disagreements, is_asked, unasked_follow_ups
from .fields import IntakeFields, TreatmentRequest, field_meta
from .model import Intake
from .parsing import field_errors, parse_intake
from .questions import MAX_TREATMENTS, OLDEST_DATE, TOPICS, question

__all__ = [
    "MAX_TREATMENTS", "OLDEST_DATE", "TOPICS", "Intake", "IntakeFields", "TreatmentRequest", "age_on",
    "disagreements", "field_errors", "field_meta", "is_asked", "parse_intake", "question", "unasked_follow_ups",
]

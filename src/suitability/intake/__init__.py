"""The intake: the patient's answers, validated, and the same answers as the facts the rules match."""

from .model import (
    MAX_TREATMENTS,
    OLDEST_DATE,
    TOPICS,
    Intake,
    TreatmentRequest,
    age_on,
    field_errors,
    field_meta,
    parse_intake,
    question,
    unasked_follow_ups,
)

__all__ = [
    "MAX_TREATMENTS", "OLDEST_DATE", "TOPICS", "Intake", "TreatmentRequest", "age_on", "field_errors", "field_meta",
    "parse_intake", "question", "unasked_follow_ups",
]

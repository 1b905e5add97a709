"""Signed outcome webhooks through a transactional outbox: `emit_event` queues, a sender thread delivers.

Events: screening.flagged (review, not_suitable), screening.deferred (defer; `earliest_date` or `wait_for`, and
`headline` with `appointment_too_early` when the appointment is before the earliest date),
screening.cleared (suitable, suitable_with_precautions; `needs_review` says whether a practitioner still
looks), review.decided (emitted by practitioner review), case.checked_in and case.rescreened (a check-in or an
accepted re-screen replaced the case's decision: new and previous outcome and rule-set version, no answers).
Body: {"id", "type", "created", "data"}, signed in the Standard Webhooks scheme (signing.py).
"""

from .admin import list_deliveries, retry_delivery
from .outbox import EVENT_TYPES, configured_targets, emit_event, screening_payload
from .sender import Sender, SenderConfig
from .signing import SecretError, new_secret, sign, verify

__all__ = [
    "EVENT_TYPES", "SecretError", "Sender", "SenderConfig", "configured_targets", "emit_event", "list_deliveries",
    "new_secret", "retry_delivery", "screening_payload", "sign", "verify",
]

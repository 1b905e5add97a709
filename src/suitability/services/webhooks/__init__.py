"""Delivering the signed outcome webhooks the services queue in their transactions (`services.events`).

Events: screening.flagged (review, not_suitable), screening.deferred (defer; `earliest_date` or `wait_for`, and
`headline` with `appointment_too_early` when the appointment is before the earliest date),
screening.cleared (suitable, suitable_with_precautions; `needs_review` says whether a practitioner still
looks), review.decided (emitted by practitioner review), case.checked_in and case.rescreened (a check-in or an
accepted re-screen replaced the case's decision: new and previous outcome and rule-set version, no answers).
Body: {"id", "type", "created", "data"}, signed in the Standard Webhooks scheme (signing.py). The sender
(sender.py) claims due rows and posts them with back-off; deliveries.py lists them and queues one again;
config.py turns the WEBHOOK_* settings into the sender's configuration.
"""

from .config import configure_sender
from .deliveries import list_deliveries, retry_delivery
from .sender import Sender, SenderConfig, backoff
from .signing import SecretError, new_secret, secret_key, sign, verify

__all__ = [
    "SecretError", "Sender", "SenderConfig", "backoff", "configure_sender", "list_deliveries", "new_secret",
    "retry_delivery", "secret_key", "sign", "verify",
]

"""The app's side of the outcome webhooks: the outbox it registered, and its sender thread started on first use.

What the events are, how they are signed and delivered: `services.webhooks` (the sender) and `services.events`
(the outbox services emit into).
"""

from .outbox import app_outbox, configured_targets
from .runtime import ensure_sender, sender_config, stop_sender

__all__ = ["app_outbox", "configured_targets", "ensure_sender", "sender_config", "stop_sender"]

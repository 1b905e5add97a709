"""The app's side of the outcome webhooks: the outbox it registered, and its sender thread started on first use.

What the events are and when services emit them: `services.events`; how they are signed and delivered:
`services.webhooks`.
"""

from .runtime import app_outbox, ensure_sender, sender_config, stop_sender

__all__ = ["app_outbox", "ensure_sender", "sender_config", "stop_sender"]

"""The sender's configuration from the WEBHOOK_* settings, or None when it must not send (and the log says why)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ..events import targets_of
from .sender import SenderConfig
from .signing import SecretError, secret_key

log = logging.getLogger(__name__)


def configure_sender(config: Mapping[str, Any]) -> SenderConfig | None:
    """The sender's settings from `config` (an app's config, or the settings' `app_config()`), or None when
    there is nothing to send or no valid secret to sign with."""
    secret = config.get("WEBHOOK_SECRET")
    if not secret:
        if targets_of(config):
            log.error("WEBHOOK_URLS is set but WEBHOOK_SECRET is not: events are kept, not sent")
        return None
    try:
        secret_key(str(secret))
    except SecretError as exc:
        # Fail closed but lose nothing: the events stay in the outbox until a valid secret is set.
        log.error("WEBHOOK_SECRET is not a Standard Webhooks secret (%s): events are kept, not sent; "
                  "make one with `suitability webhooks new-secret`", exc)
        return None
    return SenderConfig(
        secret=str(secret), poll_seconds=float(config["WEBHOOK_POLL_SECONDS"]),
        timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        retry_base_seconds=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
        retry_max_seconds=float(config["WEBHOOK_RETRY_MAX_SECONDS"]), max_attempts=int(config["WEBHOOK_MAX_ATTEMPTS"]))

"""The sender's configuration from the WEBHOOK_* settings: none without a valid secret (the log says why, never
quoting the secret), else every setting as the sender uses it."""

from __future__ import annotations

import logging

import pytest

from suitability.services.webhooks import SenderConfig, configure_sender, new_secret
from suitability.settings import load_settings

URL = "https://booking.example/hooks"


def settings(**variables: str) -> dict[str, object]:
    """The app's config as the settings give it for these SUITABILITY_ variables."""
    return load_settings({f"SUITABILITY_{name}": value for name, value in variables.items()}).app_config()


def test_without_a_secret_nothing_is_sent_and_the_log_says_so_when_urls_are_set(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        assert configure_sender(settings()) is None
        assert caplog.text == ""
        assert configure_sender(settings(WEBHOOK_URLS=URL)) is None
    assert "WEBHOOK_SECRET is not" in caplog.text


@pytest.mark.parametrize("secret", ["whsec-0123456789abcdef", "whsec_not base64!", "whsec_c2hvcnQ="])
def test_a_secret_of_another_shape_sends_nothing_and_is_never_logged(secret: str,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        assert configure_sender(settings(WEBHOOK_URLS=URL, WEBHOOK_SECRET=secret)) is None
    assert "suitability webhooks new-secret" in caplog.text and secret not in caplog.text


def test_a_valid_secret_gives_the_sender_every_setting() -> None:
    secret = new_secret()
    config = configure_sender(settings(WEBHOOK_URLS=URL, WEBHOOK_SECRET=secret, WEBHOOK_POLL_SECONDS="0.5",
                                       WEBHOOK_TIMEOUT_SECONDS="2", WEBHOOK_RETRY_BASE_SECONDS="3",
                                       WEBHOOK_RETRY_MAX_SECONDS="40", WEBHOOK_MAX_ATTEMPTS="7"))
    assert config == SenderConfig(secret=secret, poll_seconds=0.5, timeout_seconds=2.0, retry_base_seconds=3.0,
                                  retry_max_seconds=40.0, max_attempts=7)


def test_the_defaults_are_the_declared_ones() -> None:
    config = configure_sender({**settings(), "WEBHOOK_SECRET": new_secret()})
    assert config is not None
    assert (config.poll_seconds, config.timeout_seconds, config.retry_base_seconds, config.retry_max_seconds,
            config.max_attempts) == (5.0, 5.0, 10.0, 3600.0, 20)

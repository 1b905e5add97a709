"""Webhooks: signed, written with the case in one transaction, delivered after commit by a sender that retries
with back-off, claims rows safely across servers, and loses nothing while a receiver is down."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.common.api_examples import example
from tests.common.api_receiver import WEBHOOK_SECRET, Receiver
from tests.common.api_support import BOTH_BACKENDS, get_db_of, make_app, new_key

from suitability.api.webhooks import app_outbox, ensure_sender, sender_config
from suitability.services.events import emit_event
from suitability.services.webhooks import (
    SecretError,
    Sender,
    SenderConfig,
    backoff,
    list_deliveries,
    new_secret,
    retry_delivery,
    secret_key,
    sign,
    verify,
)
from suitability.storage.integration_models import DeliveryStatus, WebhookDelivery

SECRET = WEBHOOK_SECRET  # the receiver fixture's (conftest.py)
FAST = SenderConfig(secret=SECRET, poll_seconds=0.05, retry_base_seconds=0.01, retry_max_seconds=0.05,
                    max_attempts=50, timeout_seconds=2.0)


def store(app: Flask, token: str, changes: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    response = app.test_client().post("/api/v1/screenings", json={"intake": example(changes), "store": True},
                                      headers=headers)
    assert response.status_code == 201
    return response.get_json()


def rows(app: Flask) -> list[WebhookDelivery]:
    with get_db_of(app).session() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def sender(app: Flask, config: SenderConfig = FAST, **kwargs: Any) -> Sender:
    return Sender(get_db_of(app).session, config, **kwargs)


def drain(app: Flask, sending: Sender, until: float = 10.0) -> None:
    deadline = time.monotonic() + until
    while any(r.status is DeliveryStatus.PENDING for r in rows(app)):
        assert time.monotonic() < deadline, "deliveries still pending"
        sending.run_once()
        time.sleep(0.02)


def test_a_signature_verifies_only_for_its_body_id_secret_and_time() -> None:
    body = b'{"id":"1"}'
    headers = sign(SECRET, "evt_1", body, timestamp=1_700_000_000)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert verify(SECRET, body, headers, now=1_700_000_100)
    assert verify(SECRET, body, {k.title(): v for k, v in headers.items()}, now=1_700_000_100)
    assert not verify(SECRET, body + b" ", headers, now=1_700_000_100)
    assert not verify(SECRET, body, {**headers, "webhook-id": "evt_2"}, now=1_700_000_100)
    assert not verify(new_secret(), body, headers, now=1_700_000_100)
    assert not verify(SECRET, body, headers, now=1_700_000_000 + 301)  # a replay, too late
    assert not verify(SECRET, body, {**headers, "webhook-signature": "v1,abc"}, now=1_700_000_000)


def test_our_signature_is_the_one_the_standard_webhooks_package_computes() -> None:
    body = b'{"id":"evt_1","type":"screening.cleared"}'
    headers = sign(SECRET, "evt_1", body, timestamp=1_700_000_000)
    theirs = Webhook(SECRET).sign("evt_1", dt.datetime.fromtimestamp(1_700_000_000, dt.UTC), body)
    assert headers["webhook-signature"] == theirs
    fresh = sign(SECRET, "evt_1", body)
    assert Webhook(SECRET).verify(body, fresh) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body + b" ", fresh)


@pytest.mark.parametrize("secret", ["old-style-shared-secret", "whsec_not base64!", "whsec_" + "QUJD",
                                    ""])
def test_a_secret_that_is_not_whsec_base64_is_refused_and_never_quoted(secret: str) -> None:
    with pytest.raises(SecretError) as refused:
        secret_key(secret)
    assert not secret or secret not in str(refused.value)


def test_an_old_style_secret_keeps_events_queued_and_says_how_to_fix_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, receiver: Receiver) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'old.db'}", WEBHOOK_URLS=[receiver.url],
                   WEBHOOK_SECRET="whsec-test-0123456789", WEBHOOK_SENDER=True)
    assert sender_config(app) is None and ensure_sender(app) is None
    assert "suitability webhooks new-secret" in caplog.text and "whsec-test-0123456789" not in caplog.text
    store(app, new_key(app), {"pregnant": "yes"})
    [row] = rows(app)
    assert row.status is DeliveryStatus.PENDING and row.attempts == 0 and receiver.attempts == 0
    get_db_of(app).dispose()


def test_back_off_doubles_and_is_capped() -> None:
    config = SenderConfig(secret="s", retry_base_seconds=10, retry_max_seconds=100)
    assert 10 <= backoff(1, config) <= 11 and 20 <= backoff(2, config) <= 22
    assert 100 <= backoff(9, config) <= 110


@BOTH_BACKENDS
def test_each_outcome_queues_its_event_in_the_case_transaction(hooked: Flask, receiver: Receiver) -> None:
    token = new_key(hooked)
    deferred = store(hooked, token, {"isotretinoin": "past", "isotretinoin_last_dose": "2026-01-10"})
    store(hooked, token, {"pregnant": "yes"})
    store(hooked, token, {})
    queued = rows(hooked)
    assert [r.event_type for r in queued] == ["screening.deferred", "screening.flagged", "screening.cleared"]
    assert all(r.status is DeliveryStatus.PENDING and r.url == receiver.url for r in queued)
    drain(hooked, sender(hooked))
    first = receiver.events[0]
    assert first["type"] == "screening.deferred"
    assert first["data"]["case_id"] == deferred["case"]["id"] and first["data"]["earliest_date"] == "2026-07-10"
    assert "isotretinoin_last_dose" not in str(first)  # the answers never leave in a webhook
    assert receiver.bad_signatures == 0 and len(receiver.events) == 3  # each verified by `standardwebhooks`
    assert [h["webhook-id"] for h in receiver.headers] == [e["id"] for e in receiver.events]


def test_a_retried_request_queues_no_second_event(hooked: Flask) -> None:
    token = new_key(hooked)
    store(hooked, token, {}, key="same")
    store(hooked, token, {}, key="same")
    assert len(rows(hooked)) == 1


def test_a_failing_receiver_gets_retries_until_it_accepts(hooked: Flask, receiver: Receiver) -> None:
    store(hooked, new_key(hooked), {"fitzpatrick": "V"})
    receiver.fail_next = 3
    drain(hooked, sender(hooked))
    [row] = rows(hooked)
    assert row.status is DeliveryStatus.DELIVERED and row.attempts == 4 and row.last_status == 204
    assert receiver.attempts == 4 and len(receiver.events) == 1


def test_retries_wait_for_their_back_off(hooked: Flask, receiver: Receiver) -> None:
    store(hooked, new_key(hooked), {})
    receiver.fail_next = 1
    slow = SenderConfig(secret=SECRET, retry_base_seconds=60)
    sending = sender(hooked, slow)
    assert sending.run_once() == 1
    assert sending.run_once() == 0  # not due again for a minute
    [row] = rows(hooked)
    assert row.status is DeliveryStatus.PENDING and row.attempts == 1 and row.last_error == "HTTP 500"


@BOTH_BACKENDS
def test_no_event_is_lost_while_the_receiver_is_down(hooked: Flask, receiver: Receiver) -> None:
    receiver.stop()  # down: connections are refused
    token = new_key(hooked)
    stored = [store(hooked, token, {"fitzpatrick": f}) for f in ("I", "II", "V", "VI")]
    sending = sender(hooked)
    for _ in range(5):
        sending.run_once()
        time.sleep(0.02)
    assert all(r.status is DeliveryStatus.PENDING and r.attempts >= 1 and r.last_error for r in rows(hooked))
    receiver.start()  # back, on the same address
    drain(hooked, sending)
    assert sorted(e["data"]["case_id"] for e in receiver.events) == sorted(s["case"]["id"] for s in stored)
    assert all(r.status is DeliveryStatus.DELIVERED for r in rows(hooked))


@BOTH_BACKENDS
def test_two_servers_never_send_the_same_row_twice(hooked: Flask, receiver: Receiver) -> None:
    with get_db_of(hooked).session() as session:
        for n in range(30):
            emit_event(session, "review.decided", {"case_id": str(n)}, targets=(receiver.url,))
        session.commit()
    senders = [sender(hooked), sender(hooked)]
    threads = [threading.Thread(target=s.run_once) for s in senders for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain(hooked, senders[0])
    ids = receiver.event_ids()
    assert len(ids) == len(set(ids)) == 30


def test_a_delivery_that_never_succeeds_is_marked_failed_and_can_be_retried(hooked: Flask,
                                                                            receiver: Receiver) -> None:
    store(hooked, new_key(hooked), {})
    receiver.fail_next = 2
    drain(hooked, sender(hooked, SenderConfig(secret=SECRET, retry_base_seconds=0.001, max_attempts=2)))
    [row] = rows(hooked)
    assert row.status is DeliveryStatus.FAILED and row.attempts == 2
    with get_db_of(hooked).session() as session:
        assert [r.id for r in list_deliveries(session, status=DeliveryStatus.FAILED)] == [row.id]
        retry_delivery(session, row.id)
    drain(hooked, sender(hooked))
    assert rows(hooked)[0].status is DeliveryStatus.DELIVERED and len(receiver.events) == 1


def test_review_decided_is_emitted_by_whoever_reviews(hooked: Flask, receiver: Receiver) -> None:
    with hooked.app_context(), get_db_of(hooked).session() as session:
        assert app_outbox(hooked).emit(session, "review.decided", {"case_id": "abc", "decision": "approved"}) == 1
        session.commit()
        with pytest.raises(ValueError):
            app_outbox(hooked).emit(session, "review.maybe", {})
    drain(hooked, sender(hooked))
    assert receiver.events[0]["type"] == "review.decided" and receiver.events[0]["data"]["case_id"] == "abc"


def test_the_background_sender_delivers_after_commit_without_blocking_the_request(
        hooked: Flask, receiver: Receiver) -> None:
    hooked.config["WEBHOOK_SENDER"] = True
    hooked.config["WEBHOOK_POLL_SECONDS"] = 30.0  # so only the after-commit wake-up can explain a quick delivery
    token = new_key(hooked)
    hooked.test_client().get("/api/v1/health")  # the first request starts the sender
    running = ensure_sender(hooked)
    assert running is not None
    original = running.post
    release = threading.Event()

    def held_post(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=30)  # a request that waited for the delivery would return only after this
        return original(*args, **kwargs)

    running.post = held_post
    stored = store(hooked, token, {})
    assert not receiver.events  # the request returned while its delivery was still held back
    release.set()
    deadline = time.monotonic() + 10
    while not receiver.events:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert receiver.events[0]["data"]["case_id"] == stored["case"]["id"]


def test_without_a_secret_events_are_kept_not_sent(tmp_path: Path, db_url: str, receiver: Receiver) -> None:
    app = make_app(tmp_path, db_url, WEBHOOK_URLS=receiver.url, WEBHOOK_SENDER=True)
    try:
        store(app, new_key(app), {})
        assert ensure_sender(app) is None
        assert [r.status for r in rows(app)] == [DeliveryStatus.PENDING]
    finally:
        get_db_of(app).dispose()

"""The patient's unsent answers are sealed in the session cookie (authenticated encryption, a key derived from
SECRET_KEY): nothing in the cookie reads as an answer, a changed byte is refused, and the key rotates with the
secret key (fallback keys still open older cookies)."""

from __future__ import annotations

import base64
import zlib

from flask import Flask
from flask.testing import FlaskClient

from suitability.web.patient.questions import PAGES

COOKIE = "suitability_session"
ANSWERS = {"about-you-group": ["breastfeeding", "not_sure"], "fitzpatrick": "II"}


def answered(client: FlaskClient) -> str:
    """Consent, the page with the pregnancy questions answered; the session cookie's value."""
    assert client.post("/start", data={"consent": "yes"}).status_code == 302
    assert client.post("/questions/about-you", data=ANSWERS).status_code == 302
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def readable(cookie: str) -> str:
    """Everything anyone holding the cookie can read from it without the server's key."""
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):  # itsdangerous marks a compressed payload with a leading dot
        raw = zlib.decompress(raw)
    return raw.decode("latin-1")


def test_the_answers_in_the_cookie_are_not_readable(client: FlaskClient) -> None:
    text = readable(answered(client))
    for word in ("pregnant", "not_sure", "breastfeeding", "answers", "consent"):
        assert word not in text


def test_the_cookie_still_carries_the_answers_to_the_server(client: FlaskClient) -> None:
    answered(client)
    page = client.get("/questions/about-you").get_data(as_text=True)
    assert 'value="breastfeeding" checked' in page and 'value="not_sure" checked' in page


def test_a_cookie_taken_to_another_browser_shows_nothing_readable(app: Flask, client: FlaskClient) -> None:
    cookie = answered(client)
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    assert "not_sure" not in readable(other.get_cookie(COOKIE).value)  # type: ignore[union-attr]


def test_each_cookie_is_sealed_afresh(app: Flask) -> None:
    first, second = answered(app.test_client()), answered(app.test_client())
    assert readable(first) != readable(second)  # a fresh nonce: equal answers give unequal cookies


def test_a_changed_seal_is_refused(app: Flask, client: FlaskClient) -> None:
    cookie = answered(client)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    sealed = serializer.loads(cookie)
    assert sealed["answers"]["breastfeeding"] == "yes" and "pregnant" not in sealed["answers"]
    inner = serializer.serializer
    forged = bytearray(inner.dumps({"consent": True, "answers": {"pregnant": "no"}}))
    forged[-1] ^= 1
    tampered = serializer.make_signer().sign(base64.urlsafe_b64encode(bytes(forged)).rstrip(b"=")).decode()
    other = app.test_client()
    other.set_cookie(COOKIE, tampered)
    assert other.get(f"/questions/{PAGES[1].slug}").status_code == 302  # no session: back to the start


def test_a_cookie_signed_but_not_sealed_is_an_empty_session_not_an_error(app: Flask) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from suitability.web.sessions import PlainFirstSerializer

    plain = URLSafeTimedSerializer(app.secret_key, salt="cookie-session", serializer=PlainFirstSerializer(),
                                   signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"})
    client = app.test_client()
    client.set_cookie(COOKIE, plain.dumps({"consent": True, "answers": ANSWERS}))
    assert client.get(f"/questions/{PAGES[1].slug}").status_code == 302


def test_the_seal_key_rotates_with_the_secret_key(app: Flask, client: FlaskClient) -> None:
    cookie = answered(client)
    old = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "a-new-secret-key-" + "z" * 40
    assert client.get(f"/questions/{PAGES[1].slug}").status_code == 302  # neither signature nor seal opens
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    assert other.get(f"/questions/{PAGES[1].slug}").status_code == 200  # the fallback opens both

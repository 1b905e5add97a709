"""The signed session cookie, (de)serialised without Flask's per-value tagging when there is nothing to tag.

Every patient request rewrites the cookie (the wizard's answers and its idle clock live there, state.py), and
Flask's TaggedJSONSerializer asks six type checks of every value in it on the way out and rebuilds every dict
and list on the way in. The answers are plain JSON (text, numbers, lists, dicts), so this serialiser writes
and reads them with the same JSON functions directly, and hands anything else (a tuple, bytes, Markup, a date,
a dict that looks like a tag) to Flask's own tagging: the bytes in the cookie are the same either way, so the
signature, the format and cookies already issued are unchanged.

The JSON is then sealed (AES-256-GCM, authenticated encryption, a fresh nonce per cookie) before it is
signed: the patient's unsent answers ("pregnant": "not_sure") are not readable from the cookie by anyone who
sees it, at a shared computer or in a copy. The key is derived (HKDF-SHA256) from SECRET_KEY, so it rotates
with it; SECRET_KEY_FALLBACKS open older cookies for both the signature and the seal. A cookie that does not
open (signed before sealing began, or under a retired key) is an empty session, as a bad signature is.
The JSON is compressed before it is sealed (as itsdangerous compressed it before), or the full wizard would
not fit a cookie; what compression could reveal through the length is the patient's own answers to the
patient's own browser, and nobody else can put text into that cookie (CSRF tokens, SameSite).
"""

from __future__ import annotations

from typing import Any

import os
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Request
from flask.json import dumps, loads
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadData, URLSafeTimedSerializer

_PLAIN = (str, int, float, bool, type(None))


class PlainFirstSerializer(TaggedJSONSerializer):
    """Flask's tagged JSON, skipping the tagging walk for values it would leave as they are."""

    def _plain(self, value: Any) -> bool:
        """Whether tagging would leave `value` unchanged: plain JSON types only (exact types, so no Markup),
        no tuples, and no one-key dict whose key is a tag."""
        kind = type(value)
        if kind in _PLAIN:
            return True
        if kind is list:
            return all(self._plain(item) for item in value)
        if kind is dict:
            if len(value) == 1 and next(iter(value)) in self.tags:
                return False
            return all(type(key) is str and self._plain(item) for key, item in value.items())
        return False

    def dumps(self, value: Any) -> str:
        if self._plain(value):
            return dumps(value, separators=(",", ":"))
        return super().dumps(value)

    def loads(self, value: str) -> Any:
        # Flask's tags are dict keys that start with a space ('{" t": ...}'): JSON text with no '" ' has none.
        if '" ' not in value and all(key.startswith(" ") for key in self.tags):
            return loads(value)
        return super().loads(value)


NONCE = 12
PLAIN, COMPRESSED = b"\x00", b"\x01"  # the first sealed byte: how the JSON after it is stored
INFO = b"suitability session cookie AES-256-GCM"


def seal_key(secret: str | bytes) -> AESGCM:
    """The cookie's encryption key, derived from a secret key (so a new secret key is a new seal key)."""
    material = secret.encode() if isinstance(secret, str) else secret
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(material))


class SealedSerializer:
    """JSON text sealed with AES-GCM under the current key; opened with the current key or a fallback."""

    def __init__(self, inner: PlainFirstSerializer, secrets: tuple[str | bytes, ...]) -> None:
        self.inner = inner
        self.keys = [seal_key(secret) for secret in reversed(secrets)]  # the current key first

    def dumps(self, value: Any) -> bytes:
        text = self.inner.dumps(value).encode()
        packed = zlib.compress(text, 6)  # sealed bytes do not compress: squeeze the JSON first (see above)
        plain = COMPRESSED + packed if len(packed) < len(text) else PLAIN + text
        nonce = os.urandom(NONCE)
        return nonce + self.keys[0].encrypt(nonce, plain, None)

    def loads(self, sealed: bytes) -> Any:
        nonce, body = sealed[:NONCE], sealed[NONCE:]
        for key in self.keys:
            try:
                plain = key.decrypt(nonce, body, None)
            except InvalidTag:
                continue
            text = zlib.decompress(plain[1:]) if plain[:1] == COMPRESSED else plain[1:]
            return self.inner.loads(text.decode())
        raise ValueError("the session cookie does not open with any current key")


class SealedCookieSerializer(URLSafeTimedSerializer):
    """itsdangerous' signed, timed, URL-safe text around the sealed bytes (ASCII text, as a cookie must be)."""

    def dumps(self, obj: Any, salt: str | bytes | None = None) -> str:  # type: ignore[override]
        signed = super().dumps(obj, salt)
        return signed.decode("ascii") if isinstance(signed, bytes) else signed


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie with the serialiser above, sealed, and its signing serialiser built once per set
    of keys (Flask builds one for every read and every write, and each build serialises an empty dict to probe
    it; deriving the seal keys is done then too)."""

    serializer = PlainFirstSerializer()

    def __init__(self) -> None:
        self._signing: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        built = self._signing
        if built is None or built[0] != keys:  # a changed key or fallback list is used from the next request on
            built = self._signing = (keys, self._build(keys) if app.secret_key else None)
        return built[1]

    def _build(self, keys: tuple[Any, ...]) -> URLSafeTimedSerializer:
        return SealedCookieSerializer(
            list(keys), salt=self.salt, serializer=SealedSerializer(self.serializer, keys),
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        try:
            return super().open_session(app, request)
        except BadData:  # signed but not sealed by a current key (e.g. from before sealing): start afresh
            return self.session_class()


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

"""The signed session cookie, (de)serialised without Flask's per-value tagging when there is nothing to tag.

Every patient request rewrites the cookie (the wizard's answers and its idle clock live there, state.py), and
Flask's TaggedJSONSerializer asks six type checks of every value in it on the way out and rebuilds every dict
and list on the way in. The answers are plain JSON (text, numbers, lists, dicts), so this serialiser writes
and reads them with the same JSON functions directly, and hands anything else (a tuple, bytes, Markup, a date,
a dict that looks like a tag) to Flask's own tagging: the bytes in the cookie are the same either way, so the
signature, the format and cookies already issued are unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json import dumps, loads
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

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


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie with the serialiser above, and its signing serialiser built once per set of keys
    (Flask builds one for every read and every write, and each build serialises an empty dict to probe it)."""

    serializer = PlainFirstSerializer()

    def __init__(self) -> None:
        self._signing: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        built = self._signing
        if built is None or built[0] != keys:  # a changed key or fallback list is used from the next request on
            built = self._signing = (keys, super().get_signing_serializer(app))
        return built[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

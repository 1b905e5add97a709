"""API keys this process verified a moment ago, so a request need not look its key up and hash-compare it again.

Bounded (the least recently used goes first) and short-lived (API_KEY_CACHE_SECONDS, default 5; 0 turns it
off). Only verified keys are kept, by the sha256 of the token, never the token. Revocation does not wait for
expiry: each request's rate-limit count only counts a key that is still live (services.rate_limit.hit
raises KeyNotLive), and the entry is dropped then.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..settings import defaults

DEFAULT_SECONDS: float = defaults()["API_KEY_CACHE_SECONDS"]
DEFAULT_SIZE = 1024


@dataclass(frozen=True)
class Grant:
    """What a request needs of its verified key."""

    key_id: int
    rate_limit: int | None  # per minute; None: the app default
    scopes: frozenset[str] = frozenset({"screen"})  # what the key may do (services.api_keys.scopes_of)


class KeyCache:
    """Grants of recently verified tokens, by the token's sha256, each kept for `seconds`."""

    def __init__(self, seconds: float = DEFAULT_SECONDS, size: int = DEFAULT_SIZE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: OrderedDict[str, tuple[Grant, float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _name(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> Grant | None:
        """The grant of a token verified less than `seconds` ago, or None."""
        if self.seconds <= 0:
            return None
        name = self._name(token)
        with self._lock:
            found = self._entries.get(name)
            if found is None:
                return None
            if found[1] <= self.clock():
                del self._entries[name]
                return None
            self._entries.move_to_end(name)
            return found[0]

    def put(self, token: str, grant: Grant) -> None:
        """Remember a verified token's grant, dropping the least recently used past `size`."""
        if self.seconds <= 0:
            return
        with self._lock:
            self._entries[self._name(token)] = (grant, self.clock() + self.seconds)
            self._entries.move_to_end(self._name(token))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, token: str) -> None:
        """Drop a token (its key is no longer live)."""
        with self._lock:
            self._entries.pop(self._name(token), None)

    def __len__(self) -> int:
        return len(self._entries)

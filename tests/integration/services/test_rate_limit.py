"""The per-key rate limit: one count per request in the database, shared by every app server, a fresh window
each minute, and a key revoked since it was verified refused by the count itself."""

from __future__ import annotations

import pytest

from suitability.services.api_keys import add_key, revoke_key
from suitability.services.rate_limit import KeyNotLive, hit
from suitability.storage import Database


def test_the_window_is_shared_through_the_database_and_resets_each_minute(db: Database) -> None:
    with db.session() as session:
        key, _ = add_key(session, "shared")
        first = [hit(session, key.id, 2, now=120.0 + i) for i in range(3)]
    with db.session() as other_server:  # another app server: another session, same counters
        late = hit(other_server, key.id, 2, now=150.0)
        next_minute = hit(db.engine, key.id, 2, now=181.0)
    assert [v.allowed for v in first] == [True, True, False] and not late.allowed
    assert late.reset_after == 30
    assert next_minute.allowed and next_minute.remaining == 1


def test_a_key_revoked_after_it_was_verified_is_refused_and_not_counted(db: Database) -> None:
    with db.session() as session:
        key, _ = add_key(session, "leaving")
        assert hit(session, key.id, 5, now=60.0).allowed
        revoke_key(session, "leaving")
        with pytest.raises(KeyNotLive):
            hit(session, key.id, 5, now=61.0)

"""API keys as a use case: a token shown once and stored hashed, unique names, scopes, revocation by name or
prefix, and a presented token that is malformed, wrong or revoked verifying as no key."""

from __future__ import annotations

import pytest

from suitability.services.api_keys import (
    DEFAULT_SCOPES,
    ApiKeyError,
    add_key,
    list_keys,
    revoke_key,
    scopes_of,
    verify_key,
)
from suitability.storage import Database


def test_keys_are_stored_hashed_and_names_are_unique(db: Database) -> None:
    with db.session() as session:
        key, token = add_key(session, "clinic-booking")
        assert token not in (key.secret_hash, key.prefix) and token.startswith(f"sk_{key.prefix}_")
        assert verify_key(session, token) is key
        with pytest.raises(ApiKeyError):
            add_key(session, "clinic-booking")
        with pytest.raises(ApiKeyError):
            add_key(session, "bad\nname")
        with pytest.raises(ApiKeyError):
            revoke_key(session, "no-such-key")
        assert [k.name for k in list_keys(session)] == ["clinic-booking"]


def test_a_malformed_wrong_or_revoked_token_is_no_key(db: Database) -> None:
    with db.session() as session:
        key, token = add_key(session, "booking")
        _, other = add_key(session, "reports", rate_limit=30, scopes=["analytics"])
        wrong_secret = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert verify_key(session, wrong_secret) is None
        assert verify_key(session, "nonsense") is None and verify_key(session, token + "x") is None
        assert revoke_key(session, key.prefix) is key and key.revoked_at is not None  # by prefix as by name
        assert verify_key(session, token) is None
        assert verify_key(session, other) is not None  # revoking one key leaves the others live


def test_scopes_are_the_default_unless_named_and_a_rate_limit_is_at_least_one(db: Database) -> None:
    with db.session() as session:
        plain, _ = add_key(session, "plain")
        both, _ = add_key(session, "both", scopes=["analytics", "screen"])
        assert scopes_of(plain) == DEFAULT_SCOPES and plain.scopes is None
        assert scopes_of(both) == {"screen", "analytics"} and both.scopes == "screen analytics"
        with pytest.raises(ApiKeyError):
            add_key(session, "admin", scopes=["admin"])
        with pytest.raises(ApiKeyError):
            add_key(session, "zero", rate_limit=0)
        assert [k.name for k in list_keys(session)] == ["plain", "both"]

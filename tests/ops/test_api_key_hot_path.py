"""The API's hot path: a key verified a moment ago is not looked up again, yet a revoked key is refused at its
very next request on every app server; the cache is short-lived and bounded; the count's relaxed flush never
leaks into another transaction on the same pooled connection."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask

from tests.common.ops_support import make_app, new_key

import suitability.api.auth as auth_module
from suitability.api.key_cache import Grant, KeyCache
from suitability.services.api_keys import revoke_key, verify_key
from suitability.services.rate_limit import hit
from suitability.web.database import get_db

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
FULL = 2  # PRAGMA synchronous


def two_servers(tmp_path: Path, request: pytest.FixtureRequest, backend: str, **config: object) -> list[Flask]:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return [make_app(tmp_path / name, DATABASE_URL=url, **config) for name in ("a", "b")]


def dispose(*apps: Flask) -> None:
    for app in apps:
        with app.app_context():
            get_db().dispose()


class Lookups:
    """Counts the key lookups the app makes (the database read the cache saves)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = verify_key

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(auth_module, "verify_key", counted)


@BACKENDS
def test_a_key_revoked_on_one_server_is_refused_at_its_next_request_on_another_that_cached_it(
        tmp_path: Path, request: pytest.FixtureRequest, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_servers(tmp_path, request, backend, API_KEY_CACHE_SECONDS=3600)
    auth = new_key(first, "to-be-revoked")
    lookups = Lookups(monkeypatch)
    client = second.test_client()
    for _ in range(3):
        assert client.get("/api/v1/rules", headers=auth).status_code == 200
    assert lookups.count == 1  # verified once, then remembered

    with first.app_context(), get_db().session() as session:
        revoke_key(session, "to-be-revoked")
    refused = client.get("/api/v1/rules", headers=auth)
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/rules", headers=auth).status_code == 401
    assert lookups.count == 2  # the entry was dropped: the next request looked the key up and found it revoked
    dispose(first, second)


def test_a_verified_key_is_looked_up_again_after_the_cache_seconds_and_every_time_with_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tmp_path, API_KEY_CACHE_SECONDS=0)
    auth = new_key(app)
    lookups = Lookups(monkeypatch)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/rules", headers=auth).status_code == 200
    assert lookups.count == 3
    dispose(app)

    clock = [0.0]
    cache = KeyCache(seconds=5, clock=lambda: clock[0])
    cache.put("sk_token", Grant(1, None))
    clock[0] = 4.9
    assert cache.get("sk_token") == Grant(1, None)
    clock[0] = 5.0
    assert cache.get("sk_token") is None and len(cache) == 0


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache = KeyCache(seconds=60, size=3)
    for n in range(3):
        cache.put(f"sk_{n}", Grant(n, None))
    assert cache.get("sk_0") == Grant(0, None)  # used: now the newest
    cache.put("sk_3", Grant(3, None))
    cache.put("sk_4", Grant(4, None))
    assert len(cache) == 3
    assert [cache.get(f"sk_{n}") is not None for n in range(5)] == [True, False, False, True, True]


def test_a_wrong_secret_for_a_cached_key_prefix_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    auth = new_key(app)
    client = app.test_client()
    assert client.get("/api/v1/rules", headers=auth).status_code == 200
    token = auth["Authorization"].removeprefix("Bearer ")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/api/v1/rules", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    dispose(app)


def test_the_count_leaves_its_pooled_sqlite_connection_flushing_in_full(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    new_key(app)
    with app.app_context():
        engine = get_db().engine
        for _ in range(3):
            hit(engine, 1, 10)
        pooled = engine.pool.checkedin()  # type: ignore[attr-defined]
        assert pooled >= 1
        with ExitStack() as stack:  # every pooled connection at once, so the one the count used is among them
            connections = [stack.enter_context(engine.connect()) for _ in range(pooled)]
            assert [c.exec_driver_sql("PRAGMA synchronous").scalar() for c in connections] == [FULL] * pooled
    dispose(app)

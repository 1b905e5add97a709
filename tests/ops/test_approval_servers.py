"""Two real gunicorn app servers on one database (no memory shared): a rule set approved on the admin page of
server A is served by server B at its next rules check, and a revocation on A stops B screening; until then B
answers 503 and stores nothing."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from tests.common.gunicorn_support import (
    BOOT_SECONDS,
    Gunicorn,
    csrf,
    example_intake,
    new_api_key,
    post_stored,
)

from suitability.rules.loading import content_version
from suitability.storage import Database
from suitability.storage.accounts import add_user

PASSWORD = "correct horse battery staple 42"


def answering(server: Gunicorn) -> None:
    """Wait until the server answers health at all (503 while nothing is approved)."""
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(server.url + "/healthz", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise AssertionError(f"no answer after {BOOT_SECONDS} s:\n{server.log()}")


def health_until(server: Gunicorn, status: int, seconds: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        response = requests.get(server.url + "/healthz", timeout=10, headers={"Connection": "close"})
        if response.status_code == status or time.monotonic() > deadline:
            assert response.status_code == status, (response.json(), server.log())
            body = response.json()
            assert isinstance(body, dict)
            return body
        time.sleep(0.3)


def admin_posts(base: str, path: str, data: dict[str, str]) -> requests.Response:
    """Sign in as the admin with the real CSRF tokens, then post a form of the Rule sets page."""
    browser = requests.Session()
    sign_in = browser.get(base + "/practitioner/sign-in", timeout=30)
    signed = browser.post(base + "/practitioner/sign-in", timeout=30, allow_redirects=False,
                          data={"username": "ada", "password": PASSWORD, "csrf_token": csrf(sign_in)})
    assert signed.status_code == 303, signed.status_code
    page = browser.get(base + "/practitioner/rulesets", timeout=30)
    assert page.status_code == 200
    return browser.post(base + path, timeout=30, allow_redirects=False, data={**data, "csrf_token": csrf(page)})


def test_an_approval_on_server_a_is_served_by_server_b_and_a_revocation_stops_it(
        tmp_path: Path, rules_dir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    database = Database(url)
    with database.session() as session:
        add_user(session, "ada", PASSWORD, role="admin")
    token = new_api_key(database)
    version = content_version(rules_dir)
    env = {"SUITABILITY_RULES_DIR": str(rules_dir), "SUITABILITY_RULES_CHECK_SECONDS": "1",
           "SUITABILITY_REQUIRE_APPROVED_RULES": "true"}
    a = Gunicorn(tmp_path / "a", workers=1, database_url=url, env=env)
    b = Gunicorn(tmp_path / "b", workers=1, database_url=url, env=env)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    try:
        a.launch()
        b.launch()
        answering(a)
        answering(b)
        body = health_until(b, 503)
        assert body["ruleset_pending"] == version and body["ruleset_version"] is None
        assert post_stored(b.url, token, "before", example_intake()).status_code == 503

        approved = admin_posts(a.url, "/practitioner/rulesets/approve", {"version": version, "note": "reviewed"})
        assert approved.status_code == 303, approved.text
        body = health_until(b, 200)
        assert body["ruleset_version"] == version and body["ruleset_status"] == "current"
        stored = post_stored(b.url, token, "after", example_intake())
        assert stored.status_code == 201 and stored.json()["decision"]["ruleset_version"] == version

        revoked = admin_posts(a.url, "/practitioner/rulesets/revoke", {"version": version, "note": "recalled"})
        assert revoked.status_code == 303
        health_until(b, 503)
        assert post_stored(b.url, token, "revoked", example_intake()).status_code == 503
    finally:
        a.stop()
        b.stop()
        database.dispose()

"""Security evidence over the whole app, found by walking `app.url_map` (so a new route is covered without
editing this file): security headers on every response, CSRF refused on every form, the API rate limit held
under concurrent requests to two app servers."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.common.ops_support import example_intake, make_app, new_key, stored
from tests.common.patient_form import example_answers

from suitability.web.database import get_db
from suitability.web.patient.questions import PAGES

KEY_AUTHENTICATED = ("api", "fhir")  # blueprints that take no cookies: an API key, so no CSRF token
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXPIRED = "This page has expired"


def url_for_rule(rule: Rule, case_id: str) -> str:
    """A concrete URL for a rule: a real page slug, a real case id, a real static file."""
    values = {"slug": PAGES[0].slug, "case_id": case_id, "filename": "site.css"}
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: add a sample value for {missing}"
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], path)
    return path


def every_route(app: Flask) -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) for every method of every rule, HEAD and OPTIONS included."""
    return sorted((method, rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() for method in rule.methods
                  or ())


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path, WTF_CSRF_ENABLED=True)

    @application.get("/boom")  # a bug: the 500 page needs the headers too
    def boom() -> str:
        raise RuntimeError("a bug")

    yield application
    with application.app_context():
        get_db().dispose()


def a_case_id(tmp_path: Path, app: Flask) -> str:
    auth = new_key(app, "headers")
    response = app.test_client().post("/api/v1/screenings", json={"intake": example_intake(), "store": True},
                                      headers=auth)
    assert response.status_code == 201
    return str(response.get_json()["case"]["id"])


def assert_security_headers(response: TestResponse, where: str, https: bool) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    if https:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), where
        assert int(headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31_536_000, where


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_every_response_of_every_route_has_the_security_headers(tmp_path: Path, app: Flask, https: bool) -> None:
    case_id = a_case_id(tmp_path, app)
    auth = new_key(app)
    base = "https://clinic.example" if https else "http://localhost"
    statuses: Counter[int] = Counter()
    routes = every_route(app)
    assert {"/", "/submit", "/healthz", "/api/v1/screenings", "/fhir/QuestionnaireResponse",
            "/static/<path:filename>", "/boom"} <= {rule for _, rule, _ in routes}
    for client_kind in ("stranger", "with a key"):
        client = app.test_client()
        headers = auth if client_kind == "with a key" else {}
        for method, rule_text, _ in routes:
            rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and method in (r.methods or ()))
            path = url_for_rule(rule, case_id)
            with client.open(path, method=method, base_url=base, headers=headers) as response:
                statuses[response.status_code] += 1
                assert_security_headers(response, f"{method} {path} ({client_kind}): {response.status_code}", https)
    for method, path in (("GET", "/no-such-page"), ("GET", "/api/v1/no-such-thing"), ("GET", "/fhir/Nothing"),
                         ("DELETE", "/check"), ("POST", "/healthz"), ("PUT", "/api/v1/screenings")):
        with app.test_client().open(path, method=method, base_url=base) as response:
            statuses[response.status_code] += 1
            assert_security_headers(response, f"{method} {path}: {response.status_code}", https)
    big = app.test_client().post("/start", data={"consent": "yes", "padding": "x" * 100_000}, base_url=base)
    assert big.status_code == 413
    assert_security_headers(big, "413", https)
    # successes and every kind of failure were among them
    assert {200, 302, 400, 401, 404, 405, 500} <= set(statuses), statuses


def form_routes(app: Flask) -> list[tuple[str, Rule]]:
    """Every state-changing route of a cookie-authenticated blueprint: each must demand a CSRF token."""
    found = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else ""
        for method in sorted(CHANGING & set(rule.methods or ())):
            if blueprint not in KEY_AUTHENTICATED:
                found.append((method, rule))
    return found


def csrf_token(client: FlaskClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    assert match, "the start page has no CSRF token"
    return match.group(1)


def test_every_form_post_without_a_csrf_token_is_refused_and_changes_nothing(tmp_path: Path, app: Flask) -> None:
    case_id = a_case_id(tmp_path, app)
    routes = form_routes(app)
    assert {("POST", "/start"), ("POST", "/submit"), ("POST", "/questions/<slug>")} <= \
        {(m, r.rule) for m, r in routes}
    answers = example_answers()
    for method, rule in routes:
        client = app.test_client()
        token = csrf_token(client)  # a real session with a token: only the token is missing from the post
        client.post("/start", data={"consent": "yes", "csrf_token": token})
        path = url_for_rule(rule, case_id)
        form = {"consent": "yes", "token": "x", "email": "a@example.org", "password": "x" * 12,
                **{k: str(v) for k, v in answers.items() if not isinstance(v, list)}}
        before = stored(app)
        refused = client.open(path, method=method, data=form)
        assert refused.status_code == 400, (method, path, refused.status_code)
        assert EXPIRED in refused.get_data(as_text=True), (method, path)
        assert stored(app) == before
        with_token = client.open(path, method=method, data={**form, "csrf_token": token})
        assert EXPIRED not in with_token.get_data(as_text=True), (method, path, with_token.status_code)


def test_a_token_from_another_session_is_refused_too(app: Flask) -> None:
    theirs = csrf_token(app.test_client())
    mine = app.test_client()
    csrf_token(mine)
    response = mine.post("/start", data={"consent": "yes", "csrf_token": theirs})
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_key_authenticated_routes_take_no_session_cookie_instead_of_a_key(tmp_path: Path, app: Flask) -> None:
    """Why the API and FHIR blueprints may skip CSRF: a browser's cookies never authenticate them."""
    client = app.test_client()
    client.post("/start", data={"consent": "yes", "csrf_token": csrf_token(client)})  # a session cookie
    for method, rule in ((m, r) for r in app.url_map.iter_rules() for m in sorted(CHANGING & set(r.methods or ()))
                         if r.endpoint.split(".")[0] in KEY_AUTHENTICATED):
        response = client.open(url_for_rule(rule, "x"), method=method, json={"intake": example_intake()})
        assert response.status_code == 401, (method, rule.rule)


def wait_for_a_fresh_minute_window(seconds_needed: float = 15) -> None:
    """The limit counts per calendar minute: do not start a burst that would straddle two windows."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.5)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_api_rate_limit_holds_under_concurrent_requests_to_two_app_servers(
        tmp_path: Path, request: pytest.FixtureRequest, backend: str) -> None:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    servers = [make_app(tmp_path / name, DATABASE_URL=url) for name in ("a", "b")]
    limit, threads, each = 12, 6, 5
    auth = new_key(servers[0], "burst", rate_limit=limit)
    answers: list[TestResponse] = []
    lock = threading.Lock()

    def client(app: Flask) -> None:
        browser = app.test_client()
        for _ in range(each):
            response = browser.get("/api/v1/rules", headers=auth)
            with lock:
                answers.append(response)

    wait_for_a_fresh_minute_window()
    workers = [threading.Thread(target=client, args=(servers[i % 2],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert len(answers) == threads * each
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: limit, 429: threads * each - limit}, codes
    for refused in (r for r in answers if r.status_code == 429):
        assert refused.mimetype == "application/problem+json"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.get_json()["type"].endswith("#rate-limited")
    for server in servers:
        with server.app_context():
            get_db().dispose()


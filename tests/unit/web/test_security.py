"""Security and failure pages: CSRF, headers, cookies, no answers in URLs, friendly 404/500, /healthz."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.common.patient_form import example_answers, make_app, page_form, stored, submit

from suitability.web.patient.questions import PAGES


def test_forms_without_a_csrf_token_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/start", data={"consent": "yes"})
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)
    assert stored(app) == (0, 0)


def test_forms_with_the_csrf_token_work(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    assert token
    response = client.post("/start", data={"consent": "yes", "csrf_token": token.group(1)})
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page", "/static/site.css"])
def test_every_response_has_the_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:  # closes the static file
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]


def test_pages_are_not_cached(client: FlaskClient) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_style() -> None:
    templates = Path(__file__).resolve().parents[3] / "web" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text and " style=" not in text and "onclick" not in text, path


def test_the_session_cookie_is_httponly_and_samesite_lax(tmp_path: Path) -> None:
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    response = app.test_client().post("/start", data={"consent": "yes"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_the_session_cookie_is_secure_by_default(tmp_path: Path) -> None:
    from suitability.web.config import DEFAULTS

    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True


def test_answers_never_travel_in_urls(client: FlaskClient) -> None:
    data = example_answers()
    client.post("/start", data={"consent": "yes"})
    for page in PAGES:
        html = client.get(f"/questions/{page.slug}").get_data(as_text=True)
        assert re.search(r'<form method="post"', html)
        assert "method=\"get\"" not in html.lower()
        response = client.post(f"/questions/{page.slug}", data=page_form(page, data))
        assert "?" not in response.location or response.location.endswith("?return=check")
    response = client.post("/submit", data={"token": "x"})
    assert "?" not in response.location


def test_nothing_the_patient_answers_is_logged(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    data = example_answers() | {"date_of_birth": "1977-07-17"}
    submit(client, data)
    assert "1977-07-17" not in caplog.text and "acne_scars" not in caplog.text


def test_a_missing_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Page not found" in text and "Traceback" not in text and "<h1>" in text


def test_a_bug_is_a_friendly_500_without_a_trace(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Sorry, there is a problem" in text and "secret internals" not in text and "Traceback" not in text


def test_only_post_sends_answers(client: FlaskClient) -> None:
    assert client.get("/submit").status_code == 405
    assert "Page not found" in client.get("/submit").get_data(as_text=True)


def test_healthz_reports_database_and_rules(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["ruleset_version"].startswith("sha256:")


def test_healthz_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] is False


def test_oversized_posts_are_refused_kindly(client: FlaskClient) -> None:
    response = client.post("/start", data={"consent": "yes", "padding": "x" * 100_000})
    assert response.status_code == 413
    assert "too much" in response.get_data(as_text=True)


def test_forms_work_over_https_although_browsers_send_no_referer(tmp_path: Path) -> None:
    """Referrer-Policy: no-referrer means no Referer header, which Flask-WTF's strict HTTPS check requires."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    page = client.get("/", base_url="https://clinic.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post("/start", data={"consent": "yes", "csrf_token": token.group(1)},
                           base_url="https://clinic.example")
    assert response.status_code == 302
    assert "Strict-Transport-Security" in response.headers

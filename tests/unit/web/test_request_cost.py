"""What the patient pages skip to be cheap, and what they still do: the idle clock, the session cookie's signing,
the practitioner sign-in left alone, the security headers and the check page's links, each checked where a
shortcut could break it."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from flask import Flask, Response, url_for
from flask.testing import FlaskClient

from tests.common.patient_form import example_answers, make_app, page_form

from suitability.web.patient import navigation
from suitability.web.patient.questions import GROUP_BY_KEY, PAGE_OF, PAGE_OF_GROUP, PAGES, QUESTIONS
from suitability.web.practitioner import auth
from suitability.web.security import HEADERS, add_headers


def _seen(client: FlaskClient) -> int:
    with client.session_transaction() as session:
        return int(session["seen"])


def _started(client: FlaskClient) -> None:
    """Consent given and the first page answered, as a browser does it (the page got, then posted)."""
    client.post("/start", data={"consent": "yes"})
    client.get(f"/questions/{PAGES[0].slug}")
    client.post(f"/questions/{PAGES[0].slug}", data=page_form(PAGES[0], example_answers()))


def test_a_page_shown_right_after_its_answers_were_saved_leaves_the_cookie_as_it_is(client: FlaskClient) -> None:
    _started(client)
    response = client.get(f"/questions/{PAGES[1].slug}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_request_that_rewrites_the_cookie_stamps_the_time_it_was_seen(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    _started(client)
    later = time.time() + 30  # under the minute in which a bare page view would leave the time alone
    monkeypatch.setattr(time, "time", lambda: later)
    client.post(f"/questions/{PAGES[1].slug}", data=page_form(PAGES[1], example_answers()))
    assert _seen(client) == int(later)


def test_a_page_viewed_a_minute_later_moves_the_idle_clock(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    _started(client)
    first = _seen(client)
    monkeypatch.setattr(time, "time", lambda: first + 60)
    assert "Set-Cookie" in client.get(f"/questions/{PAGES[1].slug}").headers
    assert _seen(client) == first + 60
    # So a patient who keeps viewing pages is never treated as idle: an idle time's worth after the first
    # page, but only a minute after the last one, the answers are still there.
    idle = app.config["PATIENT_IDLE_MINUTES"] * 60
    monkeypatch.setattr(time, "time", lambda: first + idle + 30)
    assert client.get(f"/questions/{PAGES[1].slug}").status_code == 200
    with client.session_transaction() as session:
        assert session["answers"]


def test_a_short_idle_time_is_kept_to_a_tenth_of_itself(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tmp_path, PATIENT_IDLE_MINUTES=1)  # type: ignore[arg-type]
    client = app.test_client()
    _started(client)
    first = _seen(client)
    monkeypatch.setattr(time, "time", lambda: first + 6)
    client.get(f"/questions/{PAGES[1].slug}")
    assert _seen(client) == first + 6


def test_a_changed_secret_key_signs_the_next_cookie_and_the_old_one_is_refused(app: Flask) -> None:
    client = app.test_client()
    _started(client)
    app.secret_key = app.config["SECRET_KEY"] = "another-secret-key-" + "y" * 30
    response = client.get(f"/questions/{PAGES[1].slug}")
    assert response.status_code == 302  # the old cookie no longer verifies: no consent, back to the start
    client.post("/start", data={"consent": "yes"})
    signed = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert signed is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer.loads(signed.value)["consent"] is True
    fresh = type(app.session_interface)()
    assert fresh.get_signing_serializer(app).loads(signed.value)["consent"] is True


def test_a_fallback_secret_key_still_opens_cookies_it_signed(app: Flask) -> None:
    client = app.test_client()
    _started(client)
    old = app.secret_key
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    app.secret_key = app.config["SECRET_KEY"] = "another-secret-key-" + "y" * 30
    assert client.get(f"/questions/{PAGES[1].slug}").status_code == 200  # still consented


def test_patient_pages_never_load_a_practitioner(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    monkeypatch.setattr(auth.login_manager, "_user_callback", lambda user_id: loaded.append(user_id))
    _started(client)
    client.get(f"/questions/{PAGES[1].slug}")
    client.get("/")
    assert loaded == []
    with client.session_transaction() as session:
        assert "_fresh" not in session and "_user_id" not in session


def test_a_views_own_security_header_is_kept_and_the_rest_are_added(app: Flask) -> None:
    with app.test_request_context("/"):
        response = add_headers(Response("x", headers={"x-frame-options": "SAMEORIGIN"}, mimetype="text/html"))
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    for name, value in HEADERS.items():
        if name != "X-Frame-Options":
            assert response.headers.getlist(name) == [value]
    assert response.headers["Cache-Control"] == "no-store"


def _hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*questions/[^"]*return=check[^"]*)"', html)]


@pytest.mark.parametrize("left_out", [None, "setting"])
def test_every_change_link_on_the_check_page_is_the_one_url_for_builds(
        app: Flask, client: FlaskClient, left_out: str | None) -> None:
    data = example_answers()
    if left_out:
        data.pop(left_out)
    client.post("/start", data={"consent": "yes"})
    for page in PAGES:  # answered page by page, errors and all: the check page lists what is missing
        client.post(f"/questions/{page.slug}", data=page_form(page, data))
    hrefs = _hrefs(client.get("/check").get_data(as_text=True))
    assert len(hrefs) > 20
    with client.session_transaction() as session:
        answers = dict(session["answers"])
    with app.test_request_context("/check"):
        expected = set()
        for name in [*QUESTIONS, *GROUP_BY_KEY]:
            screen, anchor = navigation.holding(name, answers)
            endpoint = "patient.details" if screen.details else "patient.page"
            expected.add(url_for(endpoint, slug=screen.slug, _anchor=anchor, **{"return": "check"}))
    assert set(hrefs) <= expected
    for href in hrefs:
        slug = href.split("/questions/", 1)[1].split("?")[0].removesuffix("/details")
        anchor = href.rsplit("#q-", 1)[1]
        holder = PAGE_OF_GROUP[anchor] if anchor in GROUP_BY_KEY else PAGE_OF.get(anchor, PAGES[-1])
        assert slug == holder.slug

"""Several app servers, one PostgreSQL: two real gunicorn servers on two ports share no memory, yet a patient may
move between them mid-form, an API retry lands on either, and a key's rate limit is counted across both."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import func, select

from tests.common.gunicorn_support import (
    PAGES,
    Gunicorn,
    answer_pages,
    cases_with_key,
    consent,
    csrf,
    example_intake,
    form_answers,
    new_api_key,
    post_stored,
    send,
)
from tests.common.pg import ServerInfo

from suitability.services.api_keys import add_key
from suitability.services.rate_limit import WINDOW_SECONDS
from suitability.storage import Case
from suitability.storage.accounts import add_user

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def servers(postgres_server: ServerInfo, tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    """Servers A and B: separate instance folders (as on two machines), one DATABASE_URL, one secret key."""
    url = postgres_server.create_database()
    first = Gunicorn(tmp_path_factory.mktemp("server-a"), workers=1, database_url=url)
    second = Gunicorn(tmp_path_factory.mktemp("server-b"), workers=1, database_url=url)
    with first, second:
        yield first, second


def test_a_patient_starts_the_form_on_one_server_and_finishes_it_on_the_other(
        servers: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = servers
    data = form_answers()
    browser = requests.Session()  # one cookie jar for 127.0.0.1, as behind one load-balanced host name
    half = len(PAGES) // 2
    consent(browser, a.url)
    answer_pages(browser, a.url, PAGES[:half], data)
    answer_pages(browser, b.url, PAGES[half:], data)
    sent = send(browser, b.url)
    assert sent.status_code == 303, sent.status_code
    result_path = sent.headers["Location"]
    case_id = result_path.rstrip("/").rsplit("/", 1)[1]
    shown = browser.get(a.url + result_path, timeout=30)  # the result, read back through the other server
    assert shown.status_code == 200
    database = a.database()
    try:
        with database.session() as session:
            case = session.get(Case, case_id)
            assert case is not None and case.source.value == "web"
            assert case.intake["treatments"] == data["treatments"]
    finally:
        database.dispose()


def test_an_idempotency_key_retried_on_the_other_server_returns_the_case_stored_through_the_first(
        servers: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = servers
    database = a.database()
    try:
        token = new_api_key(database, "booking-system-retry")
        first = post_stored(a.url, token, "order-1234", example_intake())
        again = post_stored(b.url, token, "order-1234", example_intake())
        assert first.status_code == again.status_code == 201
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert again.json()["case"] == first.json()["case"]
        assert cases_with_key(database, "order-1234") == 1
    finally:
        database.dispose()


def test_a_keys_rate_limit_is_counted_across_both_servers(servers: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = servers
    database = a.database()
    try:
        with database.session() as session:
            token = add_key(session, "limited-integration", rate_limit=3)[1]
        with database.session() as session:
            before = int(session.scalar(select(func.count()).select_from(Case)) or 0)
    finally:
        database.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    if time.time() % WINDOW_SECONDS > WINDOW_SECONDS - 15:  # keep the four requests inside one window
        time.sleep(WINDOW_SECONDS - time.time() % WINDOW_SECONDS + 0.1)
    body = {"intake": example_intake(), "store": False}
    answers = [requests.post(f"{server.url}/api/v1/screenings", json=body, headers=headers, timeout=30).status_code
               for server in (a, b, a)]
    refused = requests.post(f"{b.url}/api/v1/screenings", json=body, headers=headers, timeout=30)
    assert answers == [200, 200, 200]
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    database = a.database()
    try:
        with database.session() as session:
            assert int(session.scalar(select(func.count()).select_from(Case)) or 0) == before  # store: false
    finally:
        database.dispose()


def test_a_practitioner_signed_in_on_one_server_works_on_the_other(servers: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = servers
    database = a.database()
    try:
        with database.session() as session:
            add_user(session, "dr-multi", "a long enough pass phrase 42")
        token = new_api_key(database, "booking-system-queue")
    finally:
        database.dispose()
    stored = post_stored(a.url, token, "order-queue-1", example_intake())
    assert stored.status_code == 201 and stored.json()["decision"]["outcome"] != "suitable"
    reference = stored.json()["case"]["reference"]
    browser = requests.Session()
    page = browser.get(f"{b.url}/practitioner/sign-in", timeout=30)
    signed_in = browser.post(f"{b.url}/practitioner/sign-in", allow_redirects=False, timeout=30, data={
        "username": "dr-multi", "password": "a long enough pass phrase 42", "csrf_token": csrf(page)})
    assert signed_in.status_code == 303, signed_in.status_code
    queue = browser.get(f"{a.url}/practitioner/", allow_redirects=False, timeout=30)
    assert queue.status_code == 200 and reference in queue.text
    out = browser.post(f"{a.url}/practitioner/sign-out", data={"csrf_token": csrf(queue)}, allow_redirects=False,
                       timeout=30)
    assert out.status_code == 303
    assert browser.get(f"{b.url}/practitioner/", allow_redirects=False, timeout=30).status_code == 302

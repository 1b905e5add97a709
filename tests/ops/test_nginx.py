"""The shipped nginx configuration in front of real gunicorn on loopback: slow clients wait in nginx and no
longer starve the workers (/healthz answers while 50 of them trickle their headers or bodies), the patient
form works through it, the app sees the client address nginx saw (not one the client claims), and the
limits and gzip rules hold."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.common.gunicorn_support import (
    PAGES,
    Gunicorn,
    answer_pages,
    consent,
    form_answers,
    new_api_key,
    send,
)
from tests.common.nginx_support import Nginx, available

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not available(), reason="nginx is not installed")]
SLOW_CLIENTS = 50


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gunicorn, Nginx]]:
    workdir = tmp_path_factory.mktemp("nginx")
    app = Gunicorn(workdir, workers=2, env={"SUITABILITY_TRUSTED_PROXIES": "1",
                                            "SUITABILITY_FORWARDED_ALLOW_IPS": "127.0.0.1"})
    with app, Nginx(workdir, app.port) as proxy:
        yield app, proxy


class Trickle:
    """Clients that each open a connection and send one more line (or body byte) every second, never done."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets: list[socket.socket] = []
        for n in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 2:  # headers done, then a body that never ends
                s.sendall(b"POST /start HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-"
                          b"urlencoded\r\nContent-Length: 4000\r\n\r\nconsent=")
            else:
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            self.sockets.append(s)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        n = 0
        while not self.stopped.wait(1.0):
            n += 1
            for i, s in enumerate(self.sockets):
                try:
                    s.sendall(b"y" if i % 2 else f"X-Slow-{n}: {n}\r\n".encode())
                except OSError:
                    pass

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        for s in self.sockets:
            s.close()


def healthz_seconds(base: str, timeout: float) -> float | None:
    """How long /healthz took to answer 200, or None if it did not within `timeout`."""
    start = time.monotonic()
    try:
        response = requests.get(f"{base}/healthz", timeout=timeout)
    except requests.RequestException:
        return None
    return time.monotonic() - start if response.status_code == 200 else None


def test_slow_clients_wait_in_nginx_and_do_not_starve_the_workers(servers: tuple[Gunicorn, Nginx]) -> None:
    app, proxy = servers
    trickle = Trickle(proxy.port, SLOW_CLIENTS)
    try:
        time.sleep(2)  # every slow client has sent something and is waiting
        for _ in range(5):
            took = healthz_seconds(proxy.url, timeout=5)
            assert took is not None and took < 2, took
    finally:
        trickle.close()
    # The same slow clients straight at gunicorn hold both sync workers: this is what nginx prevents.
    direct = Trickle(app.port, SLOW_CLIENTS)
    try:
        time.sleep(2)
        assert healthz_seconds(app.url, timeout=3) is None
    finally:
        direct.close()
    app.wait_until_healthy()


def test_the_patient_form_works_through_nginx(servers: tuple[Gunicorn, Nginx]) -> None:
    _, proxy = servers
    with requests.Session() as browser:
        consent(browser, proxy.url)
        answer_pages(browser, proxy.url, list(PAGES), form_answers())
        sent = send(browser, proxy.url)
        assert sent.status_code == 303, sent.status_code
        result = browser.get(proxy.url + sent.headers["Location"], timeout=30)
        assert result.status_code == 200 and "result" in result.url


def test_the_app_sees_the_client_nginx_saw_not_one_the_client_claims(servers: tuple[Gunicorn, Nginx]) -> None:
    app, proxy = servers
    marker = f"/no-such-page-{time.monotonic_ns()}"
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10, source_address=("127.0.0.2", 0)) as s:
        s.sendall(f"GET {marker} HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 203.0.113.9\r\n"
                  "Connection: close\r\n\r\n".encode())
        assert s.recv(100).startswith(b"HTTP/1.1 404")
    line = next(line for line in app.wait_for_log(marker, seconds=10).splitlines() if marker in line)
    assert line.startswith("127.0.0.2 "), line  # the address nginx saw, passed on and trusted by the app
    assert "203.0.113.9" not in line


def test_nginx_refuses_bodies_and_headers_over_the_limits(servers: tuple[Gunicorn, Nginx]) -> None:
    _, proxy = servers
    big = requests.post(f"{proxy.url}/api/v1/screenings", data=b"x" * (100 * 1024),
                        headers={"Content-Type": "application/json"}, timeout=30)
    assert big.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(10 * 16):  # 10 MB, chunked: no length given up front
            yield b"y" * 65536

    try:
        chunked = requests.post(f"{proxy.url}/api/v1/screenings", data=chunks(),
                                headers={"Content-Type": "application/json"}, timeout=30)
        assert chunked.status_code == 413
    except requests.ConnectionError:
        pass  # nginx answered 413 and closed while the client was still sending: refused either way
    huge_header = requests.get(f"{proxy.url}/healthz", headers={"X-Big": "z" * 20_000}, timeout=30)
    assert huge_header.status_code in (400, 431)


def test_text_is_gzipped_but_html_pages_are_not(servers: tuple[Gunicorn, Nginx]) -> None:
    _, proxy = servers
    with requests.get(f"{proxy.url}/static/site.css", headers={"Accept-Encoding": "gzip"}, timeout=30,
                      stream=True) as css:
        assert css.headers.get("Content-Encoding") == "gzip"
        assert b"{" in gzip.decompress(css.raw.read())
    page = requests.get(f"{proxy.url}/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert page.status_code == 200 and "Content-Encoding" not in page.headers  # no BREACH on CSRF tokens


def test_a_chunked_body_over_the_limit_straight_at_gunicorn_is_too_large(servers: tuple[Gunicorn, Nginx]) -> None:
    app, _ = servers  # gunicorn hands a chunked body on without a length: the app must still count it

    def chunks() -> Iterator[bytes]:
        yield b'{"intake": {"notes": "'
        for _ in range(4):
            yield b"x" * 50_000
        yield b'"}}'

    database = app.database()
    token = new_api_key(database, "chunked")
    database.dispose()
    response = requests.post(f"{app.url}/api/v1/screenings", data=chunks(), timeout=30,
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert response.status_code == 413  # before: the first 64 KiB read as if they were all, a 400

"""Real gunicorn servers for the ops tests: start one on a free loopback port, talk to it, stop it.

A module of its own (not `conftest`): every test folder has a conftest, and these helpers are imported by name.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

import psutil
import requests
from sqlalchemy import func, select

from tests.common.app_support import page_form

from suitability.services.api_keys import add_key
from suitability.storage import Case, Database, database_url
from suitability.web.patient.questions import PAGES, Page

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "intake.json"
SECRET = "ops-test-secret-key-shared-by-every-app-server-0123456789"
# A loaded 2-core CI machine boots workers slowly (each compiles the rules): be patient, not flaky.
BOOT_SECONDS = 90 if os.environ.get("CI") == "true" else 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def example_intake() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text()))


class Gunicorn:
    """`python -m gunicorn -c python:suitability.web.gunicorn_conf suitability.web.wsgi:app` as the README
    says, with SUITABILITY_* settings; its log (access and errors) goes to `log_path`."""

    def __init__(self, workdir: Path, *, workers: int = 2, database_url: str | None = None,
                 instance: Path | None = None, env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance or workdir / "instance"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "SUITABILITY_BIND": f"127.0.0.1:{self.port}",
            "SUITABILITY_WORKERS": str(workers),
            "SUITABILITY_INSTANCE_PATH": str(self.instance),
            "SUITABILITY_SECRET_KEY": SECRET,
            "SUITABILITY_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback, no TLS proxy in front
            "SUITABILITY_WEBHOOK_SENDER": "false",
            "SUITABILITY_API_RATE_LIMIT": "100000",
            "SUITABILITY_TIMEOUT": "60",
            **(env or {}),
        }
        self.env.pop("DATABASE_URL", None)  # only what the test chose: its own SQLite file, or `database_url`
        self.env.pop("SUITABILITY_DATABASE_URL", None)
        if database_url:
            self.env["SUITABILITY_DATABASE_URL"] = database_url
        self.command = command or [sys.executable, "-m", "gunicorn", "-c", "python:suitability.web.gunicorn_conf",
                                   "suitability.web.wsgi:app"]
        self.process: subprocess.Popen[bytes] | None = None

    def database(self) -> Database:
        return Database(database_url(self.env.get("SUITABILITY_DATABASE_URL"), self.instance))

    def start(self) -> Self:
        self.launch()
        self.wait_until_healthy()
        return self

    def launch(self) -> None:
        """Start gunicorn without waiting for it to be healthy."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT)

    def wait_for_log(self, text: str, seconds: float = BOOT_SECONDS) -> str:
        """Wait until the log holds `text`; returns the log."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in (log := self.log()):
                return log
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not in the log after {seconds} s:\n{self.log()}")

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"gunicorn not healthy after {BOOT_SECONDS} s:\n{self.log()}")

    def worker_pids(self) -> set[int]:
        assert self.process is not None
        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def wait_for_workers(self, count: int, exclude: frozenset[int] = frozenset(),
                         seconds: float = BOOT_SECONDS) -> set[int]:
        """Wait until the master has `count` live workers, none of them in `exclude`; returns their pids."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.worker_pids() - exclude
            if len(pids) >= count:
                return pids
            time.sleep(0.2)
        raise AssertionError(f"only {self.worker_pids()} workers after {seconds} s:\n{self.log()}")

    def health_by_worker(self, count: int, seconds: float = BOOT_SECONDS) -> dict[int, dict[str, Any]]:
        """One /healthz answer from each of the `count` workers, by pid. A sync worker serves one connection at a
        time, so `count` connections held open at once are taken by `count` different workers; psutil tells
        which worker holds which before anything is sent. This also waits for workers still booting: only a
        booted worker (app loaded, rules compiled, post_worker_init run) accepts a connection."""
        connections = [http.client.HTTPConnection("127.0.0.1", self.port, timeout=30) for _ in range(count)]
        try:
            for connection in connections:
                connection.connect()
            by_port = {connection.sock.getsockname()[1]: connection for connection in connections}
            holders = self._holders(set(by_port), seconds)
            answers = {}
            for port, pid in holders.items():
                connection = by_port[port]
                connection.request("GET", "/healthz", headers={"Connection": "close"})
                response = connection.getresponse()
                answers[pid] = {**json.loads(response.read()), "http_status": response.status}
            return answers
        finally:
            for connection in connections:
                connection.close()

    def _holders(self, ports: set[int], seconds: float) -> dict[int, int]:
        """Wait until a worker has accepted each of our connections (by their client ports); port -> pid."""
        deadline = time.monotonic() + seconds
        while True:
            holders: dict[int, int] = {}
            for pid in self.worker_pids():
                try:
                    found = psutil.Process(pid).net_connections(kind="tcp")
                except psutil.NoSuchProcess:
                    continue
                holders.update({c.raddr.port: pid for c in found if c.raddr and c.raddr.port in ports})
            if set(holders) == ports:
                assert len(set(holders.values())) == len(ports), f"one worker holds two connections: {holders}"
                return holders
            assert time.monotonic() < deadline, f"workers {self.worker_pids()} took only {holders} of our " \
                f"connections {ports} after {seconds} s:\n{self.log()}"
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def new_api_key(database: Database, name: str = "load-test") -> str:
    """A key with a rate limit far above what a test sends (the schema is created first if need be)."""
    with database.session() as session:
        return add_key(session, name, rate_limit=1_000_000)[1]


def post_stored(base: str, token: str, key: str, intake: dict[str, Any], timeout: float = 30) -> requests.Response:
    """POST /api/v1/screenings with "store": true under an Idempotency-Key."""
    return requests.post(f"{base}/api/v1/screenings", json={"intake": intake, "store": True}, timeout=timeout,
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def cases_with_key(database: Database, suffix: str) -> int:
    """How many stored cases carry this client Idempotency-Key (stored as "api:<key id>:<key>")."""
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(Case).where(
            Case.idempotency_key.like(f"%:{suffix}"))) or 0)


# The patient form over HTTP, like a browser without JavaScript: CSRF token from each page it posts to.
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def csrf(response: requests.Response) -> str:
    match = CSRF.search(response.text)
    assert match, f"no CSRF token on {response.url} ({response.status_code})"
    return match.group(1)


def consent(browser: requests.Session, base: str) -> None:
    token = csrf(browser.get(f"{base}/", timeout=30))
    response = browser.post(f"{base}/start", data={"consent": "yes", "csrf_token": token},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.status_code


def answer_pages(browser: requests.Session, base: str, pages: list[Page], data: dict[str, Any]) -> None:
    for page in pages:
        token = csrf(browser.get(f"{base}/questions/{page.slug}", timeout=30))
        response = browser.post(f"{base}/questions/{page.slug}", data={**page_form(page, data), "csrf_token": token},
                                allow_redirects=False, timeout=30)
        assert response.status_code == 302, (page.slug, response.status_code)


def send(browser: requests.Session, base: str) -> requests.Response:
    """Open the check page and press send; returns the answer to the send (303 to the result when stored)."""
    check = browser.get(f"{base}/check", timeout=30)
    match = TOKEN.search(check.text)
    assert match, "the check page has no send button"
    return browser.post(f"{base}/submit", data={"token": match.group(1), "csrf_token": csrf(check)},
                        allow_redirects=False, timeout=30)


def form_answers() -> dict[str, Any]:
    data = example_intake()
    data.pop("screening_date", None)
    data.pop("appointment_date", None)
    return data


__all__ = ["PAGES", "Gunicorn"]

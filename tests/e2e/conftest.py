"""End-to-end fixtures: the real app on a loopback port (werkzeug, temp SQLite, CSRF on), Debian's Chromium
through Playwright, axe-core from npm, and a screenshot of every page in test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from tests.common.browser_wizard import Patient

from suitability.web import create_app
from suitability.web.database import get_db

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, installed with npm into the git-ignored node_modules/ if it is not there yet."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is needed to install axe-core")
        subprocess.run([str(npm), "install", "--no-save", "--silent", "axe-core@4"], cwd=ROOT, check=True,
                       timeout=300)
    return AXE.read_text(encoding="utf-8")


class LiveServer:
    """The app in a thread on 127.0.0.1:<free port>."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        with self.app.app_context():
            get_db().dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "e2e-secret-key-0123456789-abcdefghijkl",
                      "SESSION_COOKIE_SECURE": False})  # CSRF stays on: the browser must carry the tokens
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + float(os.environ.get("CHROMIUM_WAIT_SECONDS", "120"))
    while not CHROMIUM.exists() and time.monotonic() < deadline:  # it may still be being installed
        time.sleep(2)
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/<test name>/, emptied first."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab the size of a phone: most patients use one."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def patient(page: Page, live_server: LiveServer, axe_source: str, artifacts: Path) -> Patient:
    """A patient walking the pre-screen in that tab."""
    return Patient(page, live_server.url, axe_source, artifacts)

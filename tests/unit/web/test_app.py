"""The app factory: configuration from the environment, a secret key that survives restarts, idle answers
forgotten, and the `serve` command."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.patient_form import example_answers, page_form

from suitability.web import create_app
from suitability.web.config import SECRET_FILE
from suitability.web.patient.questions import PAGES


def test_a_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    key = (tmp_path / SECRET_FILE).read_text().strip()
    assert len(key) >= 32 and first.secret_key == second.secret_key == key
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only


def test_configuration_comes_from_suitability_environment_variables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUITABILITY_SECRET_KEY", "from-the-environment-" + "x" * 20)
    monkeypatch.setenv("SUITABILITY_SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    app = create_app()
    assert app.secret_key == "from-the-environment-" + "x" * 20
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert (tmp_path / "other.sqlite3").exists()  # migrated at start
    assert not (tmp_path / SECRET_FILE).exists()


def test_answers_left_idle_are_forgotten(app: Flask, client: FlaskClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    client.post("/start", data={"consent": "yes"})
    client.post(f"/questions/{PAGES[0].slug}", data=page_form(PAGES[0], example_answers()))
    later = time.time() + app.config["PATIENT_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(f"/questions/{PAGES[1].slug}")
    assert response.status_code == 302 and response.location.endswith("/")
    with client.session_transaction() as session:
        assert "answers" not in session


def test_serve_runs_the_app_on_the_given_address_over_plain_http(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from suitability.cli import serve

    ran: dict[str, Any] = {}

    def fake_run(self: Flask, **kwargs: Any) -> None:
        ran.update(kwargs, secure=self.config["SESSION_COOKIE_SECURE"])

    monkeypatch.setenv("SUITABILITY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SUITABILITY_SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setattr(Flask, "run", fake_run)
    assert serve.cmd_serve(argparse.Namespace(host="127.0.0.1", port=5099)) == 0
    assert ran == {"host": "127.0.0.1", "port": 5099, "debug": False, "secure": False}


def test_behind_a_trusted_proxy_the_app_sees_https(tmp_path: Path) -> None:
    from tests.common.patient_form import make_app

    app = make_app(tmp_path, TRUSTED_PROXIES=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    plain = make_app(tmp_path).test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers  # untrusted headers are ignored

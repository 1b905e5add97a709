"""A worker that starts while the rules on disk are broken serves the newest archived rule set of its profile
(health "stale", naming the disk's error, and a log line); with nothing archived it answers 503 as before."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from tests.common.ops_support import edit, example_intake, fake_clock, make_app, new_key, stored

from suitability.screening import Screener
from suitability.web.database import get_db
from suitability.web.rules_reload import watcher

ISOTRETINOIN = {"isotretinoin": "past", "isotretinoin_last_dose": "2026-10-01"}  # screened 2026-11-22
SIX_MONTHS, SEVEN_MONTHS = "2027-04-01", "2027-05-01"
WAIT = "wait: {after: isotretinoin_last_dose, months: 6, once_passed: lapses}"
BROKEN = ("when: {isotretinoin: past}", "when: {isotretinon: past}")  # a misspelt field


def store(app: Flask, auth: dict[str, str], key: str) -> dict[str, object]:
    response = app.test_client().post("/api/v1/screenings", json={"intake": example_intake(**ISOTRETINOIN),
                                                                  "store": True},
                                      headers={**auth, "Idempotency-Key": key})
    assert response.status_code == 201, response.get_data(as_text=True)
    decision = response.get_json()["decision"]
    assert isinstance(decision, dict)
    return decision


def new_worker(tmp_path: Path) -> Flask:
    """As a worker (re)started by gunicorn: no rules of its own in memory, a new app on the same database."""
    return make_app(tmp_path)


def dispose(*apps: Flask) -> None:
    for app in apps:
        with app.app_context():
            get_db().dispose()


def test_a_worker_started_on_broken_rules_serves_the_newest_archived_set_says_stale_and_recovers(
        tmp_path: Path, rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = make_app(tmp_path)
    auth = new_key(first)
    older = store(first, auth, "under-six-months")
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))  # a newer rule set decides the newest case
    newest = store(new_worker(tmp_path), auth, "under-seven-months")
    assert newest["ruleset_version"] != older["ruleset_version"] and newest["earliest_date"] == SEVEN_MONTHS

    edit(rules_dir / "medicines.yaml", *BROKEN)
    caplog.set_level(logging.INFO)
    worker = new_worker(tmp_path)
    client, clock = worker.test_client(), fake_clock(worker)
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and response.headers["Suitability-Ruleset-Status"] == "stale"
    assert body["status"] == "stale" and body["ruleset_source"] == "archive"
    assert body["ruleset_version"] == newest["ruleset_version"]
    assert "medicines.yaml" in body["ruleset_error"] and "isotretinon" in body["ruleset_error"]
    fallbacks = [r.getMessage() for r in caplog.records
                 if r.levelno == logging.ERROR and "serving archived rule set" in r.getMessage()]
    assert len(fallbacks) == 1 and str(newest["ruleset_version"]) in fallbacks[0] and "medicines.yaml" in fallbacks[0]

    served = store(worker, auth, "while-the-disk-is-broken")  # screened and stored under the archived rules
    assert served["ruleset_version"] == newest["ruleset_version"] and served["earliest_date"] == SEVEN_MONTHS
    assert client.get("/").status_code == 200  # patients' pages work too

    edit(rules_dir / "medicines.yaml", BROKEN[1], BROKEN[0])
    edit(rules_dir / "medicines.yaml", WAIT.replace("6", "7"), WAIT.replace("6", "8"))  # fixed, and new
    clock.advance(5)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["ruleset_status"] == "current" and body["ruleset_source"] == "disk"
    assert body["ruleset_version"] not in (older["ruleset_version"], newest["ruleset_version"])
    assert store(worker, auth, "after-the-fix")["ruleset_version"] == body["ruleset_version"]
    dispose(first, worker)


def test_only_an_archive_of_the_same_profile_is_served(
        tmp_path: Path, rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_app(tmp_path)
    auth = new_key(first)
    store(first, auth, "conservative")
    edit(rules_dir / "medicines.yaml", *BROKEN)
    monkeypatch.setenv("SUITABILITY_PROFILE", "standard")
    worker = new_worker(tmp_path)
    response = worker.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["ruleset_status"] == "unavailable"
    dispose(first, worker)


def test_with_nothing_archived_a_worker_on_broken_rules_still_answers_503_and_stores_nothing(
        tmp_path: Path, rules_dir: Path) -> None:
    edit(rules_dir / "medicines.yaml", *BROKEN)
    worker = new_worker(tmp_path)
    auth = new_key(worker)
    client = worker.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["ruleset_source"] == "disk"
    response = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True}, headers=auth)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert client.get("/").status_code == 503
    assert stored(worker) == (0, 0)
    dispose(worker)


def test_a_fallback_that_failed_at_start_is_tried_again_at_the_next_check_and_logged_once_meanwhile(
        tmp_path: Path, rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = make_app(tmp_path)
    auth = new_key(first)
    version = store(first, auth, "archived")["ruleset_version"]
    edit(rules_dir / "medicines.yaml", *BROKEN)
    worker = new_worker(tmp_path)
    client, clock = worker.test_client(), fake_clock(worker)
    with worker.app_context():
        found = watcher()
    real, attempts = found.fallback, []
    assert real is not None

    def database_down_at_first() -> Screener | None:  # as if the database were unreachable for a while
        attempts.append(1)
        return None if len(attempts) <= 3 else real()

    found.fallback = database_down_at_first
    caplog.set_level(logging.INFO)
    for _ in range(3):
        assert client.get("/healthz").status_code == 503
        clock.advance(5)
    refusals = [r for r in caplog.records if r.levelno == logging.ERROR and "cannot screen" in r.getMessage()]
    assert len(refusals) == 1  # said once, not at every check
    body = client.get("/healthz").get_json()
    assert len(attempts) == 4 and body["ruleset_source"] == "archive" and body["ruleset_version"] == version
    dispose(first, worker)

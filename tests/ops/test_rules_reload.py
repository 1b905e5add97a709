"""Rules edited on a running server: picked up at the next check, refused while broken, never a 500 or "suitable"."""

from __future__ import annotations

import logging
import os
import shutil
import signal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.common.ops_support import edit, example_intake, fake_clock, make_app, new_key, stored
from tests.common.patient_form import answer_all, example_answers, submit_token
from tests.common.references import shows_a_reference

from suitability.fhir import response_from_intake
from suitability.intake import parse_intake
from suitability.storage import Case
from suitability.web.database import get_db, serving_rules
from suitability.web.rules_reload import install_signal_handler

ISOTRETINOIN = {"isotretinoin": "past", "isotretinoin_last_dose": "2026-10-01"}  # screened 2026-11-22
SIX_MONTHS, SEVEN_MONTHS = "2027-04-01", "2027-05-01"
WAIT = "wait: {after: isotretinoin_last_dose, months: 6, once_passed: lapses}"
BROKEN = ("when: {isotretinoin: past}", "when: {isotretinon: past}")  # a misspelt field


def screen(client: FlaskClient, auth: dict[str, str], store: bool = False) -> dict[str, object]:
    response = client.post("/api/v1/screenings", json={"intake": example_intake(**ISOTRETINOIN), "store": store},
                           headers=auth)
    assert response.status_code == (201 if store else 200), response.get_data(as_text=True)
    decision = response.get_json()["decision"]
    assert isinstance(decision, dict)
    return decision


@pytest.fixture
def app(tmp_path: Path, rules_dir: Path) -> Flask:
    return make_app(tmp_path)


def test_an_edited_wait_is_used_by_the_next_screening_after_the_check_interval(app: Flask, rules_dir: Path) -> None:
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)
    before = screen(client, auth)
    assert before["earliest_date"] == SIX_MONTHS

    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    assert screen(client, auth)["earliest_date"] == SIX_MONTHS  # not yet: checked at most every 5 s
    clock.advance(5)
    after = screen(client, auth)
    assert after["earliest_date"] == SEVEN_MONTHS
    assert after["ruleset_version"] != before["ruleset_version"]
    health = client.get("/healthz").get_json()
    assert health["ruleset_version"] == after["ruleset_version"] and health["ruleset_status"] == "current"


def test_every_stored_decision_keeps_the_version_it_was_screened_with(app: Flask, rules_dir: Path) -> None:
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)
    first = screen(client, auth, store=True)
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    clock.advance(5)
    second = screen(client, auth, store=True)
    with app.app_context(), get_db().session() as session:
        versions = {(c.ruleset_version, c.decision["earliest_date"]) for c in session.query(Case)}
    assert versions == {(first["ruleset_version"], SIX_MONTHS), (second["ruleset_version"], SEVEN_MONTHS)}


def test_a_broken_file_is_refused_the_old_rules_keep_serving_and_health_says_stale_until_it_is_fixed(
        app: Flask, rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)
    good = screen(client, auth)
    caplog.set_level(logging.INFO)

    edit(rules_dir / "medicines.yaml", *BROKEN)
    clock.advance(5)
    served = screen(client, auth)
    assert served["ruleset_version"] == good["ruleset_version"] and served["earliest_date"] == SIX_MONTHS
    for path in ("/healthz", "/api/v1/health"):
        response = client.get(path)
        body = response.get_json()
        assert response.status_code == 200, path  # the service still works...
        assert body["status"] == "stale" and body["ruleset_status"] == "stale"  # ...and says so
        assert response.headers["Suitability-Ruleset-Status"] == "stale"
        assert body["ruleset_version"] == good["ruleset_version"]
        error = body["ruleset_error"]
        assert "medicines.yaml" in error and "isotretinoin-past" in error and "isotretinon" in error
    refusals = [r for r in caplog.records if r.levelno == logging.ERROR and "medicines.yaml" in r.getMessage()]
    assert len(refusals) == 1 and "isotretinoin-past" in refusals[0].getMessage()

    for _ in range(3):  # later checks of the same broken folder (touched too) do not log it again
        clock.advance(5)
        os.utime(rules_dir / "medicines.yaml")
        client.get("/healthz")
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1

    edit(rules_dir / "medicines.yaml", BROKEN[1], BROKEN[0])  # fixed (back to the serving rules)
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))  # and changed: a new version
    clock.advance(5)
    recovered = screen(client, auth)
    assert recovered["earliest_date"] == SEVEN_MONTHS and recovered["ruleset_version"] != good["ruleset_version"]
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["ruleset_status"] == "current" and body["ruleset_error"] is None


def test_a_broken_edit_undone_makes_health_current_again_and_redone_stale_again(
        app: Flask, rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    client, clock = app.test_client(), fake_clock(app)
    version = client.get("/healthz").get_json()["ruleset_version"]
    caplog.set_level(logging.INFO)
    for expected in ("stale", "current", "stale", "current"):
        edit(rules_dir / "medicines.yaml", *(BROKEN if expected == "stale" else BROKEN[::-1]))
        clock.advance(5)
        body = client.get("/healthz").get_json()
        assert body["ruleset_status"] == expected and body["ruleset_version"] == version
        assert (body["ruleset_error"] is None) is (expected == "current")
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1  # the same problem, logged once


def test_with_checks_off_only_sighup_reloads(tmp_path: Path, rules_dir: Path) -> None:
    app = make_app(tmp_path, RULES_CHECK_SECONDS=0)
    client, auth = app.test_client(), new_key(app)
    assert screen(client, auth)["earliest_date"] == SIX_MONTHS
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    assert screen(client, auth)["earliest_date"] == SIX_MONTHS
    previous = signal.getsignal(signal.SIGHUP)
    try:
        assert install_signal_handler()
        os.kill(os.getpid(), signal.SIGHUP)
        assert screen(client, auth)["earliest_date"] == SEVEN_MONTHS
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_starting_with_broken_rules_gives_503_and_honest_pages_never_a_500_or_a_result(
        tmp_path: Path, rules_dir: Path) -> None:
    edit(rules_dir / "medicines.yaml", *BROKEN)
    app = make_app(tmp_path)
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)

    for path in ("/healthz", "/api/v1/health"):
        response = client.get(path)
        assert response.status_code == 503
        body = response.get_json()
        assert body["ruleset_status"] == "unavailable" and "medicines.yaml" in body["ruleset_error"]
    response = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True}, headers=auth)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert "Retry-After" in response.headers and "decision" not in response.get_json()
    fhir = client.post("/fhir/QuestionnaireResponse?store=true", headers=auth, content_type="application/fhir+json",
                       json=response_from_intake(parse_intake(example_intake())))
    assert fhir.status_code == 503 and fhir.get_json()["resourceType"] == "OperationOutcome"

    page = client.get("/")
    assert page.status_code == 503 and "cannot check answers right now" in page.get_data(as_text=True)
    assert client.get("/check").status_code == 503
    assert stored(app) == (0, 0)

    edit(rules_dir / "medicines.yaml", BROKEN[1], BROKEN[0])  # fixed: picked up at the next check
    clock.advance(5)
    assert client.get("/healthz").get_json()["ruleset_status"] == "current"
    assert client.get("/").status_code == 200
    response = client.post("/api/v1/screenings", json={"intake": example_intake(), "store": True}, headers=auth)
    assert response.status_code == 201


def test_a_worker_that_cannot_load_rules_at_submit_shows_not_saved_and_stores_nothing(
        app: Flask, rules_dir: Path) -> None:
    client = app.test_client()
    answer_all(client, example_answers())
    token = submit_token(client)
    edit(rules_dir / "medicines.yaml", *BROKEN)
    serving_rules(app).replace(None)  # as a worker (re)started after the rules broke: no good rules to keep
    response = client.post("/submit", data={"token": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "not saved" in text and not shows_a_reference(text)
    assert stored(app) == (0, 0)


def test_a_folder_published_by_swapping_a_symlink_is_picked_up_whole(
        tmp_path: Path, rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The safe way to change several files at once: prepare a new folder, then swap a symlink to it."""
    new = tmp_path / "rules-new"
    shutil.copytree(rules_dir, new)
    edit(new / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    current = tmp_path / "rules-current"
    current.symlink_to(rules_dir)
    monkeypatch.setenv("SUITABILITY_RULES_DIR", str(current))
    app = make_app(tmp_path)
    client, auth, clock = app.test_client(), new_key(app), fake_clock(app)
    assert screen(client, auth)["earliest_date"] == SIX_MONTHS
    swap = tmp_path / "rules-swap"
    swap.symlink_to(new)
    os.replace(swap, current)  # atomic: a reader sees the old folder or the new one, never a mix
    clock.advance(5)
    assert screen(client, auth)["earliest_date"] == SEVEN_MONTHS

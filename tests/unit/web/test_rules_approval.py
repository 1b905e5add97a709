"""REQUIRE_APPROVED_RULES: a worker screens only under an approved rule-set version. Approvals and revocations
are rows in the database, picked up by every app server at its next rules check, without a restart."""

from __future__ import annotations

from pathlib import Path

from tests.common.governance_support import (
    WAIT,
    add_account,
    api_key,
    cases,
    dispose,
    edit,
    health,
    make_app,
    screen,
    signed_in,
)
from tests.common.patient_form import answer_all, example_answers, submit_token
from tests.common.references import shows_a_reference

from suitability.rules.loading import content_version


def approve(client, version: str, note: str = "catalogue and changed rules reviewed"):  # type: ignore[no-untyped-def]
    return client.post("/practitioner/rulesets/approve", data={"version": version, "note": note})


def test_unapproved_rules_never_screen_every_door_answers_503_and_nothing_is_stored(
        tmp_path: Path, rules_dir: Path) -> None:
    app, _ = make_app(tmp_path)
    status, body = health(app)
    assert status == 503 and body["ruleset_status"] == "unavailable" and body["ruleset_version"] is None
    assert body["ruleset_pending"] == content_version(rules_dir)
    assert "awaits approval" in body["ruleset_error"]
    status, problem = screen(app, api_key(app))
    assert status == 503 and "ruleset_version" not in problem
    api_health = app.test_client().get("/api/v1/health")
    assert api_health.status_code == 503 and "awaits approval" in api_health.get_json()["ruleset_error"]
    client = app.test_client()
    assert client.get("/").status_code == 503  # the patient's honest "not now" page
    page = client.get("/")
    assert "try again" in page.get_data(as_text=True)
    assert cases(app) == 0
    dispose(app)


def test_approval_on_one_server_is_served_by_another_at_its_next_check(tmp_path: Path, rules_dir: Path) -> None:
    a, _ = make_app(tmp_path, "a")
    b, b_clock = make_app(tmp_path, "b")  # another app server on the same database, started before the approval
    add_account(a)
    version = content_version(rules_dir)
    assert health(b)[0] == 503
    response = approve(signed_in(a), version)
    assert response.status_code == 303
    assert health(b)[0] == 503  # B has not checked since: nothing changed in its memory
    b_clock.advance()
    status, body = health(b)
    assert status == 200 and body["ruleset_status"] == "current" and body["ruleset_version"] == version
    assert body["ruleset_pending"] is None
    status, decision = screen(b, api_key(b))
    assert status == 201 and decision["decision"]["ruleset_version"] == version
    dispose(a, b)


def test_an_unapproved_edit_is_not_swapped_in_until_approved(tmp_path: Path, rules_dir: Path) -> None:
    app, clock = make_app(tmp_path)
    add_account(app)
    admin = signed_in(app)
    approved = content_version(rules_dir)
    assert approve(admin, approved).status_code == 303
    clock.advance()
    auth = api_key(app)
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    pending = content_version(rules_dir)
    clock.advance()
    status, body = health(app)
    assert status == 200 and body["status"] == "stale" and body["ruleset_version"] == approved
    assert body["ruleset_pending"] == pending and pending in body["ruleset_error"]
    assert screen(app, auth, "before")[1]["decision"]["ruleset_version"] == approved

    assert approve(admin, pending).status_code == 303
    clock.advance()
    status, body = health(app)
    assert body["ruleset_status"] == "current" and body["ruleset_version"] == pending
    assert screen(app, auth, "after")[1]["decision"]["ruleset_version"] == pending
    dispose(app)


def test_a_worker_started_on_unapproved_rules_serves_the_approved_version_from_the_archive(
        tmp_path: Path, rules_dir: Path) -> None:
    first, _ = make_app(tmp_path, "a")
    add_account(first)
    approved = content_version(rules_dir)
    assert approve(signed_in(first), approved).status_code == 303
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    worker, _ = make_app(tmp_path, "b")  # a new worker process: no rules in memory
    status, body = health(worker)
    assert status == 200 and body["ruleset_version"] == approved and body["ruleset_source"] == "archive"
    assert body["ruleset_status"] == "stale" and body["ruleset_pending"] == content_version(rules_dir)
    status, decision = screen(worker, api_key(worker))
    assert status == 201 and decision["decision"]["ruleset_version"] == approved
    dispose(first, worker)


def test_revocation_falls_back_to_the_previous_approval_then_to_nothing(tmp_path: Path, rules_dir: Path) -> None:
    app, clock = make_app(tmp_path)
    add_account(app)
    admin = signed_in(app)
    first = content_version(rules_dir)
    assert approve(admin, first).status_code == 303
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    second = content_version(rules_dir)
    assert approve(admin, second).status_code == 303
    clock.advance()
    assert health(app)[1]["ruleset_version"] == second

    revoked = admin.post("/practitioner/rulesets/revoke", data={"version": second, "note": "wrong wait"})
    assert revoked.status_code == 303
    clock.advance()
    status, body = health(app)
    assert status == 200 and body["ruleset_version"] == first and body["ruleset_source"] == "archive"
    assert body["ruleset_pending"] == second
    auth = api_key(app)
    assert screen(app, auth, "after-revoke")[1]["decision"]["ruleset_version"] == first

    assert admin.post("/practitioner/rulesets/revoke", data={"version": first, "note": "recalled"}).status_code == 303
    clock.advance()
    status, body = health(app)
    assert status == 503 and body["ruleset_version"] is None and body["ruleset_pending"] == second
    before = cases(app)
    assert screen(app, auth, "nothing-approved")[0] == 503
    assert app.test_client().get("/").status_code == 503
    assert cases(app) == before
    dispose(app)


def test_off_by_default_the_rules_on_disk_serve_without_approval(tmp_path: Path, rules_dir: Path) -> None:
    app, _ = make_app(tmp_path, REQUIRE_APPROVED_RULES=False)
    status, body = health(app)
    assert status == 200 and body["ruleset_version"] == content_version(rules_dir)
    assert screen(app, api_key(app))[0] == 201
    dispose(app)


def test_a_patient_mid_form_when_the_approval_is_revoked_sees_not_saved_and_nothing_is_stored(
        tmp_path: Path, rules_dir: Path) -> None:
    app, clock = make_app(tmp_path)
    add_account(app)
    admin = signed_in(app)
    version = content_version(rules_dir)
    assert approve(admin, version).status_code == 303
    clock.advance()
    patient = app.test_client()
    answer_all(patient, example_answers())  # the pages are served under the approved rules
    token = submit_token(patient)
    assert admin.post("/practitioner/rulesets/revoke", data={"version": version, "note": "recalled"}).status_code \
        == 303
    clock.advance()
    response = patient.post("/submit", data={"token": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "not saved" in text and not shows_a_reference(text)
    assert cases(app) == 0
    dispose(app)


def test_with_two_approvals_required_one_admin_is_not_enough_and_a_second_admin_makes_it_serve(
        tmp_path: Path, rules_dir: Path) -> None:
    app, clock = make_app(tmp_path, APPROVALS_REQUIRED=2)
    add_account(app, "ada")
    add_account(app, "grace")
    version = content_version(rules_dir)
    ada = signed_in(app, "ada")
    response = approve(ada, version)
    assert response.status_code == 303
    assert "serves once 2 different admins" in ada.get("/practitioner/rulesets").get_data(as_text=True)
    clock.advance()
    status, body = health(app)
    assert status == 503 and body["ruleset_pending"] == version  # one signature: still nothing serves
    assert approve(ada, version).status_code == 400  # the same admin again does not count twice
    assert approve(signed_in(app, "grace"), version).status_code == 303
    clock.advance()
    status, body = health(app)
    assert status == 200 and body["ruleset_status"] == "current" and body["ruleset_version"] == version
    dispose(app)


def test_an_app_held_for_approval_holds_only_itself_another_app_in_the_process_keeps_screening(
        tmp_path: Path, rules_dir: Path) -> None:
    held, _ = make_app(tmp_path, "a")
    free, _ = make_app(tmp_path, "b", REQUIRE_APPROVED_RULES=False)
    auth = api_key(held)  # one database: a key works at both apps
    assert screen(held, auth)[0] == 503
    status, decision = screen(free, auth, "free")
    assert status == 201 and decision["decision"]["ruleset_version"] == content_version(rules_dir)
    assert health(held)[1]["ruleset_status"] == "unavailable" and health(free)[1]["ruleset_status"] == "current"
    assert screen(held, auth, "still-held")[0] == 503  # the other app's serving did not end the hold
    dispose(held, free)

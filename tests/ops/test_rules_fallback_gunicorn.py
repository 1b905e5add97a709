"""SIGHUP to the gunicorn master while a rule file is broken: the new workers have no rules of their own, so
they serve the newest archived rule set (health "stale", source "archive", a log line); with nothing archived
they answer 503, as before."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from tests.common.gunicorn_support import BOOT_SECONDS, Gunicorn, example_intake, new_api_key, post_stored
from tests.common.ops_support import edit

BROKEN = ("when: {isotretinoin: past}", "when: {isotretinon: past}")


def restart_workers(server: Gunicorn) -> set[int]:
    """SIGHUP to the master (gunicorn's reload: new workers, the old ones end); returns the new workers."""
    assert server.process is not None
    old = server.wait_for_workers(2)
    os.kill(server.process.pid, signal.SIGHUP)
    deadline = time.monotonic() + BOOT_SECONDS
    while (current := server.worker_pids()) & old or len(current) < 2:
        assert time.monotonic() < deadline, f"old workers {old} still there: {current}\n{server.log()}"
        time.sleep(0.2)
    return current


def health(server: Gunicorn, count: int = 12) -> list[tuple[int, dict[str, object]]]:
    answers = []
    for _ in range(count):  # new connections, so they spread over the workers
        response = requests.get(server.url + "/healthz", timeout=30, headers={"Connection": "close"})
        answers.append((response.status_code, response.json()))
    return answers


def test_new_workers_after_a_master_sighup_on_broken_rules_serve_the_archived_set(
        tmp_path: Path, rules_dir: Path) -> None:
    with Gunicorn(tmp_path, workers=2, env={"SUITABILITY_RULES_DIR": str(rules_dir),
                                            "SUITABILITY_RULES_CHECK_SECONDS": "1"}) as server:
        token = new_api_key(server.database())
        first = post_stored(server.url, token, "before-the-break", example_intake())
        assert first.status_code == 201, first.text
        version = first.json()["decision"]["ruleset_version"]

        edit(rules_dir / "medicines.yaml", *BROKEN)
        workers = restart_workers(server)
        answers = health(server)
        assert {status for status, _ in answers} == {200}, answers
        assert {(b["status"], b["ruleset_source"], b["ruleset_version"]) for _, b in answers} == \
            {("stale", "archive", version)}
        assert all("medicines.yaml" in str(b["ruleset_error"]) for _, b in answers)

        during = post_stored(server.url, token, "while-the-disk-is-broken", example_intake())
        assert during.status_code == 201 and during.json()["decision"]["ruleset_version"] == version
        log = server.log()
        assert 1 <= log.count("serving archived rule set " + version) <= 2, log  # once per new worker
        assert server.worker_pids() == workers  # nothing crashed or restarted meanwhile


def test_with_nothing_archived_new_workers_on_broken_rules_answer_503(tmp_path: Path, rules_dir: Path) -> None:
    with Gunicorn(tmp_path, workers=2, env={"SUITABILITY_RULES_DIR": str(rules_dir),
                                            "SUITABILITY_RULES_CHECK_SECONDS": "1"}) as server:
        token = new_api_key(server.database())
        edit(rules_dir / "medicines.yaml", *BROKEN)
        restart_workers(server)
        answers = health(server)
        assert {(status, b["ruleset_status"]) for status, b in answers} == {(503, "unavailable")}, answers
        refused = post_stored(server.url, token, "nothing-to-fall-back-on", example_intake())
        assert refused.status_code == 503 and refused.headers["Content-Type"] == "application/problem+json"
        assert "serving archived rule set" not in server.log()

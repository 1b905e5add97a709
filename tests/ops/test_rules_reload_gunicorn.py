"""Rules edited under real gunicorn workers: every answer, from whichever worker, shows the new version after the
check interval, or after SIGHUP to the workers with checks off; a broken file leaves them serving the last good
version and saying "stale"."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from tests.common.gunicorn_support import Gunicorn
from tests.common.ops_support import edit

WAIT = "wait: {after: isotretinoin_last_dose, months: 6, once_passed: lapses}"
BROKEN = ("when: {isotretinoin: past}", "when: {isotretinon: past}")


def health_answers(server: Gunicorn, count: int = 16) -> list[dict[str, object]]:
    """Several health checks in a row (on new connections, so they spread over the workers)."""
    answers = []
    for _ in range(count):
        response = requests.get(server.url + "/healthz", timeout=30, headers={"Connection": "close"})
        body = response.json()
        body["http_status"] = response.status_code
        answers.append(body)
    return answers


def catches_sighup(pid: int) -> bool:
    """Whether the process has a handler for SIGHUP (bit 0 of SigCgt in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGHUP - 1)))
    return False


def versions(answers: list[dict[str, object]]) -> set[object]:
    return {a["ruleset_version"] for a in answers}


def test_every_worker_picks_up_an_edit_after_the_interval_and_refuses_a_broken_file(
        tmp_path: Path, rules_dir: Path) -> None:
    with Gunicorn(tmp_path, workers=2, env={"SUITABILITY_RULES_DIR": str(rules_dir),
                                            "SUITABILITY_RULES_CHECK_SECONDS": "1"}) as server:
        # Every worker booted and has made its first check before the edit: a worker first asked after it
        # would start from the original rules, not from the version the test saw.
        (before,) = versions(list(server.health_by_worker(2).values()) + health_answers(server))
        edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
        time.sleep(1.5)
        answers = list(server.health_by_worker(2).values()) + health_answers(server)
        (after,) = versions(answers)
        assert after != before and {a["ruleset_status"] for a in answers} == {"current"}

        edit(rules_dir / "medicines.yaml", *BROKEN)
        time.sleep(1.5)
        answers = list(server.health_by_worker(2).values()) + health_answers(server)
        assert versions(answers) == {after}  # the last good rules keep serving in every worker
        assert {a["http_status"] for a in answers} == {200}
        assert {a["ruleset_status"] for a in answers} == {"stale"}
        assert all("isotretinoin-past" in str(a["ruleset_error"]) for a in answers)
        refusals = server.log().count("rule set refused")
        assert 1 <= refusals <= 2, server.log()  # logged once per worker, not once per request


def test_sighup_to_the_workers_reloads_the_rules_with_checks_off(tmp_path: Path, rules_dir: Path) -> None:
    with Gunicorn(tmp_path, workers=2, env={"SUITABILITY_RULES_DIR": str(rules_dir),
                                            "SUITABILITY_RULES_CHECK_SECONDS": "0"}) as server:
        # Both workers booted and answered (so made their one check) before the edit: a worker still booting,
        # or not yet asked, would load the edited rules by itself and the SIGHUP would prove nothing.
        first = server.health_by_worker(2)
        workers = set(first)
        (before,) = versions(list(first.values()))
        edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
        assert versions(list(server.health_by_worker(2).values()) + health_answers(server)) == {before}
        for pid in workers:
            assert catches_sighup(pid)  # installed by post_worker_init, before the worker served anything
            os.kill(pid, signal.SIGHUP)
        # The handler runs before the worker's next request: each answers with the new rules from now on.
        answers = server.health_by_worker(2)
        assert set(answers) == workers  # reloaded in place: no worker was ended or replaced
        (after,) = versions(list(answers.values()) + health_answers(server))
        assert after != before
        assert server.worker_pids() == workers

"""A rule set that has lost a rule never serves, on real gunicorn workers with the default settings: each
damage to the rules folder below is refused at the next check; health says "stale" with the reason, the
pregnant, breastfeeding, keloid and anticoagulated patients are decided exactly as before, and nothing is
logged with a traceback. Undoing the damage makes health "current" again."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.common.gunicorn_support import Gunicorn, example_intake, new_api_key
from tests.common.rules_support import copy_rules, edit

PATIENTS = {"pregnant": {"pregnant": "yes"}, "breastfeeding": {"breastfeeding": "yes"},
            "keloid": {"keloid": "yes"}, "anticoagulant": {"anticoagulant": "yes"}}
WORKERS = 2
CHECK_SECONDS = 5  # the default RULES_CHECK_SECONDS: the test sets none


def cut_at_rule_boundary(rules: Path) -> None:
    path = rules / "pregnancy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("\n  - id: breastfeeding")] + "\n", encoding="utf-8")


def rename_rule(rules: Path) -> None:
    edit(rules / "pregnancy.yaml", "- id: pregnant\n", "- id: pregnant-now\n", seal=False)


def scenario_fails(rules: Path) -> None:
    edit(rules / "skin-history.yaml", "    outcome: not_suitable\n", "    outcome: review\n")  # sealed again


def cut_and_sealed(rules: Path) -> None:
    cut_at_rule_boundary(rules)
    edit(rules / "ruleset.yaml", "name: suitability-microneedling", "name: suitability-microneedling")  # reseal


DAMAGE: list[tuple[str, Callable[[Path], object], str]] = [
    ("file cut at a rule boundary", cut_at_rule_boundary, "pregnancy.yaml: changed; ids removed breastfeeding"),
    ("file deleted", lambda r: (r / "pregnancy.yaml").unlink(), "pregnancy.yaml: removed"),
    ("extra file", lambda r: (r / "zz-extra.yaml").write_text("rules: []\n", encoding="utf-8"),
     "zz-extra.yaml: added"),
    ("non-UTF-8 bytes", lambda r: (r / "pregnancy.yaml").write_bytes(b"rules: []\n# \xff\xfe\n"),
     "file pregnancy.yaml: not UTF-8"),
    ("renamed rule id", rename_rule, "ids added pregnant-now; ids removed pregnant"),
    ("scenario made to fail by a one-line edit", scenario_fails, "keloid-not-suitable: outcome expected"),
    ("file cut and sealed again", cut_and_sealed, "field breastfeeding: no rule acts on the answer 'yes'"),
]


def decisions(server: Gunicorn, token: str) -> dict[str, tuple[Any, ...]]:
    found = {}
    for name, answers in PATIENTS.items():
        response = requests.post(f"{server.url}/api/v1/screenings", json={"intake": example_intake() | answers},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text
        decision = response.json()["decision"]
        found[name] = (decision["outcome"], decision["ruleset_version"],
                       tuple(f["rule_id"] for f in decision["findings"]))
    return found


def wait_for_status(server: Gunicorn, status: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 4 * CHECK_SECONDS + 10
    while True:
        answers = list(server.health_by_worker(WORKERS).values())
        if {a["ruleset_status"] for a in answers} == {status} or time.monotonic() > deadline:
            return answers
        time.sleep(0.5)


def restore(rules: Path, pristine: Path) -> None:
    for path in rules.rglob("*.yaml"):
        if not (pristine / path.relative_to(rules)).exists():
            path.unlink()
    for path in pristine.rglob("*.yaml"):
        target = rules / path.relative_to(pristine)
        if not target.exists() or target.read_bytes() != path.read_bytes():
            target.write_bytes(path.read_bytes())


def test_a_damaged_rules_folder_is_refused_on_live_workers_and_the_last_good_rules_keep_deciding(
        tmp_path: Path) -> None:
    rules, pristine = copy_rules(tmp_path / "rules"), copy_rules(tmp_path / "pristine")
    with Gunicorn(tmp_path, workers=WORKERS, env={"SUITABILITY_RULES_DIR": str(rules)}) as server:
        token = new_api_key(server.database())
        healthy = wait_for_status(server, "current")
        assert {a["ruleset_status"] for a in healthy} == {"current"}
        before = decisions(server, token)
        assert {name: outcome for name, (outcome, _, _) in before.items()} == {
            "pregnant": "not_suitable", "breastfeeding": "not_suitable", "keloid": "not_suitable",
            "anticoagulant": "review"}
        for label, damage, reason in DAMAGE:
            damage(rules)
            answers = wait_for_status(server, "stale")
            assert {a["ruleset_status"] for a in answers} == {"stale"}, (label, answers)
            assert all(reason in str(a["ruleset_error"]) for a in answers), (label, answers)
            assert {a["http_status"] for a in answers} == {200}
            assert decisions(server, token) == before, label
            restore(rules, pristine)
            assert {a["ruleset_status"] for a in wait_for_status(server, "current")} == {"current"}, label
        assert decisions(server, token) == before
        log = server.log()
    assert "Traceback" not in log, log
    assert log.count("rule set refused") >= len(DAMAGE)

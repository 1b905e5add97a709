"""`suitability rules approve|revoke|approvals` at the server: the same refusals as the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.common.governance_support import WAIT, edit, example_intake

from suitability.cli import main
from suitability.intake import Intake
from suitability.rules.loading import content_version
from suitability.storage import Case, Database, submit
from suitability.storage.accounts import add_user

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def cli_db(tmp_path: Path, rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("SUITABILITY_DATABASE_URL", url)
    db = Database(url)
    with db.session() as session:
        add_user(session, "ada", PASSWORD, role="admin")
        add_user(session, "pat", PASSWORD, role="practitioner")
    return db


def test_approve_list_and_revoke(cli_db: Database, rules_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = content_version(rules_dir)
    assert main(["rules", "approve", version, "--by", "ada", "--note", "catalogue reviewed"]) == 0
    assert main(["rules", "approvals"]) == 0
    out = capsys.readouterr().out
    assert f"approved now: {version}" in out and "catalogue reviewed" in out
    assert main(["rules", "revoke", version, "--by", "ada", "--note", "recalled"]) == 0
    assert main(["rules", "approvals"]) == 0
    assert "approved now: none" in capsys.readouterr().out
    cli_db.dispose()


@pytest.mark.parametrize(("version", "by", "why"), [
    ("sha256:0000000000000000", "ada", "neither on disk nor archived"),
    (None, "pat", "not an active admin"),
])
def test_approve_refuses_unavailable_files_and_non_admins(
        cli_db: Database, rules_dir: Path, capsys: pytest.CaptureFixture[str], version: str | None, by: str,
        why: str) -> None:
    assert main(["rules", "approve", version or content_version(rules_dir), "--by", by, "--note", "n"]) == 1
    assert why in capsys.readouterr().err
    assert main(["rules", "approvals"]) == 0
    assert "approved now: none" in capsys.readouterr().out
    cli_db.dispose()


def test_rescreen_accepts_only_under_an_approved_rule_set_when_approval_is_required(
        cli_db: Database, rules_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    intake = Intake.model_validate_json(json.dumps(example_intake(isotretinoin="past",
                                                                  isotretinoin_last_dose="2026-10-01")))
    case_id = submit(cli_db, intake, idempotency_key=None, body_hash=None, source="web").case.id
    edit(rules_dir / "medicines.yaml", WAIT, WAIT.replace("6", "7"))
    monkeypatch.setenv("SUITABILITY_REQUIRE_APPROVED_RULES", "true")
    command = ["rescreen", "--all", "--accept", "--rules", str(rules_dir)]
    assert main(command) == 2
    assert "is not approved" in capsys.readouterr().err
    with cli_db.session() as session:
        before = session.get(Case, case_id)
        assert before is not None and before.ruleset_version != content_version(rules_dir)
    assert main(["rules", "approve", content_version(rules_dir), "--by", "ada", "--note", "7 months reviewed",
                 "--rules", str(rules_dir)]) == 0
    assert main(command) == 0
    with cli_db.session() as session:
        after = session.get(Case, case_id)
        assert after is not None and after.ruleset_version == content_version(rules_dir)
    cli_db.dispose()

"""`suitability rescreen` and `suitability reproduce` from the command line: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.common.rescreen_samples import changed_rules, peel, sample_intake

from suitability.cli import main
from suitability.rules.seal import sealed
from suitability.storage import Case, Database, database_url, submit


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = database_url(None, tmp_path / "instance")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SUITABILITY_DATABASE_URL", raising=False)
    monkeypatch.delenv("SUITABILITY_RULES_DIR", raising=False)
    database = Database(url)
    database.ensure_schema()
    return database


@pytest.fixture
def rules(tmp_path: Path) -> str:
    return str(changed_rules(tmp_path / "rules"))


def store(db: Database, *intakes: object) -> list[Case]:
    return [submit(db, i, idempotency_key=None, body_hash=None, source="web").case  # type: ignore[arg-type]
            for i in intakes]


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_text_output_shows_each_difference_and_a_summary_and_changes_nothing(
        database: Database, rules: str, capsys: pytest.CaptureFixture[str]) -> None:
    cheeks_only = sample_intake(treatments=[{"area": "cheeks", "concern": "acne_scars"}])  # no forehead
    deferred, capped, _ = store(database, peel(10), sample_intake(), cheeks_only)
    assert main(["rescreen", "--rules", rules]) == 0
    out, err = capsys.readouterr()
    assert f"{deferred.reference}" in out and "suitable_with_precautions -> defer" in out
    assert "newly fires: peel-superficial" in out and "earliest date: none -> 2026-12-22" in out
    assert f"{capped.reference}" in out and "depth, treatment 2 (forehead): 0.5 mm -> 0.25 mm" in out
    assert "screened 3, changed 2 (outcome 1, depth 2, dates 1), errors 0" in out
    assert "--accept" in out
    assert err == ""  # no progress bar when stderr is not a terminal
    with database.session() as session:
        assert session.get(Case, deferred.id).outcome.value == "suitable_with_precautions"  # type: ignore[union-attr]


def test_json_lines_and_accept(database: Database, rules: str, capsys: pytest.CaptureFixture[str]) -> None:
    (deferred,) = store(database, peel(10))
    assert main(["rescreen", "--rules", rules, "--format", "json", "--accept"]) == 0
    lines = json_lines(capsys.readouterr().out)
    assert [line["type"] for line in lines] == ["difference", "summary"]
    assert lines[0]["reference"] == deferred.reference and lines[0]["new_outcome"] == "defer"
    assert lines[1]["accepted"] == [deferred.reference] and lines[1]["skipped"] == []
    assert lines[1]["screened"] == 1 and lines[1]["changed_outcome"] == 1
    with database.session() as session:
        assert session.get(Case, deferred.id).outcome.value == "defer"  # type: ignore[union-attr]
    assert main(["rescreen", "--rules", rules, "--format", "json"]) == 0  # accepted: nothing left
    (summary,) = json_lines(capsys.readouterr().out)
    assert summary["changed"] == 0

    assert main(["reproduce", deferred.reference]) == 0
    assert "reproduced" in capsys.readouterr().out
    assert main(["reproduce", "--history", deferred.reference]) == 0
    out = capsys.readouterr().out
    assert out.count("reproduced") == 2 and "(submitted " in out and "(rescreen " in out


def test_progress_bar_on_request_and_parallel_jobs(database: Database, rules: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store(database, *[peel(d) for d in range(0, 40, 4)])
    assert main(["rescreen", "--all", "--rules", rules, "--jobs", "2", "--batch-size", "3", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "re-screening [" in err and "10/10" in err
    assert "screened 10," in out


def test_decided_cases_are_listed_with_all_and_skipped_on_accept(
        database: Database, rules: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import update

    from suitability.storage import ReviewStatus

    (case,) = store(database, peel(10))
    with database.session() as session:
        session.execute(update(Case).where(Case.id == case.id).values(review_status=ReviewStatus.DECIDED))
        session.commit()
    assert main(["rescreen", "--rules", rules]) == 0
    assert "screened 0," in capsys.readouterr().out
    assert main(["rescreen", "--all", "--rules", rules, "--accept"]) == 1
    out = capsys.readouterr().out
    assert "accepted 0, skipped 1" in out and "already decided" in out
    assert main(["rescreen", "--all", "--rules", rules, "--accept", "--include-decided"]) == 0
    assert "accepted 1, skipped 0" in capsys.readouterr().out


def test_it_cannot_run_without_valid_rules_or_with_contradicting_options(
        database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rescreen", "--rules", str(tmp_path / "nowhere")]) == 2
    assert "rule error" in capsys.readouterr().err
    assert main(["rescreen", "--include-decided"]) == 2
    with pytest.raises(SystemExit):
        main(["rescreen", "--batch-size", "0"])


def test_reproduce_says_when_a_decision_differs_or_cannot_be_checked(
        database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    (case,) = store(database, peel(10))
    with database.engine.connect() as connection:  # change the archive on purpose, around its trigger
        connection.exec_driver_sql("DROP TRIGGER rulesets_no_update")
        row = connection.exec_driver_sql("SELECT version, files FROM rulesets").one()
        files = json.loads(row[1])
        files["recent-treatments.yaml"] = files["recent-treatments.yaml"].replace(
            "chemical_peel_date, days: 30,", "chemical_peel_date, days: 60,")
        files = sealed(files)  # the seal forged too: the version hash still tells
        connection.exec_driver_sql("UPDATE rulesets SET files = ?", (json.dumps(files),))
        connection.commit()
    assert main(["reproduce", case.reference]) == 1
    out = capsys.readouterr().out
    assert "DIFFERS" in out and "the archive was changed" in out and "outcome" in out
    assert main(["reproduce", "MN-AAAA-AAAA"]) == 2
    assert "no case" in capsys.readouterr().err

"""Safety controls of the core named in docs/safety/hazard-log.md that no other test module covers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.common.minimal import minimal_intake
from tests.common.rules_support import copy_rules, reseal

from suitability import EngineError, Outcome, RuleFileError, Screener, load_rules
from suitability.screening import ENGINE_FAILED_FLAG


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules")


def test_any_edit_to_a_rule_file_changes_the_version_every_decision_records(rules_copy: Path) -> None:
    intake = minimal_intake(pregnant="yes")
    before = Screener.from_directory(rules_copy).screen(intake)
    path = rules_copy / "pregnancy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Pregnant", "title: Pregnant ", 1),
                    encoding="utf-8")
    reseal(rules_copy)
    after = Screener.from_directory(rules_copy).screen(intake)
    assert before.ruleset_version != after.ruleset_version
    assert after.ruleset_version == load_rules(rules_copy).version
    assert (before.profile, after.profile) == ("conservative", "conservative")


def test_a_rule_set_that_would_let_a_not_sure_answer_pass_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "unknown-answers.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: unknown-pregnant\n")
    end = text.index("\n  - id: ", start + 1)
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    reseal(rules_copy)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.field == "pregnant" and "unknown is never safe" in str(caught.value)


def test_an_engine_failure_is_logged_without_the_patients_answers(monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    screener = Screener(load_rules())
    intake = minimal_intake(date_of_birth="1977-07-17", age=None, pregnant="yes")

    def fail(intake: Any) -> Any:
        raise EngineError(f"stand-in failure holding {intake!r}")

    monkeypatch.setattr(screener._current[1], "match_intake", fail)
    with caplog.at_level(logging.DEBUG):
        decision = screener.screen(intake)
    assert decision.outcome is Outcome.REVIEW and ENGINE_FAILED_FLAG in decision.flags
    assert "EngineError" in caplog.text
    assert "1977" not in caplog.text and "pregnant" not in caplog.text

"""Clinical scenarios as data: parsed with errors naming file, scenario and key; run on the compiled engine;
a rule set whose scenario fails is refused wherever it would serve, and `rules test` says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.common.rules_support import copy_rules, edit

from suitability import RuleFileError, Screener, load_rules
from suitability.cli import main
from suitability.decision import Decision
from suitability.scenarios import compare, parse_scenario_file, parse_scenarios, run_scenarios
from suitability.vocabulary import Outcome

GOOD = """scenarios:
  - id: pregnant-check
    spec: "clinical-rules.md §2: Pregnant"
    answers: {pregnant: "yes"}
    expect: {outcome: not_suitable}
"""


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules")


def test_the_shipped_scenarios_pass_under_both_profiles() -> None:
    for profile in ("conservative", "standard"):
        screener = Screener.from_directory(None, profile)  # verifies them
        assert run_scenarios(screener.ruleset, screener._current[1]) == []


def test_the_shipped_scenarios_cover_every_factor_row_depth_step_and_date_rule() -> None:
    scenarios = parse_scenarios(load_rules().files)
    specs = " ".join(s.spec for s in scenarios)
    assert len(scenarios) >= 90
    for step in ("§3.1", "§3.2", "§3.3", "§3.4", "§3.5", "§3.6"):
        assert step in specs
    for row in ("C01", "C02", "C16", "C30", "C18", "C41", "C44"):
        assert row in specs


@pytest.mark.parametrize(("text", "scenario", "key", "message"), [
    ("scenarios: {}\n", None, None, "'scenarios:' list"),
    ("scenarios:\n  - {id: Bad_Id, spec: s, expect: {outcome: review}}\n", "Bad_Id", "id", "kebab-case"),
    ("scenarios:\n  - {id: a, spec: s, expect: {outcome: review}, answrs: {}}\n", "a", "answrs", "unknown key"),
    ("scenarios:\n  - {id: a, expect: {outcome: review}}\n", "a", "spec", "spec"),
    ("scenarios:\n  - {id: a, spec: s, expect: {outcome: fine}}\n", "a", "expect.outcome", "not an outcome"),
    ("scenarios:\n  - {id: a, spec: s, expect: {}}\n", "a", "expect", "outcome"),
    ("scenarios:\n  - {id: a, spec: s, expect: {outcome: review, earliest: none}}\n", "a", "expect.earliest",
     "unknown key"),
    ("scenarios:\n  - {id: a, spec: s, answers: {pregnnt: 'yes'}, expect: {outcome: review}}\n", "a",
     "answers.pregnnt", "not an intake field"),
    ("scenarios:\n  - {id: a, spec: s, answers: {pregnant: maybe}, expect: {outcome: review}}\n", "a",
     "answers.pregnant", "invalid"),
    ("scenarios:\n  - {id: a, spec: s, screening_date: soon, expect: {outcome: review}}\n", "a",
     "screening_date", "date"),
    ("scenarios:\n  - {id: a, spec: s, expect: {outcome: review, depth_mm: {cheeks: 1}}}\n", "a",
     "expect.depth_mm", "area/concern"),
    ("scenarios:\n  - {id: a, spec: s, profile: lax, expect: {outcome: review}}\n", "a", "profile", "profile"),
])
def test_a_bad_scenario_is_refused_naming_file_scenario_and_key(text: str, scenario: str | None,
                                                                 key: str | None, message: str) -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_scenario_file("scenarios/x.yaml", text)
    error = caught.value
    assert error.file == "scenarios/x.yaml" and error.field == key and message in str(error)
    assert error.rule_id == (f"scenario {scenario}" if scenario else None)


def test_scenario_ids_are_unique_across_files() -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_scenarios({"scenarios/a.yaml": GOOD, "scenarios/b.yaml": GOOD})
    assert caught.value.file == "scenarios/b.yaml" and "duplicate" in str(caught.value)


def test_a_scenario_starts_from_the_all_clear_intake() -> None:
    (scenario,) = parse_scenario_file("scenarios/x.yaml", GOOD)
    intake = scenario.intake
    assert intake.pregnant.value == "yes" and intake.keloid.value == "no" and intake.age == 35
    assert intake.screening_date == dt.date(2026, 3, 1) and intake.appointment_date is None
    assert [(t.area.value, t.concern.value) for t in intake.treatments] == [("cheeks", "rejuvenation")]


def test_headline_includes_fails_clearly_on_a_decision_without_a_headline() -> None:
    (scenario,) = parse_scenario_file("scenarios/x.yaml", GOOD.replace(
        "{outcome: not_suitable}", "{outcome: not_suitable, headline_includes: [too early]}"))
    decision = Decision(outcome=Outcome.NOT_SUITABLE, ruleset_version="v", screening_date=dt.date(2026, 3, 1))
    failure = compare(scenario, decision, ["pregnant"])
    assert failure is not None
    assert failure.problems == (("headline", "a headline", "this decision has no headline"),)


def test_a_one_line_rule_edit_that_breaks_a_scenario_is_refused_and_rules_test_says_why(
        rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(rules_copy / "skin-history.yaml", "    outcome: not_suitable\n", "    outcome: review\n")  # keloid, sealed
    with pytest.raises(RuleFileError) as caught:
        Screener.from_directory(rules_copy)
    assert "keloid-not-suitable: outcome expected not_suitable, got review" in str(caught.value)
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 1
    assert "keloid-not-suitable" in capsys.readouterr().err
    assert main(["rules", "test", "--rules", str(rules_copy)]) == 1
    out = capsys.readouterr().out
    assert "scenario keloid-not-suitable (scenarios/skin.yaml)" in out
    assert "spec: clinical-rules.md §2: Keloid history or tendency" in out
    assert "outcome: expected not_suitable, got review" in out
    assert "rules that fired:" in out and "keloid" in out


def test_a_refused_scenario_keeps_the_old_rules_on_reload(rules_copy: Path) -> None:
    screener = Screener.from_directory(rules_copy)
    before = screener.ruleset.version
    edit(rules_copy / "pregnancy.yaml", "outcome: not_suitable", "outcome: defer")
    assert screener.reload(rules_copy) is False
    assert screener.ruleset.version == before and "pregnant-not-suitable" in (screener.last_error or "")


def test_rules_test_runs_an_unsealed_edit_and_says_it_is_not_sealed(
        rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(rules_copy / "pregnancy.yaml", "title: Pregnant, or could be", "title: Pregnant", seal=False)
    assert main(["rules", "test", "--rules", str(rules_copy)]) == 0
    out = capsys.readouterr().out
    assert "scenarios pass under profile conservative" in out and "pregnancy.yaml: changed" in out

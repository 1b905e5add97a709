"""Every answer other than the all-clear one reaches a rule with an outcome, unless ruleset.yaml declares it
neutral by name with a reason (clinical-rules.md §1a, last bullet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.rules_support import copy_rules, edit

from suitability import RuleFileError, load_rules
from suitability.rules.coverage import answers_to_cover


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules", scenarios=False)


def drop_rule(folder: Path, file: str, rule_id: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {rule_id}\n")
    end = text.find("\n  - id: ", start + 1)
    edit(path, text[start:end + 1 if end != -1 else len(text)], "")


def test_the_answers_to_cover_are_every_non_all_clear_answer() -> None:
    covered = answers_to_cover()
    assert covered["pregnant"] == ("yes",)
    assert covered["isotretinoin"] == ("past", "current")
    assert covered["fitzpatrick"] == ("I", "III", "IV", "V", "VI")
    assert covered["setting"] == ("home",) and covered["modality"] == ("rf",)
    assert covered["retinoid_last_use"] == ("date",)
    assert "not_sure" not in {a for answers in covered.values() for a in answers}


@pytest.mark.parametrize(("file", "rule_id", "field", "answer"), [
    ("pregnancy.yaml", "pregnant", "pregnant", "the answer 'yes'"),
    ("skin-history.yaml", "keloid", "keloid", "the answer 'yes'"),
    ("medicines.yaml", "anticoagulant", "anticoagulant", "the answer 'yes'"),
    ("about-you.yaml", "fitzpatrick-iv-to-vi", "fitzpatrick", "the answer 'IV'"),
    ("health.yaml", "radiotherapy-area-recent", "radiotherapy_end_date", "a date given"),
])
def test_a_rule_set_where_a_yes_reaches_no_rule_is_refused_naming_field_and_answer(
        rules_copy: Path, file: str, rule_id: str, field: str, answer: str) -> None:
    drop_rule(rules_copy, file, rule_id)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.field == field and f"no rule acts on {answer}" in str(caught.value)


def test_an_answer_declared_neutral_with_a_reason_needs_no_rule(rules_copy: Path) -> None:
    drop_rule(rules_copy, "about-you.yaml", "smoker")
    edit(rules_copy / "ruleset.yaml", "neutral_answers:\n", "neutral_answers:\n  smoker: {\"yes\": counselling only}\n")
    assert "smoker" not in {rule.id for rule in load_rules(rules_copy).rules}


@pytest.mark.parametrize(("entry", "field", "message"), [
    ("  smokr: {\"yes\": r}\n", "neutral_answers.smokr", "not a question"),
    ("  smoker: {maybe: r}\n", "neutral_answers.smoker", "not an answer that needs a rule"),
    ("  smoker: {\"no\": r}\n", "neutral_answers.smoker", "not an answer that needs a rule"),
    ("  smoker: {not_sure: r}\n", "neutral_answers.smoker", "not an answer that needs a rule"),
    ("  smoker: {\"yes\": \" \"}\n", "neutral_answers.smoker.yes", "say why"),
])
def test_a_bad_neutral_declaration_is_refused_naming_field_and_answer(rules_copy: Path, entry: str, field: str,
                                                                       message: str) -> None:
    edit(rules_copy / "ruleset.yaml", "neutral_answers:\n", "neutral_answers:\n" + entry)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert (caught.value.file, caught.value.field) == ("ruleset.yaml", field) and message in str(caught.value)

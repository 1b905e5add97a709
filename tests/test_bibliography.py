"""The loader's bibliography check: with rules/sources.yaml, every source a rule cites must be one of its keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_support import copy_rules, edit, reseal

from suitability import RuleFileError, load_rules
from suitability.ruleset import TIERS


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    return copy_rules(tmp_path / "rules")


def test_every_rule_of_the_shipped_rules_cites_a_known_source_with_a_tier() -> None:
    ruleset = load_rules()
    assert ruleset.sources
    for rule in ruleset.rules:
        for key in rule.sources:
            assert ruleset.sources[key].tier in TIERS


def test_a_misspelt_source_is_refused_naming_file_rule_field_and_suggestion(rules_copy: Path) -> None:
    edit(rules_copy / "medicines.yaml", "sources: [SkinPen-IFU, SkinPen-sheet, ASDS-iso-2017, ProjectLEAD]",
         "sources: [SkinPen-IFX, SkinPen-sheet, ASDS-iso-2017, ProjectLEAD]")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    error = caught.value
    assert (error.file, error.rule_id, error.field) == ("medicines.yaml", "isotretinoin-current", "sources")
    assert error.suggestion == "SkinPen-IFU"
    assert "did you mean 'SkinPen-IFU'" in str(error)


def test_a_source_without_a_valid_tier_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "sources.yaml", "  FDA-page:\n    tier: A", "  FDA-page:\n    tier: Z")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert (caught.value.file, caught.value.rule_id, caught.value.field) == ("sources.yaml", "FDA-page", "tier")


def test_without_sources_yaml_any_source_key_is_accepted(rules_copy: Path) -> None:
    (rules_copy / "sources.yaml").unlink()
    reseal(rules_copy)
    ruleset = load_rules(rules_copy)
    assert ruleset.sources == {}
    assert any(rule.sources for rule in ruleset.rules)

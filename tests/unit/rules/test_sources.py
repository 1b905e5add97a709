"""The loader's bibliography check: every source a rule or instruction cites is a key of rules/sources.yaml, and
each key opens: a web address, or a section of a document in this repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.rules_support import copy_rules, edit, reseal

from suitability import RuleFileError, load_rules
from suitability.cli import main
from suitability.cli.rules.files import repository_file
from suitability.rules.loading import TIERS
from suitability.rules.sources import dangling_documents


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


def test_without_sources_yaml_every_cited_key_dangles_and_is_refused(rules_copy: Path) -> None:
    (rules_copy / "sources.yaml").unlink()
    reseal(rules_copy)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert caught.value.field == "sources" and "unknown source" in str(caught.value)


def test_an_instruction_citing_an_unknown_source_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "instructions.yaml", "sources: [ageless, youthful, SkinPen-sheet,",
         "sources: [agless, youthful, SkinPen-sheet,")
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    error = caught.value
    assert (error.file, error.rule_id, error.field, error.suggestion) == ("instructions.yaml", "P3", "sources",
                                                                         "ageless")


@pytest.mark.parametrize(("old", "new", "field"), [
    ("    url: https://www.fda.gov/medical-devices/aesthetic-cosmetic-devices/microneedling-devices\n", "", "url"),
    ("url: https://www.fda.gov/medical-devices/aesthetic", "url: www.fda.gov/medical-devices/aesthetic", "url"),
    ("document: docs/evidence.md#depth-by-area", "document: ../spec/evidence.md §2a", "document"),
])
def test_a_source_a_clinician_cannot_open_is_refused(rules_copy: Path, old: str, new: str, field: str) -> None:
    edit(rules_copy / "sources.yaml", old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert (caught.value.file, caught.value.field) == ("sources.yaml", field)


def test_every_shipped_source_opens_a_url_or_a_section_of_a_shipped_document() -> None:
    ruleset = load_rules()
    cited = {key for rule in ruleset.rules for key in rule.sources}
    cited |= {key for spec in ruleset.instructions.values() for key in spec.sources}
    assert cited <= set(ruleset.sources)
    for key in cited:
        source = ruleset.sources[key]
        assert (source.url or "").startswith("http") or (source.document or "").startswith("docs/"), key
    assert dangling_documents(ruleset.sources, repository_file) == []


def test_a_document_section_that_does_not_exist_is_named(rules_copy: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    edit(rules_copy / "sources.yaml", "document: docs/evidence.md#depth-by-area",
         "document: docs/evidence.md#depth-per-area")
    problems = dangling_documents(load_rules(rules_copy).sources, repository_file)
    assert problems == [("sources.yaml: source evidence.md §2a: docs/evidence.md has no section #depth-per-area "
                         "(did you mean 'depth-by-area'?)")]
    assert main(["rules", "check", "--rules", str(rules_copy)]) == 1
    assert "depth-per-area" in capsys.readouterr().err

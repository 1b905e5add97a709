"""(f) Order-independent: shuffling the rules within and across files changes nothing but the version hash.

The rule folder is copied; its rules are shuffled, dealt out again over the rule files (and one new file), with
each rule's `when` keys and `when_any` groups reordered too; every shuffled copy must decide every generated
intake exactly as the original does."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from tests.common.rules_support import reseal
from tests.common.strategies import intakes

from suitability import Intake, Screener
from suitability.rules import conditions
from suitability.rules.loading import Rule, _TextLoader, default_rules_dir

SEEDS = (1, 2, 3)


def _shuffle_rule(rule: dict, rng: random.Random) -> dict:
    rule = dict(rule)
    if isinstance(rule.get("when"), dict):
        items = list(rule["when"].items())
        rng.shuffle(items)
        rule["when"] = dict(items)
    if isinstance(rule.get("when_any"), list):
        rule["when_any"] = rng.sample(rule["when_any"], len(rule["when_any"]))
    return rule


def shuffled_copy(source: Path, target: Path, seed: int) -> Path:
    """A copy of the rule folder with every rule moved to a random place in a random rule file."""
    rng = random.Random(seed)
    shutil.copytree(source, target)
    documents: dict[Path, dict] = {}
    for path in sorted(target.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            documents[path] = data
    rules = [_shuffle_rule(rule, rng) for data in documents.values() for rule in data["rules"]]
    rng.shuffle(rules)
    files = [*documents, target / "zz-shuffled.yaml"]
    documents[files[-1]] = {"rules": []}
    for data in documents.values():
        data["rules"] = []
    for rule in rules:
        documents[rng.choice(files)]["rules"].append(rule)
    for path, data in documents.items():
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    reseal(target)
    return target


@pytest.fixture(scope="module")
def shuffled(screener: Screener, tmp_path_factory: pytest.TempPathFactory) -> list[Screener]:
    source = default_rules_dir()
    copies = [Screener.from_directory(shuffled_copy(source, tmp_path_factory.mktemp("rules") / "rules", seed),
                                      screener.ruleset.profile) for seed in SEEDS]
    yield copies
    for copy in copies:
        copy._current[1].close()


def _meaning(rules: tuple[Rule, ...]) -> dict[str, tuple[Rule, frozenset[frozenset[conditions.Test]]]]:
    return {r.id: (replace(r, file="", alternatives=()), frozenset(map(frozenset, r.alternatives))) for r in rules}


def test_shuffled_copies_hold_the_same_rules_in_another_order(screener: Screener, shuffled: list[Screener]) -> None:
    original = screener.ruleset.rules
    for copy in shuffled:
        assert copy.ruleset.version != screener.ruleset.version
        assert [r.id for r in copy.ruleset.rules] != [r.id for r in original]
        assert _meaning(copy.ruleset.rules) == _meaning(original)


@settings(max_examples=150)
@given(intakes())
def test_rule_order_changes_no_decision(screen, shuffled: list[Screener], intake: Intake) -> None:
    expected = screen(intake).model_dump(mode="json", exclude={"ruleset_version"})
    for copy in shuffled:
        assert copy.screen(intake).model_dump(mode="json", exclude={"ruleset_version"}) == expected

"""An app's serving rules: built from disk on first use, replaced, held with a reason, reloaded in place once the
app owns its screener, and shared with no other app (only the loaded rules of the same content are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.common.rescreen_samples import ROOT, changed_rules, peel

from suitability.errors import RulesNotApproved, SuitabilityError
from suitability.screening import Screener
from suitability.services.serving import ServingRules, shared_screener


@pytest.fixture
def shipped() -> Screener:
    return shared_screener(ROOT / "rules", "conservative")


def test_a_new_app_builds_its_screener_from_disk_once_and_serves_it(shipped: Screener) -> None:
    built: list[int] = []
    rules = ServingRules(lambda: built.append(1) or shipped)
    assert rules.installed() is None
    assert rules.screener() is shipped and rules() is shipped and built == [1]
    assert rules.installed() is shipped and rules.ruleset_for(shipped.ruleset.version) is shipped.ruleset


def test_a_hold_serves_nothing_and_says_why_until_a_rule_set_is_installed(shipped: Screener) -> None:
    rules = ServingRules(lambda: shipped)
    rules.hold("rule set x awaits approval")
    with pytest.raises(RulesNotApproved, match="awaits approval"):
        rules.screener()
    assert rules.installed() is None
    rules.install(shipped.ruleset)
    assert rules.screener().ruleset is shipped.ruleset and rules.screener() is not shipped


def test_a_reload_never_changes_a_screener_another_app_shares(shipped: Screener, tmp_path: Path) -> None:
    one, other = ServingRules(lambda: shipped), ServingRules(lambda: shipped)
    assert one.screener() is other.screener() is shipped
    version = shipped.ruleset.version
    assert one.reload(changed_rules(tmp_path / "b"))
    assert shipped.ruleset.version == version and other.screener() is shipped  # untouched
    mine = one.screener()
    assert mine is not shipped and mine.ruleset.version != version
    assert mine.screen(peel(10)).ruleset_version == mine.ruleset.version
    assert one.reload(changed_rules(tmp_path / "c", peel_days=45))
    assert one.screener() is mine  # its own now: swapped in place (a screening under way retries)
    assert one.ruleset_for(version) is shipped.ruleset  # what it served before is still known by version


def test_a_refused_reload_keeps_the_rules_serving_and_says_why(shipped: Screener, tmp_path: Path) -> None:
    rules = ServingRules(lambda: shipped)
    broken = changed_rules(tmp_path / "broken", forehead_mm=None)
    (broken / "depth.yaml").write_text("rules: [not a rule]\n")
    assert not rules.reload(broken)
    assert rules.screener() is shipped and rules.last_error and "depth.yaml" in rules.last_error


def test_replacing_with_none_builds_again_on_next_use_and_ends_a_hold(shipped: Screener) -> None:
    rules = ServingRules(lambda: shipped)
    rules.hold("not checked")
    rules.replace(None)
    assert rules.screener() is shipped


def test_rules_that_do_not_load_raise_and_nothing_is_served(tmp_path: Path) -> None:
    rules = ServingRules(lambda: shared_screener(tmp_path, "conservative"))  # an empty folder
    with pytest.raises(SuitabilityError):
        rules.screener()
    assert rules.installed() is None


def test_apps_on_the_same_rule_files_share_one_loaded_screener(tmp_path: Path) -> None:
    a = changed_rules(tmp_path / "a")
    b = changed_rules(tmp_path / "b")  # the same content in another folder
    first = shared_screener(a, "conservative")
    assert shared_screener(b, "conservative") is first
    assert shared_screener(changed_rules(tmp_path / "c", peel_days=45), "conservative") is not first

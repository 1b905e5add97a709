"""Policy profiles: each disputed rule under each profile, the profile property, configuration and diff-profiles.

The expected outcomes are read from the rule files themselves (the rule's `outcome` and `wait`, its
`less_strict` block's `outcome` and `wait`), never from the code under test: a minimal intake triggers the rule,
with its event (if any) dated inside the conservative wait and, where the less strict wait is shorter, outside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

from tests.common.minimal import days_ago, minimal_intake
from tests.common.strategies import intakes

from suitability import Intake, Outcome, RuleFileError, Screener, default_screener, set_default_screener
from suitability.cli import main
from suitability.rules.loading import default_rules_dir
from suitability.rules.profiles import diff_profiles

RULES_DIR = default_rules_dir()


# rule id -> (answers that trigger it, days since its event or None)
TRIGGERS: dict[str, tuple[dict[str, Any], int | None]] = {
    "fitzpatrick-iv-to-vi": ({"fitzpatrick": "V"}, None),
    "implanted-device-mechanical": ({"implanted_device": "yes"}, None),
    "immunosuppressed": ({"immunosuppressed": "yes"}, None),
    "diabetes-controlled": ({"diabetes": "controlled"}, None),
    "scleroderma": ({"scleroderma": "yes"}, None),
    "nickel-allergy": ({"nickel_allergy": "yes"}, None),
    "anaesthetic-allergy": ({"anaesthetic_allergy": "yes"}, None),
    "isotretinoin-past": ({"isotretinoin": "past", "isotretinoin_last_dose": days_ago(60)}, 60),
    "retinoid": ({"retinoid": "yes", "retinoid_last_use": days_ago(5)}, 5),
    "pregnant": ({"pregnant": "yes"}, None),
    "breastfeeding": ({"breastfeeding": "yes"}, None),
    "toxin-treatment-area": ({"botulinum_toxin": "treatment_area", "botulinum_toxin_date": days_ago(30)}, 30),
    "toxin-elsewhere-face": ({"botulinum_toxin": "elsewhere_face", "botulinum_toxin_date": days_ago(30)}, 30),
    "dermal-filler": ({"dermal_filler": "yes", "dermal_filler_date": days_ago(60)}, 60),
    "tan": ({"tan": "yes", "tan_date": days_ago(14)}, 14),
    "self-tanner": ({"self_tanner": "yes", "self_tanner_date": days_ago(10)}, 10),
    "keloid": ({"keloid": "yes"}, None),
    "acne-comedonal": ({"acne_comedonal": "yes"}, None),
    "psoriasis-other": ({"psoriasis": "yes", "psoriasis_in_area": "no"}, None),
}


def raw_rules() -> dict[str, dict[str, Any]]:
    """Every rule as written in the rule files (YAML text only: yes/no stay text)."""
    rules: dict[str, dict[str, Any]] = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for rule in (data or {}).get("rules") or []:
            rules[rule["id"]] = rule
    return rules


RAW = raw_rules()
DISPUTED = sorted(rule_id for rule_id, rule in RAW.items() if rule.get("less_strict"))


def period_days(wait: dict[str, str]) -> tuple[int, int]:
    """The shortest and longest number of days a wait can last (months are 28 to 31 days)."""
    for unit, low, high in (("days", 1, 1), ("weeks", 7, 7), ("months", 28, 31)):
        if unit in wait:
            return int(wait[unit]) * low, int(wait[unit]) * high
    raise AssertionError(f"no period in {wait}")


def expected(rule_id: str, profile: str) -> Outcome:
    """What the rule data says the decision is for the rule's minimal intake under a profile."""
    rule, (_, elapsed) = RAW[rule_id], TRIGGERS[rule_id]
    less = rule.get("less_strict") or {}
    outcome, wait = rule["outcome"], rule.get("wait")
    if elapsed is not None:
        low, _ = period_days(wait)
        assert elapsed < low, f"{rule_id}: the example must fall inside the conservative wait"
    if profile == "standard":
        if less.get("drop") == "true":
            return Outcome.SUITABLE
        outcome = less.get("outcome", outcome)
        # a shorter wait that lapses: the rule applies only while it runs (one that stands keeps the rule)
        if isinstance(less.get("wait"), dict) and wait.get("once_passed") != "stands":
            _, high = period_days(less["wait"])
            if elapsed is not None and elapsed >= high:
                return Outcome.SUITABLE
        # `wait: none` drops the date, not the window: the finding still applies while the conservative one would
    return Outcome(outcome)


@pytest.fixture(scope="module")
def screeners() -> dict[str, Screener]:
    return {profile: Screener.from_directory(RULES_DIR, profile) for profile in ("conservative", "standard")}


def test_every_disputed_rule_has_an_example_under_each_profile() -> None:
    assert sorted(TRIGGERS) == DISPUTED


@pytest.mark.parametrize("profile", ["conservative", "standard"])
@pytest.mark.parametrize("rule_id", DISPUTED)
def test_a_disputed_rule_gives_each_profile_the_outcome_its_rule_data_says(
        screeners: dict[str, Screener], rule_id: str, profile: str) -> None:
    answers, _ = TRIGGERS[rule_id]
    decision = screeners[profile].screen(minimal_intake(**answers))
    want = expected(rule_id, profile)
    assert decision.profile == profile
    assert decision.outcome is want, [(f.rule_id, f.outcome.value) for f in decision.findings]
    fired = {f.rule_id for f in decision.findings}
    assert (rule_id in fired) is (want is not Outcome.SUITABLE)


def test_no_less_strict_reading_is_stricter_than_its_rule() -> None:
    for rule_id in DISPUTED:
        rule, less = RAW[rule_id], RAW[rule_id]["less_strict"]
        if "outcome" in less:
            assert Outcome(less["outcome"]).severity <= Outcome(rule["outcome"]).severity, rule_id
        if isinstance(less.get("wait"), dict):
            assert less["wait"]["after"] == rule["wait"]["after"], rule_id
            assert period_days(less["wait"])[1] <= period_days(rule["wait"])[0], rule_id
        if "depth_cap_mm" in less:
            assert float(less["depth_cap_mm"]) >= float(rule["depth_cap_mm"]), rule_id


def test_standard_no_wait_still_applies_only_inside_the_conservative_window(screeners: dict[str, Screener]) -> None:
    """Isotretinoin stopped 8 months ago: nothing to find under either profile (the less strict reading is
    about the first 6 months, not a review for ever)."""
    intake = minimal_intake(isotretinoin="past", isotretinoin_last_dose=days_ago(240))
    assert screeners["conservative"].screen(intake).outcome is Outcome.SUITABLE
    assert screeners["standard"].screen(intake).outcome is Outcome.SUITABLE


@given(intakes())
def test_conservative_is_never_less_severe_deeper_or_earlier_than_standard(screeners: dict[str, Screener],
                                                                           intake: Intake) -> None:
    strict, loose = screeners["conservative"].screen(intake), screeners["standard"].screen(intake)
    assert strict.outcome.severity >= loose.outcome.severity, (strict.outcome, loose.outcome)
    if strict.depth_limits and loose.depth_limits:  # not_suitable carries no limits
        for mine, theirs in zip(strict.depth_limits, loose.depth_limits, strict=True):
            assert mine.treatment == theirs.treatment
            assert mine.limit_mm <= theirs.limit_mm, mine.treatment
    if loose.earliest_date is not None:
        assert strict.earliest_date is not None and strict.earliest_date >= loose.earliest_date


def test_the_configured_profile_is_used_and_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = default_screener()
    try:
        monkeypatch.setenv("SUITABILITY_PROFILE", "standard")
        set_default_screener(None)
        decision = default_screener().screen(minimal_intake(pregnant="yes"))
        assert (decision.profile, decision.outcome) == ("standard", Outcome.REVIEW)
        monkeypatch.delenv("SUITABILITY_PROFILE")
        set_default_screener(None)
        decision = default_screener().screen(minimal_intake(pregnant="yes"))
        assert (decision.profile, decision.outcome) == ("conservative", Outcome.NOT_SUITABLE)
    finally:
        set_default_screener(previous)


def test_an_unknown_configured_profile_stops_the_service_with_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = default_screener()
    try:
        monkeypatch.setenv("SUITABILITY_PROFILE", "standart")
        set_default_screener(None)
        with pytest.raises(RuleFileError, match="did you mean 'standard'"):
            default_screener()
    finally:
        set_default_screener(previous)


def test_diff_profiles_lists_every_disputed_rule_and_what_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "diff-profiles"]) == 0
    out = capsys.readouterr().out
    for rule_id in DISPUTED:
        assert f"\n{rule_id} (" in out
    changes = {(c.rule_id, c.what): c for c in diff_profiles()}
    assert changes[("pregnant", "outcome")].standard == "review"
    assert changes[("retinoid", "wait")].standard == "1 day after retinoid_last_use"
    assert changes[("isotretinoin-past", "wait")].standard.startswith("none (applies only within 6 months")
    assert changes[("psoriasis-other", "none")]  # recorded, applied by no profile
    assert "pregnant: outcome" not in out and "  outcome: not_suitable -> review" in out


def test_diff_profiles_reports_a_broken_rules_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "diff-profiles", "--rules", str(tmp_path)]) == 1
    assert "rule error" in capsys.readouterr().err

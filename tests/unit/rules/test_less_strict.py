"""A less strict reading may carry its own patient text, wait_for and instructions (the `standard` profile uses
them), is validated at load, and can never be stricter than the rule it relaxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from tests.common.minimal import minimal_intake

from suitability import Outcome, RuleFileError, Screener, load_rules
from suitability.rules.loading import _TextLoader, load_rules_from_files
from suitability.rules.seal import sealed

RETINOID = "retinoid"


def files_with(rule_id: str, **less: Any) -> dict[str, str]:
    """The shipped rule files with keys added to (None: removed from) one rule's less_strict block."""
    files = dict(load_rules().files)
    for name, text in files.items():
        data = yaml.load(text, Loader=_TextLoader)
        rules = data.get("rules") if isinstance(data, dict) else None
        for rule in rules or []:
            if rule["id"] == rule_id:
                block = rule.setdefault("less_strict", {"reading": "r", "held_by": "h"})
                for key, value in less.items():
                    if value is None:
                        block.pop(key, None)
                    else:
                        block[key] = value
                files[name] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
                return sealed(files)
    raise AssertionError(f"no rule {rule_id}")


def refused(files: dict[str, str]) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        load_rules_from_files(files)
    return caught.value


def finding(decision: Any, rule_id: str) -> Any:
    return next(f for f in decision.findings if f.rule_id == rule_id)


def test_standard_tells_the_patient_the_less_strict_readings_own_text_wait_and_instructions() -> None:
    text = "You can go ahead: stop your retinoid or retinol cream 24 hours before your appointment."
    files = files_with(RETINOID, patient=text, instructions=["X-RETINOID-RESUME"], wait_for="flaking has settled")
    intake = minimal_intake(retinoid="yes", appointment_date="2026-03-20")
    standard = Screener(load_rules_from_files(files, "standard")).screen(intake)
    conservative = Screener(load_rules_from_files(files, "conservative")).screen(intake)

    assert finding(standard, RETINOID).patient_text == text
    assert finding(standard, RETINOID).wait_for == "flaking has settled"
    assert "flaking has settled" in standard.wait_for
    ids = {i.id for i in standard.instructions if RETINOID in i.because_of}
    assert ids == {"X-RETINOID-RESUME"}

    assert finding(conservative, RETINOID).patient_text != text  # conservative keeps the rule's own text
    assert {i.id for i in conservative.instructions if RETINOID in i.because_of} == {"P3", "X-RETINOID-RESUME"}
    assert not conservative.wait_for


def test_wait_for_none_removes_the_rules_condition_under_standard() -> None:
    rule = next(r for r in load_rules().rules if r.wait_for and not r.less_strict)
    files = files_with(rule.id, wait_for="none")
    assert load_rules_from_files(files, "standard").rule(rule.id).wait_for is None
    assert load_rules_from_files(files, "conservative").rule(rule.id).wait_for == rule.wait_for


def test_the_shipped_retinoid_reading_tells_the_patient_what_standard_applies() -> None:
    """Standard waits 24 hours for retinoids: the patient text and instructions must say 24 hours, not 10 days."""
    intake = minimal_intake(retinoid="yes", appointment_date="2026-03-20")  # still using it
    standard = Screener(load_rules(profile="standard")).screen(intake)
    found = finding(standard, RETINOID)
    assert "24 hours" in found.patient_text and "10 days" not in found.patient_text
    stop = {i.id: i for i in standard.instructions if RETINOID in i.because_of}
    assert set(stop) == {"P3-24H", "X-RETINOID-RESUME"}
    assert stop["P3-24H"].starts == dt.date(2026, 3, 19)  # the day before the appointment, not 10 days


@pytest.mark.parametrize(("less", "field", "message"), [
    ({"patient": "  "}, "less_strict.patient", "must be text"),
    ({"wait_for": 3}, "less_strict.wait_for", "must be text"),
    ({"instructions": ["X-RETINOID-RESUM"]}, "less_strict.instructions", "unknown instruction"),
    ({"instructions": "X-RETINOID-RESUME"}, "less_strict.instructions", "must be a list"),
    ({"outcome": "not_suitable"}, "less_strict.outcome", "stricter"),
    ({"outcome": "suitable"}, "less_strict.outcome", "drop: true"),
    ({"wait": {"after": "retinoid_last_use", "days": 30}}, "less_strict.wait", "no longer than"),
    ({"drop": True, "patient": "p"}, "less_strict.drop", "no other effect"),
    ({"drop": "yes"}, "less_strict.drop", "drop: true"),
    ({"patiant": "p"}, "patiant", "unknown key"),
    ({"reading": None}, "less_strict", "'reading' and 'held_by'"),
])
def test_a_bad_less_strict_reading_is_refused_naming_file_rule_and_key(less: dict[str, Any], field: str,
                                                                       message: str) -> None:
    error = refused(files_with(RETINOID, **less))
    assert (error.file, error.rule_id, error.field) == ("medicines.yaml", RETINOID, field)
    assert message in str(error)


def test_a_less_strict_depth_cap_below_the_rules_own_is_refused() -> None:
    rule = next(r for r in load_rules().rules if r.depth_cap_mm is not None and r.per_treatment)
    error = refused(files_with(rule.id, depth_cap_mm=rule.depth_cap_mm / 2))
    assert (error.rule_id, error.field) == (rule.id, "less_strict.depth_cap_mm")
    assert load_rules_from_files(files_with(rule.id, depth_cap_mm=rule.depth_cap_mm), "standard")


def test_the_depth_flag_is_not_set_when_the_outcome_is_not_suitable() -> None:
    """Stretch marks on the abdomen at a clinic allow 2.0 mm (above the 1.5 mm flag); pregnancy makes the
    outcome not suitable, so there is no depth at all: no limits and no flag about depth."""
    screener = Screener(load_rules())
    body = [{"area": "abdomen", "concern": "stretch_marks"}]
    deep = screener.screen(minimal_intake(treatments=body))
    assert max(limit.limit_mm for limit in deep.depth_limits) > 1.5
    assert any(flag.startswith("depth-above-") for flag in deep.flags)

    pregnant = screener.screen(minimal_intake(treatments=body, pregnant="yes"))
    assert pregnant.outcome is Outcome.NOT_SUITABLE
    assert pregnant.depth_limits == ()
    assert not any(flag.startswith("depth-above-") for flag in pregnant.flags)


def test_the_profile_diff_shows_the_readings_own_patient_text_and_instructions() -> None:
    from suitability.rules.profiles import diff_profiles

    changes = {(c.rule_id, c.what): c for c in diff_profiles()}
    assert "24 hours" in changes[(RETINOID, "patient text")].standard
    assert changes[(RETINOID, "instructions")].conservative == "P3, X-RETINOID-RESUME"
    assert changes[(RETINOID, "instructions")].standard == "P3-24H, X-RETINOID-RESUME"

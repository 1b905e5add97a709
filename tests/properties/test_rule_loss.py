"""A rule set that has lost a rule never serves: deleting any one rule of the shipped set is refused by the
seal; and when the seal is written again (an intended edit), by the "every answer reaches a rule" check or by
at least one clinical scenario, except for the rules named below, whose loss changes no decision's outcome,
dates or depth limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suitability import RuleFileError, Screener, load_rules
from suitability.errors import SuitabilityError
from suitability.rules.loading import load_rules_from_files
from suitability.rules.model import Rule
from suitability.rules.seal import SEAL, sealed

SHIPPED = load_rules()
FILES = dict(SHIPPED.files)
# Losing one of these changes no outcome, date or limit, so no scenario can tell:
ONLY_AN_INSTRUCTION = {
    "depth-home-needs-professional",  # adds X-HOME-PRO; home use is already precautions (home-device, X-HOME)
}
REDUNDANT_CAPS = {  # another cap gives the same limit to every treatment it applies to
    "depth-concern-surgical-scars-face",  # 1.5: the face device cap is 1.5 too
    "depth-concern-surgical-scars-body",  # 2.0: the body area cap and the body device cap are 2.0 too
    "depth-device-body",                  # 2.0: every body area's cap is 2.0, no concern cap is above 2.0
}


def without(files: dict[str, str], rule: Rule) -> dict[str, str]:
    """The files with one rule cut out of its file, as an editor deleting its lines would."""
    text = files[rule.file]
    start = text.index(f"  - id: {rule.id}\n")
    end = text.find("\n  - id: ", start + 1)
    return dict(files, **{rule.file: text[:start] + (text[end + 1:] if end != -1 else "")})


def refused_when_sealed(files: dict[str, str]) -> str | None:
    """Why the re-sealed rule set is refused (coverage at load, or a scenario at compile), or None."""
    try:
        Screener(load_rules_from_files(sealed(files)))
    except SuitabilityError as exc:
        return str(exc)
    return None


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SHIPPED.rules))
def test_losing_any_one_rule_is_refused_by_the_seal_and_sealed_again_by_coverage_or_a_scenario(rule: Rule) -> None:
    files = without(FILES, rule)
    with pytest.raises(RuleFileError) as caught:
        load_rules_from_files(files)
    assert caught.value.file == SEAL and f"{rule.file}: changed" in str(caught.value)
    assert rule.id in str(caught.value)  # "ids removed <id>"
    why = refused_when_sealed(files)
    if rule.id in ONLY_AN_INSTRUCTION | REDUNDANT_CAPS:
        assert why is None  # if this fails, a check now catches it: take it off the list
    else:
        assert why is not None, f"losing {rule.id} went unnoticed"


@pytest.mark.parametrize("rule_id", sorted(ONLY_AN_INSTRUCTION | REDUNDANT_CAPS))
def test_the_rules_whose_loss_goes_unnoticed_are_still_shipped(rule_id: str) -> None:
    assert rule_id in {rule.id for rule in SHIPPED.rules}

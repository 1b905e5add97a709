"""(e) Explained: every outcome but `suitable` has a finding with that outcome; every finding, depth limit and
instruction names something that exists in the rule set, and says the same as the rule it names."""

from __future__ import annotations

from hypothesis import given

from tests.common.strategies import intakes

from suitability import Intake, Outcome


@given(intakes())
def test_every_decision_is_explained_by_rules_that_exist(screen, ruleset, intake: Intake) -> None:
    decision = screen(intake)
    rules = {rule.id: rule for rule in ruleset.rules}

    too_early = decision.appointment_date is not None and decision.earliest_date is not None and (
        decision.earliest_date > decision.appointment_date)
    if decision.outcome is Outcome.SUITABLE:
        assert all(f.outcome is Outcome.SUITABLE for f in decision.findings)
    elif too_early and not any(f.outcome is decision.outcome for f in decision.findings):
        # clinical-rules.md §1a: an appointment before the earliest date defers whatever the findings say; the
        # headline and the flag say so, and the findings whose waits run past the appointment are why
        assert decision.outcome is Outcome.DEFER and decision.headline
        assert "appointment-before-earliest-date" in decision.flags
        assert any(f.wait_until and f.wait_until > decision.appointment_date for f in decision.findings)
    else:
        assert any(f.outcome is decision.outcome for f in decision.findings)
    assert all(f.outcome.severity <= decision.outcome.severity for f in decision.findings)

    for finding in decision.findings:
        rule = rules.get(finding.rule_id)
        assert rule is not None, f"finding {finding.rule_id} names no rule"
        assert (finding.outcome, finding.patient_text, finding.sources) == (rule.outcome, rule.patient, rule.sources)
        assert (finding.treatment is not None) == rule.per_treatment
        assert finding.patient_text and finding.rationale and finding.sources
        if finding.wait_until is not None:
            assert rule.wait is not None and finding.values.get("until") == finding.wait_until.isoformat()

    for limit in decision.depth_limits:
        assert limit.set_by in rules, f"depth limit set by unknown rule {limit.set_by}"
        assert rules[limit.set_by].depth_cap_mm == limit.limit_mm
        assert limit.caps[limit.set_by] == limit.limit_mm == min(limit.caps.values())
        assert all(rules[rule_id].depth_cap_mm == cap for rule_id, cap in limit.caps.items())
        if limit.next_set_by is not None:
            assert limit.caps[limit.next_set_by] == limit.next_limit_mm >= limit.limit_mm

    for instruction in decision.instructions:
        assert instruction.id in ruleset.instructions
        assert instruction.because_of
        assert all(ref == "general" or ref in rules for ref in instruction.because_of)

    # a wait that has passed by the day it is counted to (the appointment, else the pre-screen) adds nothing
    waits = [f.wait_until for f in decision.findings if f.wait_until and f.wait_until > intake.reference_date]
    assert decision.earliest_date == max(waits, default=None)
